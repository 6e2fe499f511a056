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

/**
 * Runs the operation's procedure as tRPC's server-side caller would (its middlewares: auth,
 * input parsing, output checks, then the resolver), without building a caller proxy and walking
 * it to the procedure on every request: the route holds the procedure itself.
 */
function procedureCall(operation: RestOperation) {
  const { procedure, procedurePath: path } = operation;
  const type = procedure._def.type;
  return (ctx: Context, input: unknown): Promise<unknown> =>
    procedure({
      ctx,
      getRawInput: () => Promise.resolve(input),
      path,
      type,
      signal: undefined,
      batchIndex: 0,
    });
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
