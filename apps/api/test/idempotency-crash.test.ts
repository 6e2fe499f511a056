import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import type { IdempotencyStep } from '../src/rest/plugins/idempotency.js';
import {
  http,
  newAccount,
  openStore,
  startServer,
  testDatabase,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';
import { exitOf, isolatedStore, startServerProcess } from './processes.js';

/**
 * Exactly once under failure: a request with an Idempotency-Key is made to fail at each step
 * between its statements (a test-only hook throws there, as a crash would), then retried. A retry
 * must either replay the first answer (its writes were committed) or run as new (nothing was
 * committed) — never find the object created and create it again.
 */
const STEPS_BEFORE_COMMIT: IdempotencyStep[] = ['claimed', 'answering', 'stored'];

/** Fails the request whose key is armed, once, at the armed step. */
class Faults {
  private armed: { key: string; step: IdempotencyStep } | undefined;
  current: string | undefined;

  arm(key: string, step: IdempotencyStep) {
    this.armed = { key, step };
  }

  hook = (step: IdempotencyStep) => {
    if (this.armed?.step === step) {
      this.armed = undefined;
      throw new Error(`injected crash at ${step}`);
    }
  };
}

const faults = new Faults();
let server: TestServer;
let account: TestAccount;
let customerId: string;

beforeAll(async () => {
  server = await startServer({ idempotencyFaults: faults.hook });
  account = await newAccount('Crash merchant');
  const customer = await http(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { name: 'Crash Payer', email: uniqueEmail('payer') },
  });
  customerId = customer.body.id;
});
afterAll(() => server.close());

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const { db } = await testDatabase();
  const [row] = rowsOf<{ n: number | string }>(await db.execute(query));
  return Number(row?.n ?? 0);
}

const storedAnswers = (key: string) =>
  count(sql`select count(*) as n from idempotency_keys
    where account_id = ${account.accountId} and livemode = false and key = ${key}`);

interface Resource {
  name: string;
  path: string;
  body: (label: string) => Record<string, unknown>;
  /** How many of this request's objects exist in the database. */
  stored: (body: Record<string, unknown>) => Promise<number>;
}

const resources: Resource[] = [
  {
    name: 'customer',
    path: '/v1/customers',
    body: (label) => ({ name: 'Crash Customer', email: uniqueEmail(label) }),
    stored: (body) =>
      count(sql`select count(*) as n from customers
        where account_id = ${account.accountId} and email = ${String(body.email)}`),
  },
  {
    name: 'payment',
    path: '/v1/payments',
    // A payment: nothing but the key can keep a retried charge to one (no unique email).
    body: (label) => ({
      amount: 1999,
      currency: 'usd',
      customer: customerId,
      // Unique without long digit runs (a run of 13+ digits could pass Luhn and be refused).
      description: `crash ${uniqueEmail(label)}`,
    }),
    stored: (body) =>
      count(sql`select count(*) as n from payments
        where account_id = ${account.accountId} and description = ${String(body.description)}`),
  },
];

const post = (resource: Resource, body: unknown, key: string) =>
  http(server, 'POST', resource.path, {
    key: account.testKey,
    body,
    headers: { 'idempotency-key': key },
  });

describe.each(resources)('a $name request that crashes', (resource) => {
  it.each(STEPS_BEFORE_COMMIT)(
    'before commit (at %s) leaves nothing; the retry runs once',
    async (step) => {
      const key = `crash-${resource.name}-${step}-${Date.now()}`;
      const body = resource.body(step);
      faults.arm(key, step);

      const crashed = await post(resource, body, key);
      expect(crashed.status).toBe(500);
      expect(crashed.body.error.code).toBe('api_error');
      expect(await resource.stored(body)).toBe(0);
      expect(await storedAnswers(key)).toBe(0);

      const retried = await post(resource, body, key);
      expect(retried.status, retried.text).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      const replayed = await post(resource, body, key);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.text).toBe(retried.text);
      expect(await resource.stored(body)).toBe(1);
      expect(await storedAnswers(key)).toBe(1);
    },
  );

  it('after commit is replayed by the retry, never run again', async () => {
    const key = `crash-${resource.name}-committed-${Date.now()}`;
    const body = resource.body('committed');
    faults.arm(key, 'committed');

    const crashed = await post(resource, body, key);
    expect(crashed.status).toBe(500);
    expect(await resource.stored(body)).toBe(1);
    expect(await storedAnswers(key)).toBe(1);

    const retried = await post(resource, body, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await resource.stored(body)).toBe(1);
  });
});

describe('a slow request', () => {
  it('is never taken over by a retry, however long it runs', async () => {
    const key = `slow-${Date.now()}`;
    const resource = resources[1] as Resource;
    const body = resource.body('slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reachedGate!: () => void;
    const atGate = new Promise<void>((resolve) => (reachedGate = resolve));
    const slowServer = await startServer({
      idempotencyFaults: async (step) => {
        if (step !== 'claimed') return;
        reachedGate();
        await gate;
      },
    });
    try {
      const first = http(slowServer, 'POST', resource.path, {
        key: account.testKey,
        body,
        headers: { 'idempotency-key': key },
      });
      await atGate;
      // Retries while the first still runs, from this process and from another server.
      for (const target of [slowServer, server]) {
        const retry = await http(target, 'POST', resource.path, {
          key: account.testKey,
          body,
          headers: { 'idempotency-key': key },
        });
        expect(retry.status).toBe(409);
        expect(retry.body.error.code).toBe('idempotency_key_in_use');
      }
      release();
      const answered = await first;
      expect(answered.status).toBe(200);
      const replay = await post(resource, body, key);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(answered.text);
      expect(await resource.stored(body)).toBe(1);
    } finally {
      release();
      await slowServer.close();
    }
  });
});

/**
 * The same, with the process really killed (SIGKILL) mid-request: its connection dies with it, so
 * the database alone decides what was committed. Each case gets its own database, and the first
 * server process is gone before the second one opens it.
 */
describe.each(['stored', 'committed'] as const)('a server killed at %s', (step) => {
  it('leaves a payment that a retry charges exactly once', async () => {
    const store = await isolatedStore();
    try {
      const setup = await openStore(store);
      await setup.migrate();
      const { testKey } = await createAccountWithKeys(setup.db, 'Killed merchant');
      await setup.close();

      const child = startServerProcess(store.env, ['test/fixtures/crashing-server.ts', step]);
      const url = await firstLine(child);
      const body = { amount: 2500, currency: 'eur', description: `killed at ${step}` };
      const headers = {
        authorization: `Bearer ${testKey.secret}`,
        'content-type': 'application/json',
        'idempotency-key': `kill-${step}`,
      };
      const died = fetch(`${url}/v1/payments`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      await expect(died).rejects.toThrow();
      await exitOf(child);
      expect(child.signalCode).toBe('SIGKILL');

      const database = await openStore(store);
      const after = await startServer({ database });
      try {
        const count = async () =>
          rowsOf<{ n: number | string }>(
            await database.db.execute(sql`select count(*) as n from payments`),
          ).map((row) => Number(row.n))[0];
        expect(await count()).toBe(step === 'committed' ? 1 : 0);
        const retried = await http(after, 'POST', '/v1/payments', {
          key: testKey.secret,
          body,
          headers: { 'idempotency-key': `kill-${step}` },
        });
        expect(retried.status).toBe(200);
        expect(retried.headers.get('idempotent-replayed')).toBe(
          step === 'committed' ? 'true' : null,
        );
        expect(await count()).toBe(1);
      } finally {
        await after.close();
        await database.close();
      }
    } finally {
      await store.cleanup();
    }
  });
});

function firstLine(child: ReturnType<typeof startServerProcess>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL: ${child.output()}`)), 60_000);
    child.stdout?.on('data', () => {
      const line = /^(http:\/\/\S+)$/m.exec(child.output());
      if (line?.[1]) {
        clearTimeout(timer);
        resolve(line[1]);
      }
    });
  });
}
