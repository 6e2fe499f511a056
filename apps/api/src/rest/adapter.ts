import { getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '@peasswap/domain';
import { toApiError } from '../trpc/errors.js';
import type { Context } from '../trpc/context.js';
import { numericFields, type RestOperation } from './operations.js';
import { replyWithError } from './reply-error.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Strings from the query string become numbers only where the schema wants a number; the schema
 * itself stays strict, so a JSON body's `"amount": "100"` is still refused on REST and tRPC alike.
 */
function queryInput(query: Record<string, unknown>, numeric: Set<string>) {
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      name,
      numeric.has(name) && typeof value === 'string' && NUMBER.test(value) ? Number(value) : value,
    ]),
  );
}

function bodyInput(body: unknown, operation: RestOperation): unknown {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return body;
  const clash = operation.pathParams.find((name) => Object.hasOwn(body, name));
  if (clash !== undefined) {
    throw new DomainError('parameter_unknown', `Received unknown parameter: ${clash}.`, {
      param: clash,
    });
  }
  return body;
}

/** What a procedure's middlewares are called with and answer (tRPC's own, see procedureCall). */
interface MiddlewareOptions {
  ctx: object;
  input: unknown;
  getRawInput: () => Promise<unknown>;
  path: string;
  type: string;
  signal: undefined;
  batchIndex: number;
  meta: unknown;
  next(nextOptions?: {
    ctx?: object;
    input?: unknown;
    getRawInput?: () => Promise<unknown>;
  }): Promise<MiddlewareResult>;
}
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: unknown };
type Middleware = (options: MiddlewareOptions) => Promise<MiddlewareResult>;

/**
 * Runs the operation's procedure as tRPC's server-side caller does (its middlewares in order:
 * auth, input parsing, output checks, then the resolver), without building a caller proxy and
 * walking it to the procedure on every request: the route holds the procedure itself.
 *
 * The chain is tRPC's `callRecursive` (@trpc/server, initTRPC) step for step, with native object
 * spreads: tRPC's build copies a call's options and context with Babel's `_objectSpread2` (a
 * property at a time, through `ownKeys` and `defineProperty`) for every middleware, which the
 * profile of a GET by id found to be its largest JavaScript cost after the socket writes. The
 * tRPC transport keeps tRPC's own runner: every REST test runs this one, every tRPC test tRPC's,
 * and test/trpc.test.ts compares their answers.
 */
function procedureCall(operation: RestOperation) {
  const { procedure, procedurePath: path } = operation;
  const { middlewares, meta } = procedure._def as unknown as {
    middlewares: Middleware[];
    meta: unknown;
  };
  const type = procedure._def.type;

  async function step(
    index: number,
    options: Omit<MiddlewareOptions, 'meta' | 'next'>,
  ): Promise<MiddlewareResult> {
    try {
      const middleware = middlewares[index] as Middleware;
      return await middleware({
        ...options,
        meta,
        next: (nextOptions) =>
          step(index + 1, {
            ...options,
            ctx: nextOptions?.ctx ? { ...options.ctx, ...nextOptions.ctx } : options.ctx,
            input: nextOptions && 'input' in nextOptions ? nextOptions.input : options.input,
            getRawInput: nextOptions?.getRawInput ?? options.getRawInput,
          }),
      });
    } catch (cause) {
      return { ok: false as const, error: getTRPCErrorFromUnknown(cause) };
    }
  }

  return async (ctx: Context, input: unknown): Promise<unknown> => {
    const result = await step(0, {
      ctx,
      input: undefined,
      getRawInput: () => Promise.resolve(input),
      path,
      type,
      signal: undefined,
      batchIndex: 0,
    });
    if (!result.ok) throw result.error;
    return result.data;
  };
}

/**
 * Serve every procedure that declares `meta.openapi` at its REST path, through the same procedure
 * (auth, validation, scoping) the tRPC transport runs, and answer failures in the SPEC's envelope.
 */
export function registerRestRoutes(
  app: FastifyInstance,
  operations: RestOperation[],
  createContext: (request: FastifyRequest) => Context,
): void {
  for (const operation of operations) {
    const numeric = numericFields(operation);
    const usesBody = operation.meta.method === 'POST' || operation.meta.method === 'PUT';
    const call = procedureCall(operation);
    app.route({
      method: operation.meta.method,
      url: operation.meta.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        let input: unknown;
        try {
          const params = request.params as Record<string, string>;
          const fields = usesBody
            ? bodyInput(request.body, operation)
            : queryInput(request.query as Record<string, unknown>, numeric);
          input = fields !== null && typeof fields === 'object' ? { ...fields, ...params } : fields;
          return reply.code(200).send(await call(createContext(request), input));
        } catch (error) {
          return replyWithError(request, reply, toApiError(error, input), error);
        }
      },
    });
  }
}
