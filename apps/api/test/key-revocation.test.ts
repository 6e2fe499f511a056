import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { createUser } from '../src/queries/users.js';
import {
  engine,
  http,
  newAccount,
  startServer,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestServer,
} from './harness.js';

/**
 * Revoking a key takes effect at once in the process that revoked it, and within a second in
 * every other, although each server trusts a verified key for 30 s without asking the database.
 * The key is revoked the way a person does it: through the dashboard's `apiKeys.revoke`.
 */
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };
let accountId: string;
let ownerEmail: string;

beforeAll(async () => {
  accountId = (await newAccount('Revoking merchant')).accountId;
  ownerEmail = uniqueEmail('owner');
  const { db } = await testDatabase();
  await createUser(db, { accountId, email: ownerEmail, password: PASSWORD, role: 'owner' });
});

/** The dashboard's typed client, signed in as the owner on `server`. */
async function ownerDashboard(server: TestServer) {
  const res = await http(server, 'POST', '/trpc/session.signIn', {
    body: { email: ownerEmail, password: PASSWORD },
    headers: DASHBOARD,
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return trpcClient(server, undefined, { cookie, ...DASHBOARD, 'x-peasswap-environment': 'test' });
}

const listCustomers = (server: TestServer, key: string) =>
  http(server, 'GET', '/v1/customers', { key });

/** A database handle that never hears NOTIFY, so only the revoking process's own eviction counts. */
function deaf(database: DatabaseHandle): DatabaseHandle {
  return { ...database, listen: () => Promise.resolve(() => Promise.resolve()) };
}

describe('key revocation', () => {
  it('refuses the very next request with the key in the process that revoked it', async () => {
    const server = await startServer({ database: deaf(await testDatabase()) });
    try {
      const dashboard = await ownerDashboard(server);
      const key = await dashboard.apiKeys.create.mutate({ kind: 'secret' });
      // Verified once, so this process now trusts the key from its cache.
      expect((await listCustomers(server, key.secret)).status).toBe(200);
      await dashboard.apiKeys.revoke.mutate({ id: key.id });
      const after = await listCustomers(server, key.secret);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('api_key_invalid');
    } finally {
      await server.close();
    }
  });

  // On PostgreSQL the second server has its own connection pool, as another process would; PGlite
  // opens a database in one process only, so there the two servers share one handle and this
  // proves the NOTIFY path within the process rather than across processes.
  it(`refuses the key within a second on another server (${engine})`, async () => {
    const shared = await testDatabase();
    const own = engine === 'postgres';
    const otherDatabase = own
      ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' })
      : shared;
    const revoking = await startServer({ database: shared });
    const other = await startServer({ database: otherDatabase });
    try {
      const dashboard = await ownerDashboard(revoking);
      const key = await dashboard.apiKeys.create.mutate({ kind: 'secret' });
      expect((await listCustomers(other, key.secret)).status).toBe(200);
      await dashboard.apiKeys.revoke.mutate({ id: key.id });
      const deadline = Date.now() + 1000;
      let status = 200;
      while (Date.now() < deadline) {
        status = (await listCustomers(other, key.secret)).status;
        if (status === 401) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status, 'the other server refused the key within a second').toBe(401);
    } finally {
      await revoking.close();
      await other.close();
      if (own) await otherDatabase.close();
    }
  });
});
