import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CustomerExportQuerySchema, DomainError, type Permission } from '@peasswap/domain';
import { customerExportStream } from '../customers/csv-export.js';
import type { Context } from '../trpc/context.js';
import { toApiError } from '../trpc/errors.js';
import { createCaller } from '../trpc/root.js';
import { replyWithError } from './reply-error.js';

export const CUSTOMER_IMPORT_PATH = '/v1/customers/import';
export const CUSTOMER_EXPORT_PATH = '/v1/customers/export.csv';
/** About 600 bytes a row for 100,000 rows: room for long descriptions and metadata. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const notCsv = () =>
  new DomainError(
    'content_type_unsupported',
    'Send the file as the request body with Content-Type: text/csv (UTF-8).',
  );

/** Query-string booleans, as the list's numbers are coerced: only the exact words. */
function withBooleans(query: Record<string, unknown>, names: readonly string[]) {
  const out = { ...query };
  for (const name of names) {
    if (out[name] === 'true') out[name] = true;
    else if (out[name] === 'false') out[name] = false;
  }
  return out;
}

/** What `procedureWith` asks of a tRPC caller, for a route that streams and so is no procedure. */
function scopeOf(request: FastifyRequest, permission: Permission) {
  const { auth } = request;
  if (!auth) {
    throw (
      request.authFailure ??
      new DomainError('api_key_invalid', 'Send a valid API key as `Authorization: Bearer sk_...`.')
    );
  }
  if (!auth.permissions.includes(permission)) {
    throw new DomainError(
      'insufficient_permissions',
      `This key lacks the '${permission}' permission this request needs.`,
    );
  }
  return { accountId: auth.accountId, livemode: auth.livemode };
}

/**
 * CSV import and export (SPEC §8): REST routes of their own, since one takes a `text/csv` body and
 * the other streams one, behind the same hooks as every route (request id, authentication, rate
 * limit, idempotency). `text/csv` is parsed in this plugin's context only: everywhere else it is
 * refused as before. The import runs the `customers.import` procedure, so its permission,
 * validation and errors are the procedure's. Both take the dashboard's session as well as keys
 * (see the authentication plugin): the dashboard downloads and uploads its files here.
 */
export function customerCsvRoutes(
  app: FastifyInstance,
  { createContext }: { createContext: (request: FastifyRequest) => Context },
  done: (error?: Error) => void,
) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
    (request, body, done) => {
      const charset = /charset\s*=\s*"?([\w-]+)/i.exec(request.headers['content-type'] ?? '');
      if (charset?.[1] && !/^utf-?8$/i.test(charset[1])) return done(notCsv());
      try {
        // Fatal: a byte that is not UTF-8 is refused, never read as U+FFFD. The BOM stays for
        // csv-parse to drop, as it would for a file sent through tRPC.
        done(null, utf8.decode(body as Buffer, { stream: false }));
      } catch {
        done(
          new DomainError('parameter_invalid', 'The file is not valid UTF-8; save it as UTF-8.'),
        );
      }
    },
  );
  app.addContentTypeParser('*', (_request, _payload, done) => done(notCsv()));

  const fail = (request: FastifyRequest, reply: FastifyReply, error: unknown, input?: unknown) =>
    replyWithError(request, reply, toApiError(error, input), error);

  app.post(CUSTOMER_IMPORT_PATH, { bodyLimit: IMPORT_BODY_LIMIT }, async (request, reply) => {
    let input: unknown;
    try {
      if (typeof request.body !== 'string') throw notCsv();
      const query = withBooleans(request.query as Record<string, unknown>, ['dryRun']);
      if (Object.hasOwn(query, 'csv')) {
        throw new DomainError('parameter_unknown', 'Received unknown parameter: csv.', {
          param: 'csv',
        });
      }
      input = { ...query, csv: request.body };
      const caller = createCaller(createContext(request));
      return reply.code(200).send(await caller.customers.import(input as never));
    } catch (error) {
      return fail(request, reply, error, input);
    }
  });

  app.get(CUSTOMER_EXPORT_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    try {
      const scope = scopeOf(request, 'customers:read');
      const filters = CustomerExportQuerySchema.parse(query);
      const stream = await customerExportStream(createContext(request).readDb, scope, filters);
      return reply
        .code(200)
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="customers.csv"')
        .send(stream);
    } catch (error) {
      return fail(request, reply, error, query);
    }
  });
  done();
}
