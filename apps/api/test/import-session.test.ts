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
 * The dashboard uploads a CSV file to POST /v1/customers/import with its session cookie and the
 * headers of its tRPC calls: tRPC's 1 MiB body limit holds ~10,000 rows, this route takes the
 * 100,000 of SPEC §8. The session counts under the same cross-site rules as on tRPC, with the
 * role's permissions, in the environment the dashboard's switch is on.
 */
let server: TestServer;
let account: TestAccount;
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };
const IMPORT = '/v1/customers/import';
const MiB = 1024 * 1024;
const cookies = {} as Record<'support' | 'viewer', string>;

beforeAll(async () => {
  server = await startServer();
  account = await newAccount('Import merchant');
  const { db } = await testDatabase();
  for (const role of ['support', 'viewer'] as const satisfies UserRole[]) {
    const email = uniqueEmail(role);
    await createUser(db, { accountId: account.accountId, email, password: PASSWORD, role });
    const res = await http(server, 'POST', '/trpc/session.signIn', {
      body: { email, password: PASSWORD },
      headers: DASHBOARD,
    });
    expect(res.status).toBe(200);
    cookies[role] = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }
});
afterAll(() => server.close());

/** Letters only: a long run of digits in an email could pass for a card number and be refused. */
const labelOf = (prefix: string) =>
  `${prefix}-${Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;

/** A file of `rows` customers with a given label, each row padded to about 100 bytes. */
function csvOf(rows: number, label: string) {
  const lines = ['name,email,description'];
  const padding = 'x'.repeat(40);
  for (let i = 0; i < rows; i += 1) {
    lines.push(`Customer ${i},${label}-${i}@example.com,imported by the dashboard ${padding}`);
  }
  return `${lines.join('\n')}\n`;
}

const upload = (csv: string, headers: Record<string, string>, query = '') =>
  http(server, 'POST', `${IMPORT}${query}`, {
    rawBody: csv,
    headers: { 'content-type': 'text/csv', ...headers },
  });

const count = async (key: string, email: string) =>
  ((await http(server, 'GET', `/v1/customers?email=${email}`, { key })).body.data as unknown[])
    .length;

describe('the CSV import with a dashboard session', () => {
  it('imports a file above tRPC’s 1 MiB limit: a dry run, then the import', async () => {
    const rows = 14_000;
    const label = labelOf('big');
    const csv = csvOf(rows, label);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1.2 * MiB);
    const headers = { ...DASHBOARD, cookie: cookies.support, origin: server.url };

    // The same file through tRPC does not fit: that is why the dashboard sends it here.
    const viaTrpc = await http(server, 'POST', '/trpc/customers.import', {
      body: { csv },
      headers: { ...DASHBOARD, cookie: cookies.support },
    });
    expect(viaTrpc.status).toBe(413);

    const dry = await upload(csv, headers, '?dryRun=true');
    expect(dry.status, dry.text.slice(0, 500)).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, created: rows, errors: 0 });
    expect(await count(account.testKey, `${label}-0@example.com`)).toBe(0);

    const done = await upload(csv, headers);
    expect(done.status, done.text.slice(0, 500)).toBe(200);
    expect(done.body).toMatchObject({ dryRun: false, created: rows, errors: 0 });
    expect(done.body.rows).toHaveLength(rows);
    expect(done.body.rows[rows - 1]).toMatchObject({ line: rows + 1, status: 'created' });
    expect(await count(account.testKey, `${label}-${rows - 1}@example.com`)).toBe(1);
    expect(await count(account.liveKey, `${label}-0@example.com`)).toBe(0);
  }, 120_000);

  it('imports into the environment the dashboard is switched to', async () => {
    const label = labelOf('live');
    const res = await upload(csvOf(2, label), {
      ...DASHBOARD,
      cookie: cookies.support,
      'x-peasswap-environment': 'live',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ created: 2 });
    expect(await count(account.liveKey, `${label}-1@example.com`)).toBe(1);
    expect(await count(account.testKey, `${label}-1@example.com`)).toBe(0);
  });

  it('refuses a role without customers:write in the envelope, writing nothing', async () => {
    const label = labelOf('viewer');
    const res = await upload(csvOf(3, label), { ...DASHBOARD, cookie: cookies.viewer });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: {
        type: 'permission_error',
        code: 'insufficient_permissions',
        message: expect.stringMatching(/^Your role \(viewer\) does not allow 'customers:write'/),
        requestId: res.headers.get('request-id'),
      },
    });
    expect(await count(account.testKey, `${label}-0@example.com`)).toBe(0);
  });

  it('answers 401 in the envelope without a session or key', async () => {
    const res = await upload(csvOf(1, labelOf('anonymous')), DASHBOARD);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
  });

  it.each([
    ['without the dashboard header', {}],
    ['from another origin', { ...DASHBOARD, origin: 'https://evil.example' }],
    ['marked cross-site by the browser', { ...DASHBOARD, 'sec-fetch-site': 'cross-site' }],
  ])('refuses the session %s, writing nothing', async (_label, headers) => {
    const label = labelOf('forged');
    const res = await upload(csvOf(2, label), { cookie: cookies.support, ...headers });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      type: 'permission_error',
      code: 'cross_site_request_refused',
      requestId: res.headers.get('request-id'),
    });
    expect(await count(account.testKey, `${label}-0@example.com`)).toBe(0);
  });
});
