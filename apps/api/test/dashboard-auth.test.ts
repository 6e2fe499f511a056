import { TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/crypto/secrets.js';
import { sessions, signInAttempts } from '../src/db/schema/index.js';
import { createUser, type UserRole } from '../src/queries/users.js';
import {
  http,
  newAccount,
  startServer,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';

let server: TestServer;
let account: TestAccount;
const PASSWORD = 'correct horse battery staple';
const users = {} as Record<UserRole, string>;
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };

beforeAll(async () => {
  server = await startServer();
  account = await newAccount('Dashboard merchant');
  const { db } = await testDatabase();
  for (const role of ['owner', 'admin', 'developer', 'support', 'viewer'] as const) {
    users[role] = uniqueEmail(role);
    await createUser(db, {
      accountId: account.accountId,
      email: users[role],
      password: PASSWORD,
      role,
    });
  }
});
afterAll(() => server.close());

async function trpcError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** POST /trpc/session.signIn as the dashboard does; the answer and its Set-Cookie. */
async function postSignIn(
  email: string,
  password: string,
  headers: Record<string, string> = DASHBOARD,
) {
  const res = await http(server, 'POST', '/trpc/session.signIn', {
    body: { email, password },
    headers,
  });
  return { ...res, setCookie: res.headers.get('set-cookie') ?? '' };
}

/** Sign in and return the `name=value` pair the browser would send back. */
async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await postSignIn(email, password);
  expect(res.status).toBe(200);
  const pair = res.setCookie.split(';')[0] ?? '';
  expect(pair).toMatch(/^peasswap_session=[\w-]{43}$/);
  return pair;
}

/** The typed client as the dashboard uses it: the session cookie, the client header, an environment. */
function dashboardClient(cookie: string, environment: 'test' | 'live' = 'test', extra = {}) {
  return trpcClient(server, undefined, {
    cookie,
    ...DASHBOARD,
    'x-peasswap-environment': environment,
    ...extra,
  });
}

describe('dashboard sign-in', () => {
  it('sets an httpOnly SameSite=Strict session cookie and stores only its hash', async () => {
    const res = await postSignIn(users.owner, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.result.data).toMatchObject({
      object: 'session',
      user: { email: users.owner, role: 'owner' },
      account: { id: account.accountId, name: 'Dashboard merchant' },
      environment: 'test',
    });
    const attributes = res.setCookie.split('; ');
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))?.slice(8));
    expect(maxAge).toBeGreaterThan(12 * 3600 - 60);
    expect(maxAge).toBeLessThanOrEqual(12 * 3600);
    const token = (attributes[0] ?? '').replace('peasswap_session=', '');
    const { db } = await testDatabase();
    const stored = await db
      .select({ tokenHash: sessions.tokenHash })
      .from(sessions)
      .where(eq(sessions.tokenHash, hashSecret(token)));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(await db.select().from(sessions))).not.toContain(token);
  });

  it('answers me with the user, role, permissions and the environment asked for', async () => {
    const cookie = await signIn(users.viewer);
    const me = await dashboardClient(cookie, 'live').session.me.query();
    expect(me).toMatchObject({
      user: { email: users.viewer, role: 'viewer' },
      environment: 'live',
      capabilities: [],
    });
    expect(me?.permissions).toContain('customers:read');
    expect(me?.permissions).not.toContain('customers:write');
    expect(await trpcClient(server, undefined, DASHBOARD).session.me.query()).toBeNull();
  });

  it('refuses a wrong password and an unknown email with the very same answer', async () => {
    const wrong = await postSignIn(users.support, 'not the password');
    const unknown = await postSignIn(uniqueEmail('nobody'), 'not the password');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.setCookie).toBe('');
      expect(res.body.error.data).toMatchObject({
        type: 'authentication_error',
        code: 'credentials_invalid',
      });
    }
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.body.error.message).toBe('The email or password is incorrect.');
  });

  it('locks an email out after five failures, known or not, and a success clears the count', async () => {
    const { db } = await testDatabase();
    const email = uniqueEmail('locked');
    await createUser(db, {
      accountId: account.accountId,
      email,
      password: PASSWORD,
      role: 'viewer',
    });
    const stranger = uniqueEmail('stranger');
    for (const who of [email, stranger]) {
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expect((await postSignIn(who, `guess ${attempt}`)).status).toBe(401);
      }
      const locked = await postSignIn(who, PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.body.error.data.code).toBe('rate_limited');
      expect(locked.body.error.message).toMatch(
        /^Too many failed sign-ins for this email\. Try again in \d+ seconds\.$/,
      );
      expect(locked.setCookie).toBe('');
    }
    // The lock runs out (moved into the past here rather than waited for).
    await db
      .update(signInAttempts)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(signInAttempts.emailIdentity, email));
    await signIn(email.toUpperCase());
    const [left] = await db
      .select()
      .from(signInAttempts)
      .where(eq(signInAttempts.emailIdentity, email));
    expect(left).toBeUndefined();
  });

  it('doubles the lock with each further failure', async () => {
    const { db } = await testDatabase();
    const email = uniqueEmail('backoff');
    const lockSeconds = async () => {
      const [row] = await db
        .select()
        .from(signInAttempts)
        .where(eq(signInAttempts.emailIdentity, email));
      return Math.round(((row?.lockedUntil?.getTime() ?? 0) - Date.now()) / 1000);
    };
    for (let attempt = 1; attempt <= 5; attempt += 1) await postSignIn(email, 'guess');
    expect(await lockSeconds()).toBeGreaterThan(25);
    expect(await lockSeconds()).toBeLessThanOrEqual(30);
    await db
      .update(signInAttempts)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(signInAttempts.emailIdentity, email));
    await postSignIn(email, 'guess');
    expect(await lockSeconds()).toBeGreaterThan(55);
    expect(await lockSeconds()).toBeLessThanOrEqual(60);
  });

  it('ends the session on sign-out: the old cookie no longer works', async () => {
    const cookie = await signIn(users.admin);
    const client = dashboardClient(cookie);
    await client.customers.list.query({});
    const out = await http(server, 'POST', '/trpc/session.signOut', {
      headers: { ...DASHBOARD, cookie },
      rawBody: '',
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^peasswap_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/,
    );
    const error = await trpcError(client.customers.list.query({}));
    expect(error.data).toMatchObject({ code: 'session_expired', httpStatus: 401 });
    expect(error.message).toBe('Your session has ended. Sign in again.');
    expect(await client.session.me.query()).toBeNull();
  });

  it('refuses an expired session and tells the browser to forget it', async () => {
    const cookie = await signIn(users.admin);
    const { db } = await testDatabase();
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.tokenHash, hashSecret(cookie.replace('peasswap_session=', ''))));
    const error = await trpcError(dashboardClient(cookie).customers.list.query({}));
    expect(error.data).toMatchObject({ code: 'session_expired', httpStatus: 401 });
    const me = await http(server, 'GET', '/trpc/session.me', { headers: { ...DASHBOARD, cookie } });
    expect(me.body.result.data).toBeNull();
    expect(me.headers.get('set-cookie')).toMatch(/^peasswap_session=; Path=\/; Max-Age=0/);
  });
});

describe('dashboard sessions: cross-site requests', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signIn(users.owner);
  });
  const create = (headers: Record<string, string>) =>
    http(server, 'POST', '/trpc/customers.create', {
      headers: { cookie, ...headers },
      body: { name: 'Forged', email: uniqueEmail('forged') },
    });

  it.each([
    ['without the dashboard header', {}],
    ['from another origin', { ...DASHBOARD, origin: 'https://evil.example' }],
    ['marked cross-site by the browser', { ...DASHBOARD, 'sec-fetch-site': 'cross-site' }],
  ])('refuses a cookie-authenticated mutation %s', async (_label, headers) => {
    const res = await create(headers);
    expect(res.status).toBe(403);
    expect(res.body.error.data).toMatchObject({
      type: 'permission_error',
      code: 'cross_site_request_refused',
    });
  });

  it('accepts the same mutation from the dashboard on this origin', async () => {
    const origin = server.url;
    const res = await create({ ...DASHBOARD, origin, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
    expect(res.body.result.data.name).toBe('Forged');
  });

  it('refuses sign-in and sign-out without the dashboard header', async () => {
    expect((await postSignIn(users.owner, PASSWORD, {})).status).toBe(403);
    const out = await http(server, 'POST', '/trpc/session.signOut', {
      headers: { cookie },
      rawBody: '',
    });
    expect(out.status).toBe(403);
    expect((await dashboardClient(cookie).session.me.query())?.user.role).toBe('owner');
  });

  it('never lets REST accept the session cookie', async () => {
    const res = await http(server, 'GET', '/v1/customers', { headers: { ...DASHBOARD, cookie } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('api_key_invalid');
  });

  it('lets an API key decide when a request carries both', async () => {
    const other = await newAccount('Other merchant');
    const res = await http(server, 'POST', '/trpc/customers.create', {
      key: other.testKey,
      headers: { cookie },
      body: { name: 'Keyed', email: uniqueEmail('keyed') },
    });
    expect(res.status).toBe(200);
    const read = await http(server, 'GET', `/v1/customers/${res.body.result.data.id}`, {
      key: other.testKey,
    });
    expect(read.status).toBe(200);
  });

  it('refuses an environment header that is neither test nor live', async () => {
    const error = await trpcError(
      trpcClient(server, undefined, {
        cookie,
        ...DASHBOARD,
        'x-peasswap-environment': 'staging',
      }).customers.list.query({}),
    );
    expect(error.data).toMatchObject({ code: 'parameter_invalid', httpStatus: 400 });
  });
});

describe('dashboard roles, enforced by the server', () => {
  const cookies = {} as Record<UserRole, string>;
  let customerId: string;
  beforeAll(async () => {
    for (const role of Object.keys(users) as UserRole[]) cookies[role] = await signIn(users[role]);
    const created = await dashboardClient(cookies.owner).customers.create.mutate({
      name: 'Role Target',
      email: uniqueEmail('target'),
    });
    customerId = created.id;
  });

  it('lets a viewer read but refuses it create, update and delete with 403', async () => {
    const viewer = dashboardClient(cookies.viewer);
    expect((await viewer.customers.retrieve.query({ id: customerId })).name).toBe('Role Target');
    expect((await viewer.customers.list.query({})).data.length).toBeGreaterThan(0);
    const refusals = [
      () => viewer.customers.create.mutate({ name: 'Nope', email: uniqueEmail('nope') }),
      () => viewer.customers.update.mutate({ id: customerId, name: 'Renamed' }),
      () => viewer.customers.delete.mutate({ id: customerId }),
      () => viewer.payments.create.mutate({ amount: 100, currency: 'usd', customer: customerId }),
      () => viewer.apiKeys.list.query(),
    ];
    for (const refusal of refusals) {
      const error = await trpcError(refusal());
      expect(error.data).toMatchObject({
        type: 'permission_error',
        code: 'insufficient_permissions',
        httpStatus: 403,
      });
      expect(error.message).toMatch(/^Your role \(viewer\) does not allow '/);
    }
    const still = await dashboardClient(cookies.owner).customers.retrieve.query({ id: customerId });
    expect(still.name).toBe('Role Target');
  });

  it('lets support work with customers and payments but not with keys', async () => {
    const support = dashboardClient(cookies.support);
    const customer = await support.customers.create.mutate({
      name: 'Support Made',
      email: uniqueEmail('support'),
    });
    await support.customers.update.mutate({ id: customer.id, name: 'Support Edited' });
    const payment = await support.payments.create.mutate({
      amount: 1500,
      currency: 'eur',
      customer: customer.id,
    });
    expect(payment.status).toBe('succeeded');
    await support.customers.delete.mutate({ id: customer.id });
    for (const refusal of [
      () => support.apiKeys.list.query(),
      () => support.apiKeys.create.mutate({ kind: 'secret' }),
    ]) {
      expect((await trpcError(refusal())).data).toMatchObject({
        code: 'insufficient_permissions',
        httpStatus: 403,
      });
    }
  });

  it.each(['owner', 'admin', 'developer'] as const)('lets a %s manage API keys', async (role) => {
    const client = dashboardClient(cookies[role]);
    const created = await client.apiKeys.create.mutate({ kind: 'secret' });
    expect(created.secret).toMatch(/^sk_test_/);
    await client.apiKeys.revoke.mutate({ id: created.id });
    expect((await client.session.me.query())?.capabilities).toContain('api_keys:manage');
  });

  it('tells the roles apart in what me says they may do', async () => {
    const capabilities = async (role: UserRole) =>
      (await dashboardClient(cookies[role]).session.me.query())?.capabilities;
    expect(await capabilities('owner')).toEqual(['api_keys:manage', 'users:manage']);
    expect(await capabilities('admin')).toEqual(['api_keys:manage', 'users:manage']);
    expect(await capabilities('developer')).toEqual(['api_keys:manage']);
    expect(await capabilities('support')).toEqual([]);
  });

  it('refuses API keys on the key-management procedures', async () => {
    const error = await trpcError(trpcClient(server, account.testKey).apiKeys.list.query());
    expect(error.data).toMatchObject({ code: 'insufficient_permissions', httpStatus: 403 });
    const anonymous = await trpcError(trpcClient(server, undefined).apiKeys.list.query());
    expect(anonymous.data).toMatchObject({ code: 'api_key_invalid', httpStatus: 401 });
  });
});

describe('the test/live switch', () => {
  it('keeps what is created in one environment out of the other', async () => {
    const cookie = await signIn(users.developer);
    const test = dashboardClient(cookie, 'test');
    const live = dashboardClient(cookie, 'live');
    const email = uniqueEmail('switch');
    const inTest = await test.customers.create.mutate({ name: 'Test Only', email });
    expect(inTest.livemode).toBe(false);
    expect((await live.customers.list.query({ email })).data).toEqual([]);
    expect((await trpcError(live.customers.retrieve.query({ id: inTest.id }))).data).toMatchObject({
      code: 'resource_missing',
      httpStatus: 404,
    });
    const inLive = await live.customers.create.mutate({ name: 'Live Twin', email });
    expect(inLive.livemode).toBe(true);
    expect((await test.customers.list.query({ email })).data.map((c) => c.id)).toEqual([inTest.id]);
    const viaKey = await http(server, 'GET', `/v1/customers/${inLive.id}`, {
      key: account.liveKey,
    });
    expect(viaKey.status).toBe(200);
  });

  it('defaults to test when the dashboard names no environment', async () => {
    const cookie = await signIn(users.owner);
    const me = await trpcClient(server, undefined, { cookie, ...DASHBOARD }).session.me.query();
    expect(me?.environment).toBe('test');
  });
});

describe('the API keys screen', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signIn(users.owner);
  });

  it('lists the environment’s keys with prefix, kind, permissions and last use, never secrets', async () => {
    await http(server, 'GET', '/v1/customers', { key: account.testKey });
    const list = await dashboardClient(cookie).apiKeys.list.query();
    const bootstrap = list.data.find((key) => account.testKey.startsWith(key.prefix));
    expect(bootstrap).toMatchObject({
      object: 'api_key',
      kind: 'secret',
      livemode: false,
      revokedAt: null,
    });
    expect(bootstrap?.prefix).toMatch(/^sk_test_[0-9A-Za-z]{4}$/);
    expect(bootstrap?.permissions).toContain('customers:write');
    expect(bootstrap?.lastUsedAt).not.toBeNull();
    expect(list.data.every((key) => !key.livemode)).toBe(true);
    expect(JSON.stringify(list)).not.toContain(account.testKey);
    expect(JSON.stringify(list)).not.toContain('secret_hash');
    const live = await dashboardClient(cookie, 'live').apiKeys.list.query();
    expect(live.data.every((key) => key.livemode)).toBe(true);
    expect(live.data.some((key) => account.liveKey.startsWith(key.prefix))).toBe(true);
  });

  it('creates a secret key shown once that works over REST, then revokes it', async () => {
    const client = dashboardClient(cookie);
    const created = await client.apiKeys.create.mutate({ kind: 'secret' });
    expect(created.secret).toMatch(/^sk_test_[0-9A-Za-z]{32}$/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);
    const listed = (await client.apiKeys.list.query()).data.find((key) => key.id === created.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('secret');
    expect((await http(server, 'GET', '/v1/customers', { key: created.secret })).status).toBe(200);

    const revoked = await client.apiKeys.revoke.mutate({ id: created.id });
    expect(revoked.revokedAt).not.toBeNull();
    const again = await client.apiKeys.revoke.mutate({ id: created.id });
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expect((await http(server, 'GET', '/v1/customers', { key: created.secret })).status).toBe(401);
  });

  it('creates a restricted key holding only the permissions chosen', async () => {
    const created = await dashboardClient(cookie, 'live').apiKeys.create.mutate({
      kind: 'restricted',
      permissions: ['customers:read'],
    });
    expect(created).toMatchObject({
      kind: 'restricted',
      livemode: true,
      permissions: ['customers:read'],
    });
    expect(created.secret).toMatch(/^rk_live_/);
    expect((await http(server, 'GET', '/v1/customers', { key: created.secret })).status).toBe(200);
    const write = await http(server, 'POST', '/v1/customers', {
      key: created.secret,
      body: { name: 'Nope', email: uniqueEmail() },
    });
    expect(write.status).toBe(403);
  });

  it.each([
    ['no permissions', { kind: 'restricted', permissions: [] }, 'permissions'],
    ['an unknown permission', { kind: 'restricted', permissions: ['keys:write'] }, 'permissions.0'],
    ['an unknown kind', { kind: 'publishable' }, 'kind'],
  ])('refuses a restricted key with %s', async (_label, input, param) => {
    const error = await trpcError(dashboardClient(cookie).apiKeys.create.mutate(input as never));
    expect(error.data).toMatchObject({ httpStatus: 400, param });
  });

  it('cannot revoke a key of another environment or account: 404 like a missing one', async () => {
    const client = dashboardClient(cookie);
    const liveKey = (await dashboardClient(cookie, 'live').apiKeys.list.query()).data[0];
    const other = await newAccount('Stranger');
    const { db } = await testDatabase();
    const strangerEmail = uniqueEmail('stranger-owner');
    await createUser(db, {
      accountId: other.accountId,
      email: strangerEmail,
      password: PASSWORD,
      role: 'owner',
    });
    const strangerKey = (await dashboardClient(await signIn(strangerEmail)).apiKeys.list.query())
      .data[0];
    for (const id of [liveKey?.id, strangerKey?.id, 'key_missing']) {
      const error = await trpcError(client.apiKeys.revoke.mutate({ id: id ?? '' }));
      expect(error.data).toMatchObject({ code: 'resource_missing', httpStatus: 404, param: 'id' });
    }
    expect((await http(server, 'GET', '/v1/customers', { key: other.testKey })).status).toBe(200);
  });
});
