import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import {
  engine,
  http,
  newAccount,
  startServer,
  trpcClient,
  uniqueEmail,
  serverWithAccount,
} from './harness.js';

const { server, account } = serverWithAccount();

const post = (
  body: unknown,
  key: string,
  idempotencyKey: string,
  target = server,
  path = '/v1/customers',
) => http(target, 'POST', path, { key, body, headers: { 'idempotency-key': idempotencyKey } });

const countByEmail = async (email: string, key = account.testKey) => {
  const res = await http(server, 'GET', `/v1/customers?email=${encodeURIComponent(email)}`, {
    key,
  });
  return (res.body.data as unknown[]).length;
};

describe('idempotency keys', () => {
  it('replays the first response byte for byte and performs nothing again', async () => {
    const body = { name: 'Once Only', email: uniqueEmail('once') };
    const first = await post(body, account.testKey, 'replay-1');
    const second = await post(body, account.testKey, 'replay-1');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    expect(await countByEmail(body.email)).toBe(1);
  });

  it('treats a reordered body with the same meaning as the same request', async () => {
    const email = uniqueEmail('order');
    const first = await post({ name: 'Order', email }, account.testKey, 'reorder-1');
    const second = await post({ email, name: 'Order' }, account.testKey, 'reorder-1');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
  });

  it('replays an error answer too (4xx are stored)', async () => {
    const first = await post({ name: 'Bad', email: 'not-an-email' }, account.testKey, 'error-1');
    const second = await post({ name: 'Bad', email: 'not-an-email' }, account.testKey, 'error-1');
    expect(first.status).toBe(400);
    expect(second.status).toBe(400);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with another body or another path', async () => {
    const email = uniqueEmail('reuse');
    await post({ name: 'Reuse', email }, account.testKey, 'reuse-1');
    const otherBody = await post(
      { name: 'Different', email: uniqueEmail() },
      account.testKey,
      'reuse-1',
    );
    expect(otherBody.status).toBe(400);
    expect(otherBody.body.error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_reused',
    });

    const otherPath = await post(
      { name: 'Reuse', email },
      account.testKey,
      'reuse-1',
      server,
      // Another route that takes POSTs (a path no route answers is a 404 or 405 before any key
      // is looked at: there is nothing there to replay).
      '/v1/payments',
    );
    expect(otherPath.status).toBe(400);
    expect(otherPath.body.error.code).toBe('idempotency_key_reused');
  });

  it('scopes keys to the account and environment', async () => {
    const other = await newAccount();
    const a = await post({ name: 'A', email: uniqueEmail('scope') }, account.testKey, 'scoped-1');
    const live = await post(
      { name: 'A', email: uniqueEmail('scope') },
      account.liveKey,
      'scoped-1',
    );
    const foreign = await post(
      { name: 'B', email: uniqueEmail('scope') },
      other.testKey,
      'scoped-1',
    );
    for (const res of [a, live, foreign]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
    }
  });

  it('refuses a key longer than 255 characters', async () => {
    const res = await post(
      { name: 'Long', email: uniqueEmail() },
      account.testKey,
      'k'.repeat(256),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_invalid',
    });
  });

  it('creates one customer from 20 concurrent requests with the same key', async () => {
    const body = { name: 'Concurrent', email: uniqueEmail('concurrent') };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(body, account.testKey, 'concurrent-1')),
    );
    const created = results.filter((r) => r.status === 200);
    const inUse = results.filter((r) => r.status === 409);
    expect(created.length + inUse.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const res of inUse) expect(res.body.error.code).toBe('idempotency_key_in_use');
    // Every 200 is the same customer: the first one's, replayed.
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await countByEmail(body.email)).toBe(1);
  });

  it('holds across two server processes sharing one database', async () => {
    // A payment, not a customer: nothing else in the database refuses a second one (a customer's
    // unique email would), so only the idempotency key can keep this to one charge.
    const customer = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Two Processes', email: uniqueEmail('two') },
    });
    expect(customer.status).toBe(200);
    const body = { amount: 4200, currency: 'usd', customer: customer.body.id };
    // A second app with its own connection pool (on PGlite, the same embedded instance).
    const database =
      engine === 'postgres'
        ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' })
        : server.database;
    const second = await startServer({ database });
    const charge = (target: typeof server) =>
      post(body, account.testKey, 'two-processes', target, '/v1/payments');
    try {
      // Both pools connected first, so the two processes really race rather than take turns.
      for (const target of [server, second]) {
        expect((await http(target, 'GET', '/v1/payments', { key: account.testKey })).status).toBe(
          200,
        );
      }
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => charge(i % 2 ? second : server)),
      );
      const charged = results.filter((r) => r.status === 200);
      const inUse = results.filter((r) => r.status !== 200);
      expect(charged.length).toBeGreaterThanOrEqual(1);
      for (const res of inUse) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('idempotency_key_in_use');
      }
      // Every 200 is the one payment; afterwards both processes replay it byte for byte.
      expect(new Set(charged.map((r) => r.body.id)).size).toBe(1);
      for (const target of [server, second]) {
        const retry = await charge(target);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.text).toBe(charged[0]?.text);
      }
      const listed = await http(server, 'GET', `/v1/payments?customer=${customer.body.id}`, {
        key: account.testKey,
      });
      expect(listed.body.data.map((p: { id: string }) => p.id)).toEqual([charged[0]?.body.id]);
    } finally {
      await second.close();
      if (database !== server.database) await database.close();
    }
  });

  it('works on tRPC mutations too', async () => {
    const client = trpcClient(server, account.testKey, { 'idempotency-key': 'trpc-1' });
    const input = { name: 'Typed Once', email: uniqueEmail('trpc') };
    const first = await client.customers.create.mutate(input);
    const second = await client.customers.create.mutate(input);
    expect(second).toEqual(first);
    expect(await countByEmail(input.email)).toBe(1);
  });
});
