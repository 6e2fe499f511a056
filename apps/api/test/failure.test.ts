import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { http, startServer, uniqueEmail, type TestServer } from './harness.js';

/**
 * What a client sees when the database goes away: a generic 500 in the envelope, never a stack
 * or SQL, and /readyz turning 503. Uses its own database handle, since it closes it.
 */
let database: DatabaseHandle;
let server: TestServer;
let key: string;

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' });
  await database.migrate();
  key = (await createAccountWithKeys(database.db, 'Doomed')).testKey.secret;
  server = await startServer({ database });
  const ok = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Before', email: uniqueEmail() },
  });
  expect(ok.status).toBe(200);
  await database.close();
});
afterAll(() => server.close());

describe('failures on our side', () => {
  it('answer 500 api_error without internals', async () => {
    const res = await http(server, 'POST', '/v1/customers', {
      key,
      body: { name: 'After', email: uniqueEmail() },
    });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ type: 'api_error', code: 'api_error' });
    expect(res.body.error.requestId).toBe(res.headers.get('request-id'));
    expect(res.text).not.toMatch(/select|insert|postgres|pglite|stack|at \w+ \(|\.ts:/i);
  });

  it('turn /readyz to 503 while /healthz stays up', async () => {
    expect((await http(server, 'GET', '/readyz')).status).toBe(503);
    expect((await http(server, 'GET', '/healthz')).status).toBe(200);
  });
});
