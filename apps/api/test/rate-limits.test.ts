import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/client.js';
import { createUser } from '../src/queries/users.js';
import type { RateLimits } from '../src/rest/plugins/rate-limit.js';
import { buildServer } from '../src/server.js';
import {
  engine,
  http,
  newAccount,
  startServer,
  testDatabase,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';

/**
 * Rate limits beyond the per-key one: failed authentications and failed sign-ins per client
 * address, refused before the key lookup, and Retry-After on every 429. Every request here comes
 * from 127.0.0.1, so each test starts servers of its own (a fresh budget): on PostgreSQL, where the
 * counts live in the shared database (the default store there), in a namespace of their own.
 * Sharing between servers is rate-limits-shared.test.ts.
 */
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };
const GENEROUS = { perSecond: 1000, burst: 1000 };

let account: TestAccount;
const servers: TestServer[] = [];

beforeAll(async () => {
  account = await newAccount('Limited merchant');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const freshNamespace = () => `t${randomBytes(6).toString('hex')}:`;

async function limitedServer(limits: RateLimits, database?: DatabaseHandle, trustProxy?: string) {
  const app = await buildServer({
    database: database ?? (await testDatabase()),
    logLevel: 'silent',
    rateLimit: { namespace: freshNamespace(), ...limits },
    trustProxy,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const server = { url: `http://127.0.0.1:${port}`, database, close: () => app.close() };
  servers.push(server as TestServer);
  return server as TestServer;
}

/**
 * The shared database behind a handle that counts the statements the server starts through it:
 * what a request really costs the database.
 */
async function countingDatabase(): Promise<{ database: DatabaseHandle; statements: () => number }> {
  const database = await testDatabase();
  let statements = 0;
  const counted = new Set(['select', 'insert', 'update', 'delete', 'execute', 'transaction']);
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !counted.has(String(property))) return value;
      return (...args: unknown[]) => {
        statements += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { database: { ...database, db }, statements: () => statements };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A key of the right shape that no account has, so only the database can tell. */
const madeUpKey = () =>
  `sk_test_${[...randomBytes(32)].map((byte) => ALPHANUMERIC[byte % 62]).join('')}`;
const LIST = `/trpc/customers.list?input=${encodeURIComponent('{}')}`;

function expectRateLimited(
  res: { status: number; headers: Headers } | undefined,
  maxSeconds: number,
) {
  expect(res?.status).toBe(429);
  const seconds = Number(res?.headers.get('retry-after'));
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
}

describe('rate limits: failed authentications per address', () => {
  it('refuses a flood of made-up keys with 429 before looking them up', async () => {
    const { database, statements } = await countingDatabase();
    const server = await limitedServer(
      { ...GENEROUS, authFailuresPerIp: { failures: 5, windowSeconds: 60 } },
      database,
    );
    // Starting, a server on the shared counts reads the failure windows already running.
    const atStart = statements();
    const statuses: number[] = [];
    const lookups: number[] = [];
    let last;
    for (let i = 0; i < 25; i += 1) {
      last = await http(server, 'GET', '/v1/customers', { key: madeUpKey() });
      statuses.push(last.status);
      lookups.push(statements() - atStart);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array<number>(20).fill(429));
    // One lookup for each of the budget's five (and, counted in the database, one statement
    // counting it), then none: the count stops growing.
    const perFailure = engine === 'postgres' ? 2 : 1;
    expect(lookups.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((n) => n * perFailure));
    expect(new Set(lookups.slice(4))).toEqual(new Set([5 * perFailure]));
    expectRateLimited(last, 60);
    expect(last?.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });

    // Until the window ends the address is refused unread, a real key too, in either transport.
    expectRateLimited(await http(server, 'GET', '/v1/customers', { key: account.testKey }), 60);
    const trpc = await http(server, 'GET', LIST, { key: madeUpKey() });
    expectRateLimited(trpc, 60);
    expect(trpc.body.error.data).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect(statements() - atStart).toBe(5 * perFailure);
    expect((await http(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('counts requests without a key and malformed keys against the same budget', async () => {
    const server = await limitedServer({
      ...GENEROUS,
      authFailuresPerIp: { failures: 3, windowSeconds: 30 },
    });
    expect((await http(server, 'GET', '/v1/customers')).status).toBe(401);
    const malformed = { headers: { authorization: 'Bearer not-a-key' } };
    expect((await http(server, 'GET', '/v1/customers', malformed)).status).toBe(401);
    // A made-up key on a procedure that needs none is still a failed authentication.
    const me = await http(server, 'GET', '/trpc/session.me', { key: madeUpKey() });
    expect(me.status).toBe(200);
    expectRateLimited(await http(server, 'GET', '/v1/customers'), 30);
  });

  it('counts per client behind a trusted proxy, and only behind a trusted one', async () => {
    const limits = { ...GENEROUS, authFailuresPerIp: { failures: 2, windowSeconds: 30 } };
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
    const proxied = await limitedServer(limits, undefined, '127.0.0.1');
    for (let i = 0; i < 2; i += 1) await http(proxied, 'GET', '/v1/customers', from('203.0.113.7'));
    expectRateLimited(await http(proxied, 'GET', '/v1/customers', from('203.0.113.7')), 30);
    // Another client behind the same proxy keeps its own budget.
    expect((await http(proxied, 'GET', '/v1/customers', from('198.51.100.9'))).status).toBe(401);

    // Without trust, a forged X-Forwarded-For cannot buy a fresh budget.
    const direct = await limitedServer(limits);
    for (let i = 0; i < 2; i += 1) await http(direct, 'GET', '/v1/customers', from(`192.0.2.${i}`));
    expectRateLimited(await http(direct, 'GET', '/v1/customers', from('192.0.2.99')), 30);
  });

  it('keeps the per-key limit, with Retry-After in the tRPC shape too', async () => {
    const server = await limitedServer({ perSecond: 1, burst: 3 });
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i += 1) {
      last = await http(server, 'GET', LIST, { key: account.testKey });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expectRateLimited(last, 3);
    expect(last?.body.error.data).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
  });
});

describe('rate limits: sign-in', () => {
  const signIn = (server: TestServer, email: string, password: string) =>
    http(server, 'POST', '/trpc/session.signIn', { body: { email, password }, headers: DASHBOARD });

  it('says when to retry a locked-out email, even without configured limits', async () => {
    const server = await startServer();
    servers.push(server);
    const email = uniqueEmail('locked');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await signIn(server, email, `guess ${attempt}`)).status).toBe(401);
    }
    const locked = await signIn(server, email, 'one more guess');
    expectRateLimited(locked, 30);
    expect(locked.body.error.data).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: locked.headers.get('retry-after'),
    });
  });

  it('limits failed sign-ins per address, whatever the email, with Retry-After', async () => {
    const { db } = await testDatabase();
    const email = uniqueEmail('owner');
    await createUser(db, {
      accountId: account.accountId,
      email,
      password: PASSWORD,
      role: 'owner',
    });
    const server = await limitedServer({
      ...GENEROUS,
      signInFailuresPerIp: { failures: 3, windowSeconds: 600 },
    });
    expect((await signIn(server, uniqueEmail('a'), 'guess')).status).toBe(401);
    // A batch cannot carry more guesses than the budget has left.
    const batch = await http(
      server,
      'POST',
      '/trpc/session.signIn,session.signIn,session.signIn?batch=1',
      {
        body: Object.fromEntries(
          [0, 1, 2].map((i) => [i, { email: uniqueEmail('b'), password: 'x' }]),
        ),
        headers: DASHBOARD,
      },
    );
    expectRateLimited(batch, 600);
    expect((await signIn(server, uniqueEmail('c'), 'guess')).status).toBe(401);
    expect((await signIn(server, uniqueEmail('d'), 'guess')).status).toBe(401);
    // The budget is spent: even the right password for a real user waits.
    const refused = await signIn(server, email, PASSWORD);
    expectRateLimited(refused, 600);
    expect(refused.body.error.data).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect(refused.headers.get('set-cookie')).toBeNull();
  });
});
