import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import {
  KeyLeases,
  LEASE_SHARE,
  leaseSize,
  MAX_LEASE,
  takesAhead,
  type TakePoints,
} from '../src/rest/plugins/rate-limit-lease.js';
import type { RateLimits } from '../src/rest/plugins/rate-limit.js';
import { buildServer } from '../src/server.js';
import { engine, http, newAccount, testDatabase, type TestServer } from './harness.js';
import { exitOf, isolatedStore, startServerProcess, waitForHttp } from './processes.js';

/**
 * Rate limits shared by every server on one database (RATE_LIMIT_STORE=database, the default on
 * PostgreSQL): one key's limit and one address's failure budget hold across servers, while a
 * request costs no database round trip (leases, rate-limit-lease.ts). First the lease arithmetic
 * on a counter in this process, then two servers sharing one database (both engines; on PGlite
 * the two share one handle, as one process is all PGlite allows), then two real server processes
 * on one PostgreSQL database.
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A key of the right shape that no account has. */
const madeUpKey = () =>
  `sk_test_${[...randomBytes(32)].map((byte) => ALPHANUMERIC[byte % 62]).join('')}`;

/**
 * One key's shared counter, as rate_limit_counters keeps it (grants only what the window has
 * left), answering a turn of the event loop later, on a clock the test moves.
 */
function sharedCounter(limit: number, windowMs: number, clock: () => number) {
  let points = 0;
  let windowEndsAt = 0;
  const counter = { calls: 0, take: undefined as unknown as TakePoints };
  counter.take = async (_key, want) => {
    counter.calls += 1;
    await new Promise((resolve) => setImmediate(resolve));
    const now = clock();
    if (windowEndsAt <= now) {
      points = 0;
      windowEndsAt = now + windowMs;
    }
    const granted = Math.max(0, Math.min(want, limit - points));
    points += granted;
    return { granted, remaining: limit - points, windowEndsAt, msLeft: windowEndsAt - now };
  };
  return counter;
}

/** `take`, watched: how many of this process's requests for points are in flight at most. */
function watched(take: TakePoints) {
  const watch = { inFlight: 0, most: 0, take: undefined as unknown as TakePoints };
  watch.take = async (key, want) => {
    watch.inFlight += 1;
    watch.most = Math.max(watch.most, watch.inFlight);
    try {
      return await take(key, want);
    } finally {
      watch.inFlight -= 1;
    }
  };
  return watch;
}

const accepted = (waits: number[]) => waits.filter((wait) => wait === 0).length;

describe('leases of a shared counter', () => {
  it('sizes a lease by what the window has left and who is waiting', () => {
    expect(leaseSize(1_000_000_000, 0)).toBe(MAX_LEASE);
    expect(leaseSize(200, 0)).toBe(200 / LEASE_SHARE);
    expect(leaseSize(20, 0)).toBe(2);
    // Near the limit one point at a time, so a low limit is exact.
    expect(leaseSize(7, 0)).toBe(1);
    expect(leaseSize(0, 0)).toBe(1);
    // Requests waiting now spend what they are given at once.
    expect(leaseSize(20, 9)).toBe(9);
    expect(leaseSize(1_000_000_000, 5000)).toBe(MAX_LEASE);
  });

  it('takes the next lease ahead only far from the limit, once half is spent', () => {
    expect(takesAhead({ points: 500, lastGrant: 1000, remaining: 5000 })).toBe(true);
    expect(takesAhead({ points: 501, lastGrant: 1000, remaining: 5000 })).toBe(false);
    expect(takesAhead({ points: 0, lastGrant: LEASE_SHARE - 1, remaining: 50 })).toBe(false);
    expect(takesAhead({ points: 0, lastGrant: 1000, remaining: 0 })).toBe(false);
  });

  it('never accepts more than the limit across processes, one request in flight each', async () => {
    const counter = sharedCounter(100, 60_000, Date.now);
    const processes = [watched(counter.take), watched(counter.take), watched(counter.take)];
    const leases = processes.map((process) => new KeyLeases(100, process.take));
    const waits = await Promise.all(
      Array.from({ length: 600 }, (_, i) => (leases[i % 3] as KeyLeases).consume('key_1')),
    );
    // Every process got more requests than it could hold points: all 100 are spent, no more.
    expect(accepted(waits)).toBe(100);
    for (const wait of waits.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(59_000);
      expect(wait).toBeLessThanOrEqual(60_000);
    }
    // Concurrent requests of one process for one key share one request for points.
    expect(processes.map((process) => process.most)).toEqual([1, 1, 1]);
  });

  it('refuses no request early under a limit of 16, and at most 2 per other process at 20', async () => {
    // Requests one at a time, each process in turn: the first refusal comes after how many?
    const acceptedBeforeRefusal = async (limit: number) => {
      const counter = sharedCounter(limit, 60_000, Date.now);
      const leases = [0, 1, 2].map(() => new KeyLeases(limit, counter.take));
      for (let i = 0; ; i += 1) {
        if ((await (leases[i % 3] as KeyLeases).consume('key_1')) > 0) return i;
      }
    };
    expect(await acceptedBeforeRefusal(15)).toBe(15);
    expect(await acceptedBeforeRefusal(20)).toBeGreaterThanOrEqual(20 - 2 * 2);
  });

  it('asks the store once per lease, not once per request, far from the limit', async () => {
    const counter = sharedCounter(1_000_000_000, 60_000, Date.now);
    const leases = new KeyLeases(1_000_000_000, counter.take);
    for (let i = 0; i < 10 * MAX_LEASE; i += 1) expect(await leases.consume('key_1')).toBe(0);
    expect(counter.calls).toBeLessThanOrEqual(11);
  });

  it('spends a lease only within its window, and starts afresh in the next', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const counter = sharedCounter(16, 1000, clock);
    const holder = new KeyLeases(16, counter.take, clock);
    const other = new KeyLeases(16, counter.take, clock);
    // The holder takes a lease of 2 and spends 1; the other process gets the 14 left, then is
    // refused until the window ends, while the holder still has a point.
    expect(await holder.consume('key_1')).toBe(0);
    const others = await Promise.all(Array.from({ length: 15 }, () => other.consume('key_1')));
    expect(accepted(others)).toBe(14);
    expect(others.filter((wait) => wait > 0)).toEqual([1000]);
    now += 1000;
    // The holder's point belonged to the ended window: the new window gives 16 again, no more.
    const next = await Promise.all(Array.from({ length: 20 }, () => holder.consume('key_1')));
    expect(accepted(next)).toBe(16);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `count` requests at once, spread over `servers` in turn; their statuses and Retry-After. */
async function spread(servers: TestServer[], count: number, key: string) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const server = servers[i % servers.length] as TestServer;
      const res = await http(server, 'GET', '/v1/customers?limit=1', { key });
      return { status: res.status, retryAfter: Number(res.headers.get('retry-after')) };
    }),
  );
}

function expectLimitHeld(
  answers: { status: number; retryAfter: number }[],
  limit: number,
  windowSeconds: number,
) {
  expect(answers.filter((answer) => answer.status === 200)).toHaveLength(limit);
  const refused = answers.filter((answer) => answer.status !== 200);
  expect(new Set(refused.map((answer) => answer.status))).toEqual(new Set([429]));
  for (const { retryAfter } of refused) {
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  }
}

const LIMIT = 20;
const WINDOW_SECONDS = 200;
const FAILURES = 5;
const AUTH_REFUSAL = 'Too many failed authentications from this address; retry later.';

/** `server`'s answers to a real key until it refuses the address, for up to a second. */
async function untilAddressRefused(server: TestServer, key: string) {
  const deadline = Date.now() + 1000;
  for (;;) {
    const res = await http(server, 'GET', '/v1/customers?limit=1', { key });
    if (res.status !== 200 || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Failed authentications alternating between two servers spend one budget: the server that did
 * not count the last failure itself hears of it (its NOTIFY) and refuses the address, a real key
 * too, within a second; then neither looks a made-up key up.
 */
async function expectFailureBudgetShared([first, second]: [TestServer, TestServer], key: string) {
  const failures = [];
  for (let i = 0; i < FAILURES; i += 1) {
    const server = i % 2 === 0 ? first : second;
    failures.push((await http(server, 'GET', '/v1/customers', { key: madeUpKey() })).status);
  }
  expect(failures).toEqual(Array<number>(FAILURES).fill(401));
  // FAILURES is odd: the first server counted the last failure, the second must hear of it.
  const heard = await untilAddressRefused(second, key);
  expect(heard.status).toBe(429);
  expect(heard.body.error.message).toBe(AUTH_REFUSAL);
  expect(Number(heard.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  for (const server of [first, second, first, second]) {
    const refused = await http(server, 'GET', '/v1/customers', { key: madeUpKey() });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe(AUTH_REFUSAL);
  }
}

describe(`two servers on one ${engine} database share the counts`, () => {
  const servers: TestServer[] = [];
  let otherDatabase: DatabaseHandle | undefined;

  beforeAll(async () => {
    const shared = await testDatabase();
    // On PostgreSQL the second server has its own pool and LISTEN connection, as another process.
    otherDatabase =
      engine === 'postgres'
        ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' })
        : undefined;
    const limits: RateLimits = {
      perSecond: LIMIT / WINDOW_SECONDS,
      burst: LIMIT,
      authFailuresPerIp: { failures: FAILURES, windowSeconds: 60 },
      store: 'database',
      namespace: `s${randomBytes(6).toString('hex')}:`,
    };
    for (const database of [shared, otherDatabase ?? shared]) {
      const app = await buildServer({ database, logLevel: 'silent', rateLimit: limits });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      servers.push({ url: `http://127.0.0.1:${port}`, database, close: () => app.close() });
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await otherDatabase?.close();
  });

  it('accepts exactly one limit of a key across both, at once and one by one', async () => {
    const { testKey } = await newAccount('Shared limit merchant');
    expectLimitHeld(await spread(servers, 3 * LIMIT, testKey), LIMIT, WINDOW_SECONDS);
    const later = await spread(servers, 4, testKey);
    expect(later.map((answer) => answer.status)).toEqual([429, 429, 429, 429]);
  });

  it('refuses an address on both once its failures are spent between them', async () => {
    const { testKey } = await newAccount('Refused address merchant');
    await expectFailureBudgetShared(servers as [TestServer, TestServer], testKey);
  });
});

describe('when the database fails the limiter', () => {
  it('keeps answering, limits each process on its own, and says so once', async () => {
    const shared = await testDatabase();
    // The limiter's statements go through `execute`; the routes used here do not.
    let failing = false;
    const db = new Proxy(shared.db, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'execute' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          failing
            ? Promise.reject(new Error('connection refused (test)'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const lines: string[] = [];
    const app = await buildServer({
      database: { ...shared, db },
      logLevel: 'info',
      logStream: { write: (line) => lines.push(line) },
      rateLimit: {
        perSecond: 3 / 60,
        burst: 3,
        authFailuresPerIp: { failures: 2, windowSeconds: 60 },
        store: 'database',
        namespace: `f${randomBytes(6).toString('hex')}:`,
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const server = { url: `http://127.0.0.1:${port}`, database: shared, close: () => app.close() };
    try {
      failing = true;
      const { testKey } = await newAccount('Store down merchant');
      const statuses = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push(
          (await http(server, 'GET', '/v1/customers?limit=1', { key: testKey })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Failure budgets too are counted in this process meanwhile.
      for (let i = 0; i < 2; i += 1) {
        expect((await http(server, 'GET', '/v1/customers', { key: madeUpKey() })).status).toBe(401);
      }
      expect((await http(server, 'GET', '/v1/customers', { key: madeUpKey() })).status).toBe(429);
      const told = lines.filter((line) => line.includes('the database failed the shared counters'));
      expect(told).toHaveLength(1);
      expect(JSON.parse(told[0] as string)).toMatchObject({ level: 50 });
    } finally {
      await server.close();
    }
  });
});

/**
 * Two real server processes (as production runs several behind a load balancer) on one fresh
 * PostgreSQL database, with their default store. PostgreSQL only: PGlite's database belongs to
 * one process.
 */
describe.runIf(engine === 'postgres')('two server processes on one PostgreSQL database', () => {
  it('hold one key’s limit and one address’s failure budget between them', async () => {
    const store = await isolatedStore();
    const database = await openDatabase({
      databaseUrl: store.env.DATABASE_URL,
      dataDir: 'memory://',
    });
    const processes: ReturnType<typeof startServerProcess>[] = [];
    try {
      await database.migrate();
      const { testKey, liveKey } = await createAccountWithKeys(
        database.db,
        'Two processes merchant',
      );
      const ports = [await freePort(), await freePort()];
      for (const port of ports) {
        processes.push(
          startServerProcess({
            ...store.env,
            PORT: String(port),
            LOG_LEVEL: 'warn',
            RATE_LIMIT_BURST: String(LIMIT),
            RATE_LIMIT_PER_SECOND: String(LIMIT / WINDOW_SECONDS),
            RATE_LIMIT_AUTH_FAILURES_PER_IP: String(FAILURES),
            BILLING_INTERVAL_SECONDS: '0',
            WEBHOOK_INTERVAL_SECONDS: '0',
            HOUSEKEEPING_INTERVAL_SECONDS: '0',
          }),
        );
      }
      const servers = ports.map((port) => ({
        url: `http://127.0.0.1:${port}`,
        database,
        close: () => Promise.resolve(),
      }));
      for (const server of servers) await waitForHttp(`${server.url}/readyz`);

      expectLimitHeld(await spread(servers, 3 * LIMIT, testKey.secret), LIMIT, WINDOW_SECONDS);

      // The live key: the test key's limit is spent.
      await expectFailureBudgetShared(servers as [TestServer, TestServer], liveKey.secret);
      expect(processes.map((child) => child.exitCode)).toEqual([null, null]);
    } finally {
      for (const child of processes) {
        child.kill('SIGTERM');
        await exitOf(child);
      }
      await database.close();
      await store.cleanup();
    }
  });
});
