import { initTRPC } from '@trpc/server';
import { DomainError, type Permission } from '@peasswap/domain';
import type { Context } from './context.js';
import { toApiError, toTrpcError } from './errors.js';

/** How a procedure is also served over REST, and documented in /openapi.json. */
export interface OpenApiMeta {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An OpenAPI path template: `/v1/customers/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
}

export interface Meta {
  openapi?: OpenApiMeta;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error, input, ctx }) {
      const apiError = toApiError(error, input);
      return {
        message: apiError.message,
        code: shape.code,
        data: {
          type: apiError.type,
          code: apiError.code,
          ...(apiError.param !== undefined && { param: apiError.param }),
          ...apiError.extra,
          httpStatus: apiError.status,
          path: shape.data.path,
          requestId: ctx?.requestId ?? '',
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** DomainErrors leave as TRPCErrors with the code that gives them their HTTP status. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    throw toTrpcError(result.error.cause);
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** A procedure that needs a key holding `permission`; its context carries the caller's scope. */
export function procedureWith(permission: Permission) {
  return publicProcedure.use(({ ctx, next }) => {
    const { auth } = ctx;
    if (!auth) {
      throw new DomainError(
        'api_key_invalid',
        'Send a valid API key as `Authorization: Bearer sk_...`.',
      );
    }
    if (!auth.permissions.includes(permission)) {
      throw new DomainError(
        'insufficient_permissions',
        `This key lacks the '${permission}' permission this request needs.`,
      );
    }
    return next({
      ctx: { ...ctx, auth, scope: { accountId: auth.accountId, livemode: auth.livemode } },
    });
  });
}
