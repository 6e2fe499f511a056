import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, READ_APPLICATION_NAME, rowsOf } from '../src/db/client.js';
import { readEnv } from '../src/env.js';
import { BILLING_ORIGIN, outboxFor } from '../src/events/outbox.js';
import { simulatedProcessor } from '../src/payments/processor.js';
import { createPayment } from '../src/queries/payments.js';
import { updateCustomer } from '../src/queries/customers.js';
import { newId } from '@peasswap/domain';
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
 * DATABASE_READ_URL (README, "Read replicas"): lists, search, analytics and the CSV export read the
 * replica; retrieves, writes and everything that decides a write read the primary. With a replica
 * (`.ci/replica`, the CI's replica pass) the proof stops the replica's replay, commits changes on
 * the primary only, and sees each read answer from the side it must: a read sent to the primary
 * would see the changes, one sent to the replica cannot. Without one, every read is the primary's.
 */
const replicaUrl = process.env.DATABASE_READ_URL;

let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  server = await startServer();
  account = await newAccount('Replica merchant');
});
afterAll(() => server.close());

const get = (path: string) => http(server, 'GET', path, { key: account.testKey });
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((o) => o.id);
const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((o) => o.name);

async function newCustomerWithPayment(name: string) {
  const email = uniqueEmail('replica');
  const customer = await http(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { name, email },
  });
  expect(customer.status).toBe(200);
  const payment = await http(server, 'POST', '/v1/payments', {
    key: account.testKey,
    body: {
      amount: 1000,
      currency: 'usd',
      customer: customer.body.id,
      paymentMethod: 'pm_card_visa',
    },
  });
  expect(payment.status).toBe(200);
  return { id: customer.body.id as string, email, paymentId: payment.body.id as string };
}

describe('read replica: configuration', () => {
  it('refuses DATABASE_READ_URL without DATABASE_URL: the embedded database has no replicas', async () => {
    expect(() => readEnv({ DATABASE_READ_URL: 'postgres://127.0.0.1:5434/x' })).toThrow(
      /^Invalid environment: DATABASE_READ_URL: /,
    );
    await expect(
      openDatabase({ readDatabaseUrl: 'postgres://127.0.0.1:5434/x', dataDir: 'memory://' }),
    ).rejects.toThrow(/replica/);
  });
});

describe.runIf(replicaUrl === undefined)('read replica: none configured', () => {
  it('reads on the primary: the read handle is the database itself and /readyz names no replica', async () => {
    const database = await testDatabase();
    expect(database.readDb).toBe(database.db);
    expect(database.pingReplica).toBeUndefined();
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: database.engine });
  });

  it('lists a change as soon as it is written', async () => {
    const { id, email } = await newCustomerWithPayment('Before');
    const updated = await http(server, 'PUT', `/v1/customers/${id}`, {
      key: account.testKey,
      body: { name: 'After' },
    });
    expect(updated.status).toBe(200);
    expect(names(await get(`/v1/customers?email=${encodeURIComponent(email)}`))).toEqual(['After']);
  });
});

describe.runIf(engine === 'postgres')('read replica: unreachable', () => {
  it('turns /readyz 503 naming the replica; every list fails while writes and retrieves go on', async () => {
    // A read URL where nothing listens: whatever reads there fails, whatever reads the primary not.
    const database = await openDatabase({
      databaseUrl: process.env.DATABASE_URL,
      readDatabaseUrl: 'postgres://postgres@127.0.0.1:1/peasswap',
      dataDir: 'memory://',
    });
    const down = await startServer({ database });
    const call = (method: string, path: string, body?: unknown) =>
      http(down, method, path, { key: account.testKey, body });
    try {
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({
        status: 'unavailable',
        database: 'postgres',
        replica: 'unavailable',
      });

      const created = await call('POST', '/v1/customers', {
        name: 'Primary Only',
        email: uniqueEmail('replica'),
      });
      expect(created.status).toBe(200);
      const id = created.body.id as string;
      expect((await call('GET', `/v1/customers/${id}`)).status).toBe(200);
      expect((await call('GET', `/v1/customers/${id}/export`)).status).toBe(200);

      const replicaReads = [
        '/v1/customers',
        '/v1/customers?query=Primary',
        `/v1/customers/${id}/payments`,
        `/v1/customers/${id}/payment_methods`,
        `/v1/customers/${id}/analytics`,
        `/v1/customers/${id}/duplicates`,
        '/v1/customers/duplicates',
        '/v1/customers/export.csv',
        '/v1/payments',
        '/v1/subscriptions',
        '/v1/payment_schedules',
        '/v1/events',
        '/v1/audit_log',
        '/v1/webhook_endpoints',
        `/v1/webhook_endpoints/${newId('webhookEndpoint')}/deliveries`,
      ];
      for (const path of replicaReads) {
        expect((await call('GET', path)).status, path).toBe(500);
      }
    } finally {
      await down.close();
      await database.close();
    }
  });
});

describe.runIf(replicaUrl !== undefined)('read replica: DATABASE_READ_URL', () => {
  let replica: postgres.Sql;
  beforeAll(() => {
    replica = postgres(replicaUrl ?? '', { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    // Never leave replay stopped: with remote_apply every later commit would wait for it.
    await replica`select pg_wal_replay_resume()`;
    await replica.end();
  });

  /** Stop applying the primary's WAL on the replica; returns once it has stopped. */
  async function pauseReplay() {
    await replica`select pg_wal_replay_pause()`;
    for (let i = 0; i < 100; i++) {
      const [row] = await replica<
        { state: string }[]
      >`select pg_get_wal_replay_pause_state() as state`;
      if (row?.state === 'paused') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the replica did not pause its replay');
  }

  it('is ready with the replica reachable, and reads there under its own application name', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'postgres', replica: 'ok' });
    const [recovery] = await replica<{ on: boolean }[]>`select pg_is_in_recovery() as on`;
    expect(recovery?.on).toBe(true);
    await get('/v1/customers');
    const [reads] = await replica<{ count: number }[]>`
      select count(*)::int as count from pg_stat_activity
      where application_name = ${READ_APPLICATION_NAME}`;
    expect(reads?.count).toBeGreaterThan(0);
  });

  it('lists, searches, analyses and exports from the replica; retrieves from the primary', async () => {
    const { id, email, paymentId } = await newCustomerWithPayment('Before Replay');
    const scope = { accountId: account.accountId, livemode: false };
    const { db } = await testDatabase();

    await pauseReplay();
    let secondPayment = '';
    let updatedEvent = '';
    try {
      // Committed on the primary alone: this transaction does not wait for the stopped replica.
      ({ secondPayment, updatedEvent } = await db.transaction(async (tx) => {
        await tx.execute(sql`set local synchronous_commit = local`);
        const outbox = outboxFor(BILLING_ORIGIN);
        await updateCustomer(tx, scope, id, { name: 'After Replay' }, outbox);
        const payment = await createPayment(
          tx,
          scope,
          { amount: 2000, currency: 'usd', customer: id, paymentMethod: 'pm_card_visa' },
          simulatedProcessor,
          outbox,
        );
        const [event] = rowsOf<{ id: string }>(
          await tx.execute(sql`
            select id from events
            where account_id = ${account.accountId} and type = 'customer.updated'
              and customer_id = ${id}`),
        );
        return { secondPayment: payment.id, updatedEvent: event?.id ?? '' };
      }));

      // The primary: a retrieve sees the change at once.
      expect((await get(`/v1/customers/${id}`)).body.name).toBe('After Replay');
      expect((await get(`/v1/payments/${secondPayment}`)).status).toBe(200);
      expect((await get(`/v1/events/${updatedEvent}`)).status).toBe(200);

      // The replica: every list, the search, the analytics and the export still show before.
      expect(names(await get(`/v1/customers?email=${encodeURIComponent(email)}`))).toEqual([
        'Before Replay',
      ]);
      expect(ids(await get('/v1/customers?query=After%20Replay'))).toEqual([]);
      expect(ids(await get(`/v1/payments?customer=${id}`))).toEqual([paymentId]);
      expect(ids(await get(`/v1/customers/${id}/payments`))).toEqual([paymentId]);
      expect((await get(`/v1/customers/${id}/analytics`)).body.totalPayments).toBe(1);
      expect(ids(await get('/v1/events?limit=100'))).not.toContain(updatedEvent);
      expect((await get('/v1/audit_log?limit=100')).text).not.toContain('After Replay');
      const csv = await get('/v1/customers/export.csv');
      expect(csv.text).toContain('Before Replay');
      expect(csv.text).not.toContain('After Replay');
    } finally {
      await replica`select pg_wal_replay_resume()`;
    }

    // Replay resumed: the replica catches up, and the same reads show the changes.
    let listed: string[] = [];
    for (let i = 0; i < 100 && listed[0] !== 'After Replay'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      listed = names(await get(`/v1/customers?email=${encodeURIComponent(email)}`));
    }
    expect(listed).toEqual(['After Replay']);
    expect(ids(await get('/v1/customers?query=After%20Replay'))).toEqual([id]);
    expect(ids(await get(`/v1/payments?customer=${id}`))).toEqual([secondPayment, paymentId]);
    expect(ids(await get(`/v1/customers/${id}/payments`))).toEqual([secondPayment, paymentId]);
    expect((await get(`/v1/customers/${id}/analytics`)).body.totalPayments).toBe(2);
    expect(ids(await get('/v1/events?limit=100'))).toContain(updatedEvent);
    expect((await get('/v1/audit_log?limit=100')).text).toContain('After Replay');
    expect((await get('/v1/customers/export.csv')).text).toContain('After Replay');
  });
});
