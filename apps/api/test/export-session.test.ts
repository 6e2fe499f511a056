import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type UserRole } from '../src/queries/users.js';
import {
  http,
  newAccount,
  startServer,
  testDatabase,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';

/**
 * The dashboard downloads GET /v1/customers/export.csv with its session cookie and the headers
 * of its tRPC calls: that route (and the CSV import's upload) takes the session, under the same
 * cross-site rules, and in the environment the dashboard's switch is on. Every other REST route
 * still wants a key.
 */
let server: TestServer;
let account: TestAccount;
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };
const EXPORT = '/v1/customers/export.csv';
const users = {} as Record<'owner' | 'viewer', string>;
const testEmail = uniqueEmail('export-test');
const liveEmail = uniqueEmail('export-live');

beforeAll(async () => {
  server = await startServer();
  account = await newAccount('Export merchant');
  const { db } = await testDatabase();
  for (const role of ['owner', 'viewer'] as const satisfies UserRole[]) {
    users[role] = uniqueEmail(role);
    await createUser(db, {
      accountId: account.accountId,
      email: users[role],
      password: PASSWORD,
      role,
    });
  }
  const created = await Promise.all([
    http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Test Ada', email: testEmail },
    }),
    http(server, 'POST', '/v1/customers', {
      key: account.liveKey,
      body: { name: 'Live Ada', email: liveEmail },
    }),
  ]);
  expect(created.map((res) => res.status)).toEqual([200, 200]);
});
afterAll(() => server.close());

async function signIn(email: string): Promise<string> {
  const res = await http(server, 'POST', '/trpc/session.signIn', {
    body: { email, password: PASSWORD },
    headers: DASHBOARD,
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const exportWith = (headers: Record<string, string>, query = '') =>
  http(server, 'GET', `${EXPORT}${query}`, { headers });

describe('the CSV export with a dashboard session', () => {
  it('streams the customers of the environment the dashboard is on', async () => {
    const cookie = await signIn(users.owner);
    const test = await exportWith({ ...DASHBOARD, cookie, 'x-peasswap-environment': 'test' });
    expect(test.status).toBe(200);
    expect(test.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(test.text).toContain(testEmail);
    expect(test.text).not.toContain(liveEmail);

    const live = await exportWith({ ...DASHBOARD, cookie, 'x-peasswap-environment': 'live' });
    expect(live.status).toBe(200);
    expect(live.text).toContain(liveEmail);
    expect(live.text).not.toContain(testEmail);
  });

  it('applies the list filters, and lets a viewer (customers:read) export', async () => {
    const cookie = await signIn(users.viewer);
    const res = await exportWith({ ...DASHBOARD, cookie }, '?query=nobody-matches-this');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(testEmail);
    const all = await exportWith({ ...DASHBOARD, cookie, origin: server.url });
    expect(all.status).toBe(200);
    expect(all.text).toContain(testEmail);
  });

  it('answers 401 in the envelope without a session or key', async () => {
    const res = await exportWith(DASHBOARD);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: 'api_key_invalid' }) });
  });

  it('answers 401 session_expired for a session that has ended', async () => {
    const cookie = await signIn(users.owner);
    const out = await http(server, 'POST', '/trpc/session.signOut', {
      headers: { ...DASHBOARD, cookie },
      rawBody: '',
    });
    expect(out.status).toBe(200);
    const res = await exportWith({ ...DASHBOARD, cookie });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('session_expired');
  });

  it.each([
    ['without the dashboard header', {}],
    ['from another origin', { ...DASHBOARD, origin: 'https://evil.example' }],
    ['marked cross-site by the browser', { ...DASHBOARD, 'sec-fetch-site': 'cross-site' }],
  ])('refuses the session %s', async (_label, headers) => {
    const cookie = await signIn(users.owner);
    const res = await exportWith({ cookie, ...headers });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site_request_refused');
    expect(res.text).not.toContain(testEmail);
  });

  it('accepts the session on no other REST route', async () => {
    const cookie = await signIn(users.owner);
    const list = await http(server, 'GET', '/v1/customers', { headers: { ...DASHBOARD, cookie } });
    expect(list.status).toBe(401);
    expect(list.body.error.code).toBe('api_key_invalid');
    // The CSV import is the other route that takes it (see import-session.test.ts); creating one
    // customer over REST is not.
    const created = await http(server, 'POST', '/v1/customers', {
      body: { name: 'Forged', email: uniqueEmail('forged') },
      headers: { ...DASHBOARD, cookie },
    });
    expect(created.status).toBe(401);
    expect(created.body.error.code).toBe('api_key_invalid');
  });
});
