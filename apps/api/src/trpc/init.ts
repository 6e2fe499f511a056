import { initTRPC } from '@trpc/server';
import { DomainError, type Permission } from '@peasswap/domain';
import { capabilitiesOfRole, type DashboardCapability } from '../auth/roles.js';
import type { Context } from './context.js';
import { toApiError, toTrpcError, toTrpcErrorShape } from './errors.js';

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
      return toTrpcErrorShape(toApiError(error, input), ctx?.requestId ?? '', shape.data.path);
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A DomainError thrown by a later step leaves as the TRPCError that gives it its HTTP status. */
function domainErrorsAsTrpc<R extends { ok: boolean; error?: { cause?: unknown } }>(result: R): R {
  if (!result.ok && result.error?.cause instanceof DomainError) {
    throw toTrpcError(result.error.cause);
  }
  return result;
}

const domainErrors = t.middleware(async ({ next }) => domainErrorsAsTrpc(await next()));

export const publicProcedure = t.procedure.use(domainErrors);

/**
 * A procedure that `admit`s its caller before anything else runs (it throws a DomainError to
 * refuse, or answers what it adds to the context), and whose DomainErrors, its own or a later
 * step's, leave as TRPCErrors. One middleware rather than two: tRPC copies a call's options and
 * context again for each middleware, a measurable share of a simple read's CPU.
 */
function admittedProcedure<Added extends object>(admit: (ctx: Context) => Added) {
  return t.procedure.use(async ({ ctx, next }) => {
    let added: Added;
    try {
      added = admit(ctx);
    } catch (error) {
      throw error instanceof DomainError ? toTrpcError(error) : error;
    }
    return domainErrorsAsTrpc(await next({ ctx: added }));
  });
}

function notAuthenticated(ctx: Context): DomainError {
  return (
    ctx.authFailure ??
    new DomainError('api_key_invalid', 'Send a valid API key as `Authorization: Bearer sk_...`.')
  );
}

function passwordChangeRequired(): DomainError {
  return new DomainError(
    'password_change_required',
    'You signed in with a temporary password: choose a new one before anything else.',
  );
}

const notInDashboard = () =>
  new DomainError(
    'insufficient_permissions',
    'This is done in the dashboard by a signed-in user, not with an API key.',
  );

/**
 * A procedure that needs a key (or a signed-in user's role) holding `permission`; its context
 * carries the caller's scope.
 */
export function procedureWith(permission: Permission) {
  return admittedProcedure((ctx) => {
    const { auth } = ctx;
    if (!auth) throw notAuthenticated(ctx);
    if (auth.user?.mustChangePassword) throw passwordChangeRequired();
    if (!auth.permissions.includes(permission)) {
      throw new DomainError(
        'insufficient_permissions',
        auth.user
          ? `Your role (${auth.user.role}) does not allow '${permission}'.`
          : `This key lacks the '${permission}' permission this request needs.`,
      );
    }
    return { auth, scope: { accountId: auth.accountId, livemode: auth.livemode } };
  });
}

/**
 * A dashboard-only procedure for a signed-in user whose role has `capability` (managing keys,
 * users). API keys are refused: a key cannot mint or revoke keys.
 */
export function dashboardProcedureWith(capability: DashboardCapability) {
  return admittedProcedure((ctx) => {
    const { auth } = ctx;
    if (!auth) throw notAuthenticated(ctx);
    const { user } = auth;
    if (!user) throw notInDashboard();
    if (user.mustChangePassword) throw passwordChangeRequired();
    if (!capabilitiesOfRole(user.role).includes(capability)) {
      throw new DomainError(
        'insufficient_permissions',
        `Your role (${user.role}) does not allow '${capability}'.`,
      );
    }
    return { auth, user, scope: { accountId: auth.accountId, livemode: auth.livemode } };
  });
}

/**
 * A signed-in user's own account (changing their password): the one thing a session opened with
 * a temporary password may do. API keys are refused.
 */
export const userProcedure = admittedProcedure((ctx) => {
  const { auth } = ctx;
  if (!auth) throw notAuthenticated(ctx);
  const { user } = auth;
  if (!user) throw notInDashboard();
  return { auth, user };
});

/**
 * Signing in and out: only from the dashboard itself (the cross-site checks), never over REST.
 * Its context carries the cookie handle.
 */
export const sessionProcedure = admittedProcedure((ctx) => {
  const { dashboard } = ctx;
  if (!dashboard) {
    throw new DomainError('cross_site_request_refused', 'Sign in through the dashboard.');
  }
  if (dashboard.crossSiteProblem) {
    throw new DomainError('cross_site_request_refused', dashboard.crossSiteProblem);
  }
  return { dashboard };
});
