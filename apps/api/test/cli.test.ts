import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../src/db/schema/index.js';
import { duplicateKeysOf } from '../src/queries/duplicate-keys.js';
import { openStore } from './harness.js';
import { isolatedStore, runCli, type IsolatedStore } from './processes.js';

let store: IsolatedStore;

beforeAll(async () => {
  store = await isolatedStore();
});
afterAll(() => store.cleanup());

function parseOnlyJson(stdout: string) {
  const lines = stdout.trim().split('\n');
  expect(lines, 'stdout holds one JSON object and nothing else').toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, any>;
}

describe('cli', () => {
  let accountId: string;

  it('migrates', async () => {
    const res = await runCli(['migrate', '--json'], store.env);
    expect(res.code, res.stderr).toBe(0);
    expect(parseOnlyJson(res.stdout)).toMatchObject({ migrated: true });
  });

  it('bootstraps once, then creates nothing and says so', async () => {
    const first = await runCli(['bootstrap', '--json'], store.env);
    expect(first.code, first.stderr).toBe(0);
    const created = parseOnlyJson(first.stdout);
    expect(created).toMatchObject({ created: true });
    expect(created.accountId).toMatch(/^acct_/);
    expect(created.testKey).toMatch(/^sk_test_/);
    expect(created.liveKey).toMatch(/^sk_live_/);
    expect(created.owner.email).toContain('@');
    expect(created.owner.password.length).toBeGreaterThanOrEqual(16);
    accountId = created.accountId as string;

    const second = await runCli(['bootstrap', '--json'], store.env);
    expect(second.code).toBe(0);
    expect(parseOnlyJson(second.stdout)).toMatchObject({ created: false, accountId });
    expect(second.stdout).not.toContain('sk_');
  });

  it('creates accounts, secret and restricted keys, and users', async () => {
    const account = parseOnlyJson(
      (await runCli(['accounts', 'create', '--name', 'Acme', '--json'], store.env)).stdout,
    );
    expect(account).toMatchObject({ name: 'Acme' });
    expect(account.testKey).toMatch(/^sk_test_/);

    const secret = parseOnlyJson(
      (
        await runCli(
          ['keys', 'create', '--account', account.accountId, '--env', 'live', '--json'],
          store.env,
        )
      ).stdout,
    );
    expect(secret).toMatchObject({ kind: 'secret', livemode: true });
    expect(secret.key).toMatch(/^sk_live_/);

    const restricted = parseOnlyJson(
      (
        await runCli(
          [
            'keys',
            'create',
            '--account',
            accountId,
            '--env',
            'test',
            '--permissions',
            'customers:read,payments:read',
            '--json',
          ],
          store.env,
        )
      ).stdout,
    );
    expect(restricted).toMatchObject({
      kind: 'restricted',
      permissions: ['customers:read', 'payments:read'],
    });
    expect(restricted.key).toMatch(/^rk_test_/);

    const user = parseOnlyJson(
      (
        await runCli(
          [
            'users',
            'create',
            '--account',
            accountId,
            '--email',
            'viewer@example.com',
            '--role',
            'viewer',
            '--json',
          ],
          store.env,
        )
      ).stdout,
    );
    expect(user).toMatchObject({ email: 'viewer@example.com', role: 'viewer', accountId });
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('refuses bad arguments with a usage message on stderr and a non-zero exit', async () => {
    for (const args of [
      ['keys', 'create', '--account', accountId, '--env', 'staging'],
      [
        'keys',
        'create',
        '--account',
        accountId,
        '--env',
        'test',
        '--permissions',
        'customers:delete',
      ],
      ['users', 'create', '--account', accountId, '--email', 'x@example.com', '--role', 'god'],
      ['frobnicate'],
    ]) {
      const res = await runCli(args, store.env);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('Usage');
    }
  });

  it('seeds customers', async () => {
    const res = await runCli(['seed', '--customers', '500', '--json'], store.env);
    expect(res.code, res.stderr).toBe(0);
    expect(parseOnlyJson(res.stdout)).toMatchObject({ accountId, customers: 500 });
    // The seed writes the duplicate keys in SQL: exactly what the domain would have written.
    const database = await openStore(store);
    try {
      const rows = await database.db
        .select({
          email: customers.email,
          name: customers.name,
          mailboxIdentity: customers.mailboxIdentity,
          nameKey: customers.nameKey,
        })
        .from(customers);
      expect(rows).toHaveLength(500);
      for (const row of rows) {
        expect({ mailboxIdentity: row.mailboxIdentity, nameKey: row.nameKey }, row.name).toEqual(
          duplicateKeysOf(row),
        );
      }
    } finally {
      await database.close();
    }
  });

  it('seeds payments whose customer totals match them exactly', async () => {
    const res = await runCli(
      ['seed', '--customers', '50', '--payments', '500', '--json'],
      store.env,
    );
    expect(res.code, res.stderr).toBe(0);
    const seeded = parseOnlyJson(res.stdout);
    expect(seeded).toMatchObject({ accountId, customers: 50, payments: 500 });
    expect(seeded.totals).toBeGreaterThan(0);
    // A tenth of a small seed goes to the oldest customer, the one analytics benchmarks read.
    expect(seeded.heavyCustomer).toMatchObject({ payments: 50 });
    expect(seeded.heavyCustomer.id).toMatch(/^cus_/);
    expect(seeded.rowsPerSecond).toBeGreaterThan(0);

    const verified = await runCli(['analytics', 'verify', '--json'], store.env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(parseOnlyJson(verified.stdout)).toEqual({ mismatches: 0, repaired: 0 });
  });

  it('refuses payments without customers to pay them', async () => {
    const account = parseOnlyJson(
      (await runCli(['accounts', 'create', '--name', 'Empty', '--json'], store.env)).stdout,
    );
    const res = await runCli(
      ['seed', '--account', account.accountId, '--payments', '10', '--json'],
      store.env,
    );
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('--payments needs live customers');
  });
});
