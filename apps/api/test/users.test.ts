import { TRPCClientError } from '@trpc/client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/crypto/secrets.js';
import { rowsOf } from '../src/db/client.js';
import { sessions, users } from '../src/db/schema/index.js';
import { createUser, type UserRole } from '../src/queries/users.js';
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
 * Managing dashboard users (issue 11): users.list|invite|updateRole|remove over tRPC for owners
 * and admins, invitations' temporary passwords and the forced change at first sign-in, and the
 * rules the server keeps whatever the dashboard shows: an account keeps an owner, nobody raises a
 * role above their own, a removed user is signed out at once.
 */
let server: TestServer;
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard' };

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

interface Member {
  id: string;
  email: string;
  cookie: string;
}

type Team = Record<UserRole, Member> & { accountId: string; testKey: string };

/** A fresh account with one signed-in user of each role, so tests never share an owner. */
async function newTeam(
  roles: readonly UserRole[] = ['owner', 'admin', 'developer', 'support', 'viewer'],
): Promise<Team> {
  const account = await newAccount('Team merchant');
  const { db } = await testDatabase();
  const team = { accountId: account.accountId, testKey: account.testKey } as Team;
  for (const role of roles) {
    const email = uniqueEmail(role);
    const user = await createUser(db, {
      accountId: account.accountId,
      email,
      password: PASSWORD,
      role,
    });
    team[role] = { id: user.id, email, cookie: await signIn(email) };
  }
  return team;
}

async function postSignIn(email: string, password: string) {
  return http(server, 'POST', '/trpc/session.signIn', {
    body: { email, password },
    headers: DASHBOARD,
  });
}

/** Sign in; the `name=value` cookie pair the browser would send back. */
async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await postSignIn(email, password);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

function as(who: { cookie: string }) {
  return trpcClient(server, undefined, {
    cookie: who.cookie,
    ...DASHBOARD,
    'x-peasswap-environment': 'test',
  });
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return error.data as { code: string; type: string; httpStatus: number; param?: string };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function roleOf(id: string): Promise<UserRole | undefined> {
  const { db } = await testDatabase();
  const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, id));
  return row?.role;
}

async function ownersOf(accountId: string): Promise<number> {
  const { db } = await testDatabase();
  const rows = await db
    .select({ role: users.role })
    .from(users)
    .where(eq(users.accountId, accountId));
  return rows.filter((row) => row.role === 'owner').length;
}

async function sessionsOf(userId: string): Promise<number> {
  const { db } = await testDatabase();
  return (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId)))
    .length;
}

describe('users: happy paths', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  it('lists the account’s users with role and last sign-in, never a password hash', async () => {
    const listed = await as(team.admin).users.list.query();
    expect(listed.object).toBe('list');
    expect(listed.data.map((user) => user.email).sort()).toEqual(
      [team.owner, team.admin, team.developer, team.support, team.viewer]
        .map((m) => m.email)
        .sort(),
    );
    const owner = listed.data.find((user) => user.id === team.owner.id);
    expect(owner).toEqual({
      id: team.owner.id,
      object: 'user',
      email: team.owner.email,
      role: 'owner',
      createdAt: expect.any(String),
      lastSignInAt: expect.any(String),
      mustChangePassword: false,
      invitedBy: null,
    });
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|password_?hash/i);
  });

  it('records the last sign-in at each sign-in', async () => {
    const before = (await as(team.owner).users.list.query()).data.find(
      (user) => user.id === team.viewer.id,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    team.viewer.cookie = await signIn(team.viewer.email);
    const after = (await as(team.owner).users.list.query()).data.find(
      (user) => user.id === team.viewer.id,
    );
    expect(Date.parse(after?.lastSignInAt ?? '')).toBeGreaterThan(
      Date.parse(before?.lastSignInAt ?? ''),
    );
  });

  it('invites a user with a temporary password shown once and stored only as its hash', async () => {
    const email = uniqueEmail('invited');
    const invited = await as(team.owner).users.invite.mutate({ email, role: 'support' });
    expect(invited.user).toMatchObject({
      object: 'user',
      email,
      role: 'support',
      mustChangePassword: true,
      invitedBy: team.owner.id,
      lastSignInAt: null,
    });
    expect(invited.temporaryPassword).toMatch(/^[0-9A-Za-z]{20}$/);

    const { db } = await testDatabase();
    const [row] = await db.select().from(users).where(eq(users.id, invited.user.id));
    expect(JSON.stringify(row)).not.toContain(invited.temporaryPassword);
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(invited.temporaryPassword, row?.passwordHash ?? '')).toBe(true);
    // Nowhere else either: every row of every table, as text.
    const tables = rowsOf<{ name: string }>(
      await db.execute(sql`
        select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`),
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      const found = rowsOf<{ n: number }>(
        await db.execute(
          sql`select count(*)::int as n from ${sql.identifier(name)} t
              where t::text like ${`%${invited.temporaryPassword}%`}`,
        ),
      );
      expect(found[0]?.n, name).toBe(0);
    }

    // Each invitation gets a password of its own.
    const second = await as(team.owner).users.invite.mutate({
      email: uniqueEmail('invited'),
      role: 'viewer',
    });
    expect(second.temporaryPassword).not.toBe(invited.temporaryPassword);
  });

  it('changes a role and removes a user', async () => {
    const invited = await as(team.admin).users.invite.mutate({
      email: uniqueEmail('temp'),
      role: 'viewer',
    });
    const updated = await as(team.admin).users.updateRole.mutate({
      id: invited.user.id,
      role: 'developer',
    });
    expect(updated).toMatchObject({ id: invited.user.id, role: 'developer' });
    const unchanged = await as(team.admin).users.updateRole.mutate({
      id: invited.user.id,
      role: 'developer',
    });
    expect(unchanged.role).toBe('developer');
    const removed = await as(team.admin).users.remove.mutate({ id: invited.user.id });
    expect(removed).toMatchObject({ id: invited.user.id, role: 'developer' });
    const listed = await as(team.admin).users.list.query();
    expect(listed.data.map((user) => user.id)).not.toContain(invited.user.id);
    expect(await roleOf(invited.user.id)).toBeUndefined();
  });
});

describe('users: the forced password change', () => {
  let team: Team;
  let invited: { id: string; email: string; temporaryPassword: string };
  beforeAll(async () => {
    team = await newTeam();
    const answer = await as(team.owner).users.invite.mutate({
      email: uniqueEmail('newcomer'),
      role: 'admin',
    });
    invited = { ...answer.user, temporaryPassword: answer.temporaryPassword };
  });

  it('lets a temporary password sign in to a session that can only change it', async () => {
    const res = await postSignIn(invited.email, invited.temporaryPassword);
    expect(res.status).toBe(200);
    expect(res.body.result.data).toMatchObject({
      user: { id: invited.id, role: 'admin', mustChangePassword: true },
      permissions: [],
      capabilities: [],
    });
    const member = { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    expect((await as(member).session.me.query())?.user.mustChangePassword).toBe(true);

    for (const call of [
      () => as(member).customers.list.query({}),
      () => as(member).users.list.query(),
      () => as(member).apiKeys.list.query(),
      () => as(member).customers.create.mutate({ name: 'Ada', email: uniqueEmail() }),
    ]) {
      expect(await refusal(call())).toMatchObject({
        httpStatus: 403,
        type: 'permission_error',
        code: 'password_change_required',
      });
    }
    // The CSV route that takes the session checks permissions, and the session holds none.
    const csv = await http(server, 'GET', '/v1/customers/export.csv', {
      headers: { cookie: member.cookie, ...DASHBOARD, 'x-peasswap-environment': 'test' },
    });
    expect(csv.status).toBe(403);
    // last sign-in recorded even so.
    const listed = await as(team.owner).users.list.query();
    expect(listed.data.find((user) => user.id === invited.id)?.lastSignInAt).not.toBeNull();
  });

  it('refuses a wrong current password, the same password again and a short one', async () => {
    const member = { cookie: await signIn(invited.email, invited.temporaryPassword) };
    const change = (currentPassword: string, newPassword: string) =>
      refusal(as(member).session.changePassword.mutate({ currentPassword, newPassword }));
    expect(await change('not the password', 'a brand new password')).toMatchObject({
      httpStatus: 400,
      code: 'parameter_invalid',
      param: 'currentPassword',
    });
    expect(await change(invited.temporaryPassword, invited.temporaryPassword)).toMatchObject({
      httpStatus: 400,
      code: 'parameter_invalid',
      param: 'newPassword',
    });
    expect(await change(invited.temporaryPassword, 'too short')).toMatchObject({
      httpStatus: 400,
      code: 'parameter_invalid',
      param: 'newPassword',
    });
  });

  it('lifts the restriction once changed, ends the other sessions and retires the temporary one', async () => {
    const other = { cookie: await signIn(invited.email, invited.temporaryPassword) };
    const member = { cookie: await signIn(invited.email, invited.temporaryPassword) };
    const session = await as(member).session.changePassword.mutate({
      currentPassword: invited.temporaryPassword,
      newPassword: 'my own password at last',
    });
    expect(session.user.mustChangePassword).toBe(false);
    expect(session.capabilities).toContain('users:manage');
    expect((await as(member).users.list.query()).data.length).toBeGreaterThan(1);
    await as(member).customers.list.query({});
    expect(await as(other).session.me.query()).toBeNull();
    expect(await sessionsOf(invited.id)).toBe(1);

    expect((await postSignIn(invited.email, invited.temporaryPassword)).status).toBe(401);
    await signIn(invited.email, 'my own password at last');
    const listed = await as(team.owner).users.list.query();
    expect(listed.data.find((user) => user.id === invited.id)?.mustChangePassword).toBe(false);
    // The change is the user's own write: an audit entry naming the password, never a value.
    const audit = await as(team.owner).auditLog.list.query({
      object: invited.id,
      action: 'user.password_changed',
    });
    expect(audit.data).toEqual([
      expect.objectContaining({
        livemode: null,
        actor: { type: 'user', id: invited.id },
        fields: ['password'],
        changes: null,
      }),
    ]);
  });

  it('counts wrong current passwords toward the sign-in lockout', async () => {
    const email = uniqueEmail('guesser');
    const { db } = await testDatabase();
    await createUser(db, { accountId: team.accountId, email, password: PASSWORD, role: 'viewer' });
    const member = { cookie: await signIn(email) };
    const change = (currentPassword: string) =>
      refusal(
        as(member).session.changePassword.mutate({
          currentPassword,
          newPassword: 'a long new password',
        }),
      );
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect(await change(`guess number ${attempt}`)).toMatchObject({ code: 'parameter_invalid' });
    }
    // Locked now, even for the right password, here and at sign-in.
    expect(await change(PASSWORD)).toMatchObject({ httpStatus: 429, code: 'rate_limited' });
    expect((await postSignIn(email, PASSWORD)).status).toBe(429);
  });

  it('lets anyone signed in change their password, and refuses API keys', async () => {
    const email = uniqueEmail('changer');
    const { db } = await testDatabase();
    await createUser(db, { accountId: team.accountId, email, password: PASSWORD, role: 'viewer' });
    const member = { cookie: await signIn(email) };
    await as(member).session.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: 'another long password',
    });
    await signIn(email, 'another long password');
    expect(
      await refusal(
        trpcClient(server, team.testKey).session.changePassword.mutate({
          currentPassword: PASSWORD,
          newPassword: 'another long password',
        }),
      ),
    ).toMatchObject({ httpStatus: 403, code: 'insufficient_permissions' });
  });
});

describe('users: errors', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  it('refuses an email that already signs in, here or in another account', async () => {
    const other = await newTeam();
    for (const email of [team.viewer.email, other.viewer.email.toUpperCase()]) {
      expect(
        await refusal(as(team.owner).users.invite.mutate({ email, role: 'viewer' })),
      ).toMatchObject({ httpStatus: 409, code: 'user_email_taken', param: 'email' });
    }
  });

  it.each([
    [{ email: 'not an email', role: 'viewer' }, 'email_invalid', 'email'],
    [{ email: uniqueEmail(), role: 'superuser' }, 'parameter_invalid', 'role'],
    [{ role: 'viewer' }, 'parameter_missing', 'email'],
    [{ email: uniqueEmail(), role: 'viewer', password: 'mine' }, 'parameter_unknown', 'password'],
  ])('refuses the invitation %j with %s', async (input, code, param) => {
    const error = await refusal(as(team.owner).users.invite.mutate(input as never));
    expect(error).toMatchObject({ httpStatus: 400, code, param });
  });

  it('answers 404 for a user that does not exist', async () => {
    for (const call of [
      () => as(team.owner).users.updateRole.mutate({ id: 'usr_doesnotexist', role: 'viewer' }),
      () => as(team.owner).users.remove.mutate({ id: 'usr_doesnotexist' }),
    ]) {
      expect(await refusal(call())).toMatchObject({ httpStatus: 404, code: 'resource_missing' });
    }
  });
});

describe('users: security', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  it('refuses API keys, even secret ones, and has no REST route', async () => {
    const client = trpcClient(server, team.testKey);
    for (const call of [
      () => client.users.list.query(),
      () => client.users.invite.mutate({ email: uniqueEmail(), role: 'viewer' }),
      () => client.users.updateRole.mutate({ id: team.viewer.id, role: 'admin' }),
      () => client.users.remove.mutate({ id: team.viewer.id }),
    ]) {
      expect(await refusal(call())).toMatchObject({
        httpStatus: 403,
        code: 'insufficient_permissions',
      });
    }
    expect((await http(server, 'GET', '/v1/users', { key: team.testKey })).status).toBe(404);
    expect(await roleOf(team.viewer.id)).toBe('viewer');
  });

  it.each(['developer', 'support', 'viewer'] as const)(
    'refuses every users procedure to a %s',
    async (role) => {
      const client = as(team[role]);
      for (const call of [
        () => client.users.list.query(),
        () => client.users.invite.mutate({ email: uniqueEmail(), role: 'viewer' }),
        () => client.users.updateRole.mutate({ id: team[role].id, role: 'owner' }),
        () => client.users.remove.mutate({ id: team.viewer.id }),
      ]) {
        expect(await refusal(call())).toMatchObject({
          httpStatus: 403,
          code: 'insufficient_permissions',
        });
      }
      expect(await roleOf(team[role].id)).toBe(role);
    },
  );

  it('answers 404 for another account’s user, and lists only this account’s', async () => {
    const other = await newTeam();
    for (const call of [
      () => as(team.owner).users.updateRole.mutate({ id: other.viewer.id, role: 'admin' }),
      () => as(team.owner).users.remove.mutate({ id: other.viewer.id }),
      () => as(team.owner).users.remove.mutate({ id: other.owner.id }),
    ]) {
      expect(await refusal(call())).toMatchObject({ httpStatus: 404, code: 'resource_missing' });
    }
    const ids = (await as(team.owner).users.list.query()).data.map((user) => user.id);
    expect(ids).not.toContain(other.viewer.id);
    expect(await roleOf(other.viewer.id)).toBe('viewer');
    expect(await sessionsOf(other.owner.id)).toBeGreaterThan(0);
  });

  it('refuses role escalation: raising one’s own role, or an admin granting owner', async () => {
    const admin = as(team.admin);
    expect(
      await refusal(admin.users.updateRole.mutate({ id: team.admin.id, role: 'owner' })),
    ).toMatchObject({
      httpStatus: 403,
      code: 'insufficient_permissions',
      param: 'role',
    });
    expect(
      await refusal(admin.users.updateRole.mutate({ id: team.viewer.id, role: 'owner' })),
    ).toMatchObject({ httpStatus: 403, code: 'insufficient_permissions', param: 'role' });
    expect(
      await refusal(admin.users.invite.mutate({ email: uniqueEmail(), role: 'owner' })),
    ).toMatchObject({ httpStatus: 403, code: 'insufficient_permissions', param: 'role' });
    // Nor may an admin act on an owner, which would be a way to take the account over.
    expect(
      await refusal(admin.users.updateRole.mutate({ id: team.owner.id, role: 'viewer' })),
    ).toMatchObject({ httpStatus: 403, code: 'insufficient_permissions' });
    expect(await refusal(admin.users.remove.mutate({ id: team.owner.id }))).toMatchObject({
      httpStatus: 403,
      code: 'insufficient_permissions',
    });
    expect(await roleOf(team.admin.id)).toBe('admin');
    expect(await roleOf(team.viewer.id)).toBe('viewer');
    expect(await roleOf(team.owner.id)).toBe('owner');
    // What an admin may do: grant up to admin, and lower their own role.
    await admin.users.updateRole.mutate({ id: team.viewer.id, role: 'admin' });
    expect(await roleOf(team.viewer.id)).toBe('admin');
  });

  it('ends a removed user’s sessions at once: their next request is a 401', async () => {
    const email = uniqueEmail('leaver');
    const { db } = await testDatabase();
    const leaver = await createUser(db, {
      accountId: team.accountId,
      email,
      password: PASSWORD,
      role: 'developer',
    });
    const first = { cookie: await signIn(email) };
    const second = { cookie: await signIn(email) };
    await as(first).customers.list.query({});
    expect(await sessionsOf(leaver.id)).toBe(2);

    await as(team.owner).users.remove.mutate({ id: leaver.id });
    expect(await sessionsOf(leaver.id)).toBe(0);
    for (const member of [first, second]) {
      expect(await refusal(as(member).customers.list.query({}))).toMatchObject({
        httpStatus: 401,
        code: 'session_expired',
      });
      expect(await as(member).session.me.query()).toBeNull();
    }
    expect((await postSignIn(email, PASSWORD)).status).toBe(401);
  });
});

describe('users: the last owner', () => {
  it('cannot be demoted or removed, by themselves or anyone', async () => {
    const team = await newTeam();
    const owner = as(team.owner);
    for (const role of ['admin', 'developer', 'support', 'viewer'] as const) {
      expect(
        await refusal(owner.users.updateRole.mutate({ id: team.owner.id, role })),
      ).toMatchObject({ httpStatus: 409, type: 'invalid_request_error', code: 'last_owner' });
    }
    expect(await refusal(owner.users.remove.mutate({ id: team.owner.id }))).toMatchObject({
      httpStatus: 409,
      code: 'last_owner',
    });
    expect(await roleOf(team.owner.id)).toBe('owner');
    expect(await sessionsOf(team.owner.id)).toBeGreaterThan(0);
  });

  it('can step down once another owner exists, and then the other is the last', async () => {
    const team = await newTeam();
    await as(team.owner).users.updateRole.mutate({ id: team.admin.id, role: 'owner' });
    // Former admin, now owner: demotes the original owner, who then is the one refused.
    await as(team.admin).users.updateRole.mutate({ id: team.owner.id, role: 'admin' });
    expect(
      await refusal(as(team.admin).users.updateRole.mutate({ id: team.admin.id, role: 'admin' })),
    ).toMatchObject({ code: 'last_owner' });
    expect(await refusal(as(team.admin).users.remove.mutate({ id: team.admin.id }))).toMatchObject({
      code: 'last_owner',
    });
    // An owner may remove themselves while another owner remains.
    await as(team.admin).users.updateRole.mutate({ id: team.owner.id, role: 'owner' });
    await as(team.admin).users.remove.mutate({ id: team.admin.id });
    expect(await roleOf(team.admin.id)).toBeUndefined();
    expect(await ownersOf(team.accountId)).toBe(1);
  });

  it(`survives two concurrent demotions of the last two owners (${engine})`, async () => {
    for (let round = 0; round < 10; round += 1) {
      const team = await newTeam(['owner', 'admin']);
      await as(team.owner).users.updateRole.mutate({ id: team.admin.id, role: 'owner' });
      expect(await ownersOf(team.accountId)).toBe(2);
      // Each owner demotes the other at once; or one owner demotes the other and themselves.
      const outcomes = await Promise.allSettled(
        round % 2 === 0
          ? [
              as(team.owner).users.updateRole.mutate({ id: team.admin.id, role: 'admin' }),
              as(team.admin).users.updateRole.mutate({ id: team.owner.id, role: 'admin' }),
            ]
          : [
              as(team.owner).users.updateRole.mutate({ id: team.admin.id, role: 'admin' }),
              as(team.owner).users.updateRole.mutate({ id: team.owner.id, role: 'viewer' }),
            ],
      );
      expect(await ownersOf(team.accountId), `round ${round}`).toBe(1);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') continue;
        const error = await refusal(Promise.reject(outcome.reason as Error));
        expect(['last_owner', 'insufficient_permissions']).toContain(error.code);
      }
    }
  });
});
