import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { apiKeys } from '../src/db/schema/index.js';
import { revokeApiKey } from '../src/queries/api-keys.js';
import {
  engine,
  http,
  newAccount,
  restrictedKey,
  startServer,
  testDatabase,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';

let server: TestServer;
let owner: TestAccount;
let stranger: TestAccount;
let customerId: string;

beforeAll(async () => {
  server = await startServer();
  owner = await newAccount('Owner');
  stranger = await newAccount('Stranger');
  const res = await http(server, 'POST', '/v1/customers', {
    key: owner.testKey,
    body: { name: 'Private Person', email: uniqueEmail('private') },
  });
  customerId = res.body.id as string;
});
afterAll(() => server.close());

describe('security: account and environment isolation', () => {
  // Who asks: another account (either environment), or the owner in the other environment.
  const askers = [
    ['another account, test', () => stranger.testKey],
    ['another account, live', () => stranger.liveKey],
    ['the same account, live', () => owner.liveKey],
  ] as const;
  const requests = [
    ['retrieve', 'GET', undefined],
    ['update', 'PUT', { name: 'Hijacked' }],
    ['delete', 'DELETE', undefined],
  ] as const;

  describe.each(askers)('%s', (_label, key) => {
    it.each(requests)(
      '%s is a 404 exactly like an id that never existed',
      async (_op, method, body) => {
        const foreign = await http(server, method, `/v1/customers/${customerId}`, {
          key: key(),
          body,
        });
        const missing = await http(server, method, '/v1/customers/cus_neverexisted000000000000', {
          key: key(),
          body,
        });
        expect(foreign.status).toBe(404);
        expect(foreign.body.error.code).toBe('resource_missing');
        expect(foreign.body.error.message.replace(customerId, 'ID')).toBe(
          missing.body.error.message.replace('cus_neverexisted000000000000', 'ID'),
        );
      },
    );

    it('does not list or find the customer', async () => {
      const listed = await http(server, 'GET', '/v1/customers?query=private%20person&limit=100', {
        key: key(),
      });
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((c: { id: string }) => c.id)).not.toContain(customerId);
    });
  });

  it('leaves the customer untouched after the foreign attempts', async () => {
    const res = await http(server, 'GET', `/v1/customers/${customerId}`, { key: owner.testKey });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Private Person');
    expect(res.body.livemode).toBe(false);
  });

  it('creates live customers with livemode true', async () => {
    const res = await http(server, 'POST', '/v1/customers', {
      key: owner.liveKey,
      body: { name: 'Live One', email: uniqueEmail('live') },
    });
    expect(res.body.livemode).toBe(true);
  });
});

async function testKeyId(account: TestAccount): Promise<string> {
  const { db } = await testDatabase();
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.accountId, account.accountId), eq(apiKeys.livemode, false)));
  if (!row) throw new Error('the account has no test key');
  return row.id;
}

describe('security: authentication', () => {
  it.each([
    ['no header', undefined],
    ['a malformed header', 'Basic abc'],
    ['an unknown key', 'Bearer sk_test_00000000000000000000000000000000'],
    ['a key of the wrong shape', 'Bearer sk_test_short'],
  ])('refuses %s with 401', async (_label, authorization) => {
    const res = await http(server, 'GET', '/v1/customers', {
      headers: authorization ? { authorization } : {},
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
  });

  it('refuses a revoked key and records last use of a live one', async () => {
    const account = await newAccount();
    const { db } = await testDatabase();
    expect((await http(server, 'GET', '/v1/customers', { key: account.testKey })).status).toBe(200);
    await expect
      .poll(async () => {
        // The test key's row: the account also has a live key, and row order is not defined.
        const [row] = await db
          .select({ lastUsedAt: apiKeys.lastUsedAt })
          .from(apiKeys)
          .where(and(eq(apiKeys.accountId, account.accountId), eq(apiKeys.livemode, false)));
        return row?.lastUsedAt ?? null;
      })
      .toBeInstanceOf(Date);

    // The key is now cached as verified; revoking must still take effect at once.
    await revokeApiKey(
      db,
      { accountId: account.accountId, livemode: false },
      await testKeyId(account),
    );
    await expect
      .poll(
        async () => (await http(server, 'GET', '/v1/customers', { key: account.testKey })).status,
        {
          timeout: 2000,
        },
      )
      .toBe(401);
  });

  it('stops honouring a revoked key in every server process sharing the database', async () => {
    const account = await newAccount();
    const database =
      engine === 'postgres'
        ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' })
        : server.database;
    const other = await startServer({ database });
    try {
      expect((await http(other, 'GET', '/v1/customers', { key: account.testKey })).status).toBe(
        200,
      );
      // Revoked through the first process's connection; the other one has the key cached.
      await revokeApiKey(
        server.database.db,
        { accountId: account.accountId, livemode: false },
        await testKeyId(account),
      );
      await expect
        .poll(
          async () => (await http(other, 'GET', '/v1/customers', { key: account.testKey })).status,
          {
            timeout: 2000,
          },
        )
        .toBe(401);
    } finally {
      await other.close();
      if (database !== server.database) await database.close();
    }
  });

  it('stores only the SHA-256 of each key and a short visible prefix', async () => {
    const account = await newAccount();
    const { db } = await testDatabase();
    const rows = await db
      .select({
        livemode: apiKeys.livemode,
        hash: apiKeys.secretHash,
        prefix: apiKeys.visiblePrefix,
      })
      .from(apiKeys)
      .where(eq(apiKeys.accountId, account.accountId));
    expect(rows.map((row) => row.livemode).sort()).toEqual([false, true]);
    for (const row of rows) {
      const key = row.livemode ? account.liveKey : account.testKey;
      expect(row.hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(key.startsWith(row.prefix)).toBe(true);
      expect(row.prefix.length).toBeLessThanOrEqual(12);
    }
  });
});

describe('security: restricted keys', () => {
  it('allow what they list and refuse the rest with 403', async () => {
    const readOnly = await restrictedKey(owner.accountId, ['customers:read']);
    expect(readOnly).toMatch(/^rk_test_/);
    expect((await http(server, 'GET', '/v1/customers', { key: readOnly })).status).toBe(200);
    expect(
      (await http(server, 'GET', `/v1/customers/${customerId}`, { key: readOnly })).status,
    ).toBe(200);

    const before = await http(server, 'GET', '/v1/customers?limit=100', { key: owner.testKey });
    for (const [method, path, body] of [
      ['POST', '/v1/customers', { name: 'No', email: uniqueEmail() }],
      ['PUT', `/v1/customers/${customerId}`, { name: 'No' }],
      ['DELETE', `/v1/customers/${customerId}`, undefined],
    ] as const) {
      const res = await http(server, method, path, { key: readOnly, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({
        type: 'permission_error',
        code: 'insufficient_permissions',
      });
    }
    const after = await http(server, 'GET', '/v1/customers?limit=100', { key: owner.testKey });
    expect(after.body.data).toEqual(before.body.data);
  });

  it('without customers:read cannot list', async () => {
    const paymentsOnly = await restrictedKey(owner.accountId, ['payments:read', 'payments:write']);
    const res = await http(server, 'GET', '/v1/customers', { key: paymentsOnly });
    expect(res.status).toBe(403);
  });

  it('work only in their own environment', async () => {
    const liveWriter = await restrictedKey(
      owner.accountId,
      ['customers:read', 'customers:write'],
      'live',
    );
    expect(liveWriter).toMatch(/^rk_live_/);
    const res = await http(server, 'GET', `/v1/customers/${customerId}`, { key: liveWriter });
    expect(res.status).toBe(404);
  });
});

describe('security: rate limits', () => {
  it('answers 429 rate_limited with Retry-After once a key exceeds its budget', async () => {
    const limited = await startServer({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const account = await newAccount();
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await http(limited, 'GET', '/v1/customers', { key: account.testKey });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(last?.status).toBe(429);
      expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(last?.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
      // Another key has its own budget.
      const other = await newAccount();
      expect((await http(limited, 'GET', '/v1/customers', { key: other.testKey })).status).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });
});
