import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import postgres from 'postgres';
import {
  emailIdentity,
  emailSearchPrefix,
  newId,
  phoneSearchPrefixes,
  summariseAnalytics,
  toSafeNumber,
} from '@peasswap/domain';

/**
 * The ceiling: a bare node:http server answering the benchmark's requests with the same SQL the
 * API's queries send (src/queries: same columns, predicates, order and limits), straight through
 * the `postgres` driver, with the same pool size and, like the API's prepared hot reads, named
 * prepared statements (`prepare: true`). No framework, no validation, no auth: what is left is the
 * cost of the database round trips and the JSON, which is what the API is measured against.
 *
 * Environment: DATABASE_URL, PORT, BENCH_ACCOUNT_ID (the scope every query is filtered by), and
 * BENCH_CEILING_AUTH=1 to also send, per request, the API's two key statements (look the key up by
 * hash; record its use), which shows how much of the API's gap is those round trips.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
const url = required('DATABASE_URL');
const accountId = required('BENCH_ACCOUNT_ID');
const livemode = false;
const withAuth = process.env.BENCH_CEILING_AUTH === '1';
const sql = postgres(url, { max: 10, prepare: true, onnotice: () => undefined });

interface CustomerRow {
  id: string;
  livemode: boolean;
  name: string;
  email: string;
  phone: string | null;
  description: string | null;
  metadata: Record<string, string>;
  default_payment_method_id: string | null;
  created_at: Date;
  updated_at: Date;
}

interface PaymentRow {
  id: string;
  livemode: boolean;
  customer_id: string | null;
  amount: number;
  currency: string;
  payment_method_id: string | null;
  status: string;
  failure_code: string | null;
  description: string | null;
  metadata: Record<string, string>;
  subscription_id: string | null;
  payment_schedule_id: string | null;
  created_at: Date;
}

const customer = (row: CustomerRow) => ({
  id: row.id,
  object: 'customer',
  name: row.name,
  email: row.email,
  phone: row.phone,
  description: row.description,
  metadata: row.metadata,
  defaultPaymentMethod: row.default_payment_method_id,
  livemode: row.livemode,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const payment = (row: PaymentRow) => ({
  id: row.id,
  object: 'payment',
  amount: row.amount,
  currency: row.currency,
  customer: row.customer_id,
  paymentMethod: row.payment_method_id,
  status: row.status,
  failureCode: row.failure_code,
  description: row.description,
  metadata: row.metadata,
  subscription: row.subscription_id,
  paymentSchedule: row.payment_schedule_id,
  livemode: row.livemode,
  createdAt: row.created_at.toISOString(),
});

function page<T>(rows: T[], limit: number, url: string, map: (row: T) => unknown) {
  return { object: 'list', data: rows.slice(0, limit).map(map), hasMore: rows.length > limit, url };
}

const notFound = { error: { type: 'invalid_request_error', code: 'resource_missing' } };

async function liveCustomerExists(id: string): Promise<boolean> {
  const rows = await sql`
    select "id" from "customers"
    where ("customers"."id" = ${id} and ("customers"."account_id" = ${accountId}
      and "customers"."livemode" = ${livemode}) and "customers"."deleted_at" is null)`;
  return rows.length > 0;
}

async function cursorExists(id: string): Promise<boolean> {
  const rows = await sql`
    select "id" from "customers"
    where ("customers"."id" = ${id} and ("customers"."account_id" = ${accountId}
      and "customers"."livemode" = ${livemode}))`;
  return rows.length > 0;
}

/** The end of the byte-ordered range of texts starting with `prefix` (as src/queries). */
const prefixEnd = (prefix: string) => `${prefix}\u{10FFFF}`;

const CUSTOMER_COLUMNS = sql`"id", "livemode", "name", "email", "phone", "description", "metadata", "default_payment_method_id", "created_at", "updated_at"`;

/** `query=` typed like an email's start or a fragment, as src/queries/customers.ts reads it. */
function searchMatches(text: string) {
  const email = emailSearchPrefix(text);
  if (email !== undefined) {
    return sql`and ("customers"."email_identity" ~>=~ ${email} and "customers"."email_identity" ~<~ ${prefixEnd(email)})`;
  }
  return sql`and "customers"."search_text" like '%' || lower(${text.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`;
}

/**
 * A phone search as src/queries/customers.ts sends it (phonePageIds): each prefix's top of the
 * page from the phone index alone, their union cut to the page, then those rows by key.
 */
function phonePage(prefixes: string[], live: postgres.Fragment, limit: number) {
  const range = (p: string) => sql`(select "created_at", "id" from "customers"
      where (${live} and ("customers"."phone" ~>=~ ${p} and "customers"."phone" ~<~ ${prefixEnd(p)}))
      order by "customers"."created_at" desc, "customers"."id" desc limit ${limit + 1})`;
  const [first, second] = prefixes.map(range);
  if (first === undefined) throw new Error('A phone search has at least one prefix.');
  return sql<CustomerRow[]>`
    select ${CUSTOMER_COLUMNS} from "customers"
    where (("customers"."account_id" = ${accountId} and "customers"."livemode" = ${livemode})
      and "customers"."id" in (select "id" from (${first}${second !== undefined ? sql` union ${second}` : sql``}) "matches"
        order by "matches"."created_at" desc, "matches"."id" desc limit ${limit + 1}))
    order by "customers"."created_at" desc, "customers"."id" desc`;
}

async function listCustomers(query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? 10);
  const after = query.get('startingAfter');
  const email = query.get('email');
  const text = query.get('query');
  const phone =
    text !== null && emailSearchPrefix(text) === undefined ? phoneSearchPrefixes(text) : undefined;
  const live = sql`(("customers"."account_id" = ${accountId} and "customers"."livemode" = ${livemode})
      and "customers"."deleted_at" is null
      ${after !== null ? sql`and ("customers"."created_at", "customers"."id") < (select "customers"."created_at", "customers"."id" from "customers" where "customers"."id" = ${after} and ("customers"."account_id" = ${accountId} and "customers"."livemode" = ${livemode}))` : sql``}
      ${email !== null ? sql`and "customers"."email_identity" = ${emailIdentity(email)}` : sql``})`;
  const rows =
    phone !== undefined
      ? await phonePage(phone, live, limit)
      : await sql<CustomerRow[]>`
    select ${CUSTOMER_COLUMNS}
    from "customers"
    where (${live} ${text !== null ? searchMatches(text) : sql``})
    order by "customers"."created_at" desc, "customers"."id" desc
    limit ${limit + 1}`;
  if (rows.length === 0 && after !== null && !(await cursorExists(after))) {
    return [400, notFound] as const;
  }
  return [200, page(rows, limit, '/v1/customers', customer)] as const;
}

async function retrieveCustomer(id: string) {
  const [row] = await sql<CustomerRow[]>`
    select "id", "livemode", "name", "email", "phone", "description", "metadata", "default_payment_method_id", "created_at", "updated_at"
    from "customers"
    where ("customers"."id" = ${id} and ("customers"."account_id" = ${accountId}
      and "customers"."livemode" = ${livemode}) and "customers"."deleted_at" is null)`;
  return row ? ([200, customer(row)] as const) : ([404, notFound] as const);
}

async function createCustomer(body: { name: string; email: string }) {
  const [row] = await sql<CustomerRow[]>`
    insert into "customers" ("id", "account_id", "livemode", "name", "email", "email_identity", "phone", "description", "metadata")
    values (${newId('customer')}, ${accountId}, ${livemode}, ${body.name}, ${body.email},
            ${emailIdentity(body.email)}, ${null}, ${null}, ${sql.json({})})
    on conflict ("account_id", "livemode", "email_identity") where "customers"."deleted_at" is null do nothing
    returning "id", "livemode", "name", "email", "phone", "description", "metadata", "default_payment_method_id", "created_at", "updated_at"`;
  return row ? ([200, customer(row)] as const) : ([409, notFound] as const);
}

async function customerPayments(id: string, query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? 10);
  const rows = await sql<PaymentRow[]>`
    select "id", "livemode", "customer_id", "amount", "currency", "payment_method_id", "status",
           "failure_code", "description", "metadata", "subscription_id", "payment_schedule_id", "created_at"
    from "payments"
    where (("payments"."account_id" = ${accountId} and "payments"."livemode" = ${livemode})
      and "payments"."customer_id" = ${id}
      and exists (select 1 from "customers" where ("customers"."id" = ${id}
        and ("customers"."account_id" = ${accountId} and "customers"."livemode" = ${livemode})
        and "customers"."deleted_at" is null)))
    order by "payments"."created_at" desc, "payments"."id" desc
    limit ${limit + 1}`;
  if (rows.length === 0 && !(await liveCustomerExists(id))) return [404, notFound] as const;
  return [200, page(rows, limit, `/v1/customers/${id}/payments`, payment)] as const;
}

async function customerAnalytics(id: string) {
  const rows = await sql<
    {
      currency: string | null;
      succeeded_count: string | null;
      total: string | null;
      last_payment_at: Date | null;
    }[]
  >`
    select t."currency", t."succeeded_count", t."total", t."last_payment_at"
    from "customers" c
    left join "customer_payment_totals" t
      on t."account_id" = c."account_id" and t."livemode" = c."livemode" and t."customer_id" = c."id"
    where (c."id" = ${id} and (c."account_id" = ${accountId} and c."livemode" = ${livemode})
      and c."deleted_at" is null)`;
  if (rows.length === 0) return [404, notFound] as const;
  const totals = rows.flatMap((row) =>
    row.currency !== null &&
    row.succeeded_count !== null &&
    row.total !== null &&
    row.last_payment_at !== null
      ? [
          {
            currency: row.currency,
            succeeded_count: row.succeeded_count,
            total: row.total,
            last_payment_at: row.last_payment_at,
          },
        ]
      : [],
  );
  const summary = summariseAnalytics(
    totals.map((row) => ({
      currency: row.currency,
      count: BigInt(row.succeeded_count),
      total: BigInt(row.total),
      lastPaymentAt: row.last_payment_at,
    })),
  );
  return [
    200,
    {
      object: 'customer_analytics',
      customer: id,
      totalPayments: toSafeNumber(summary.totalPayments),
      lastPaymentAt: summary.lastPaymentAt?.toISOString() ?? null,
      volume: summary.volume.map((line) => ({
        currency: line.currency,
        total: toSafeNumber(line.total),
        average: toSafeNumber(line.average),
      })),
    },
  ] as const;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The statements of src/queries/api-keys.ts; the use is recorded without waiting, as there. */
async function authenticate(request: IncomingMessage): Promise<boolean> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!secret) return false;
  const hash = createHash('sha256').update(secret).digest('hex');
  const [key] = await sql<{ id: string }[]>`
    select "id", "account_id", "livemode", "kind", "secret_hash", "permissions" from "api_keys"
    where ("api_keys"."secret_hash" = ${hash} and "api_keys"."revoked_at" is null)`;
  if (!key) return false;
  void sql`
    update "api_keys" set "last_used_at" = now()
    where ("api_keys"."id" = ${key.id} and ("api_keys"."last_used_at" is null
      or "api_keys"."last_used_at" < now() - interval '1 minute'))`.catch(() => undefined);
  return true;
}

async function route(request: IncomingMessage): Promise<readonly [number, unknown]> {
  if (withAuth && !(await authenticate(request))) return [401, notFound];
  const { pathname, searchParams } = new URL(request.url ?? '/', 'http://ceiling');
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0] !== 'v1' || parts[1] !== 'customers') return [404, notFound];
  const id = parts[2];
  if (request.method === 'POST' && id === undefined) {
    return createCustomer((await readBody(request)) as { name: string; email: string });
  }
  if (request.method !== 'GET') return [404, notFound];
  if (id === undefined) return listCustomers(searchParams);
  if (parts[3] === undefined) return retrieveCustomer(id);
  if (parts[3] === 'payments') return customerPayments(id, searchParams);
  if (parts[3] === 'analytics') return customerAnalytics(id);
  return [404, notFound];
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const server = createServer((request, response) => {
  route(request).then(
    ([status, body]) => send(response, status, body),
    (error: unknown) => {
      process.stderr.write(`ceiling: ${String(error)}\n`);
      send(response, 500, { error: { type: 'api_error' } });
    },
  );
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write('ready\n');
});

process.on('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 5 }).then(() => process.exit(0));
});
