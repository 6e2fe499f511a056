import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EnvironmentSchema, isValidEmail, parsePermissionList } from '@peasswap/domain';
import { processorDecider } from '../billing/charges.js';
import { runBilling } from '../billing/engine.js';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { USER_ROLES } from '../db/schema/index.js';
import { readEnv } from '../env.js';
import { runHousekeeping } from '../housekeeping.js';
import { backfillDuplicateKeys } from '../queries/duplicate-keys.js';
import { logFatal } from '../logging.js';
import {
  createAccountWithKeys,
  createApiKey,
  findAccount,
  findFirstAccount,
} from '../queries/accounts.js';
import { verifyCustomerTotals } from '../queries/analytics.js';
import { simulatedProcessor } from '../payments/processor.js';
import { createUser, type UserRole } from '../queries/users.js';
import { deliverDueWebhooks } from '../webhooks/deliver.js';
import { printResult, UsageError } from './output.js';
import { analyzeSeededTables, seedCustomers, seedPayments } from './seed.js';

const USAGE = `Usage: pnpm cli <command> [options]

  migrate                                        apply database migrations
  bootstrap [--json]                             default account, owner user, sk_test_ and sk_live_ keys
  accounts create --name N [--json]              a new account with its own keys
  keys create --account ID --env test|live [--permissions a,b] [--json]
  users create --account ID --email E --role R [--password P] [--json]
  seed --customers N [--payments M] [--account ID] [--env test|live] [--json]
  analytics verify [--repair] [--json]           recompute customer totals from payments; exit 1 on mismatch
  housekeeping [--json]                          purge expired idempotency keys, sessions, old sign-in failures, 30-day-old events
  billing run [--at ISO] [--json]                charge everything due by --at (default now), in every account
  webhooks deliver [--at ISO] [--json]           send every webhook delivery due by --at (default now)
`;

const CLI_WEBHOOK_BATCH = 500;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    name: { type: 'string' },
    account: { type: 'string' },
    env: { type: 'string' },
    permissions: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
    customers: { type: 'string' },
    payments: { type: 'string' },
    repair: { type: 'boolean', default: false },
    at: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required`);
  return value.trim();
}

function wholeNumber(name: 'customers' | 'payments'): number {
  const text = values[name] ?? '0';
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} takes a whole number`);
  return Number(text);
}

function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

async function requireAccount(database: DatabaseHandle, id: string) {
  const account = await findAccount(database.db, id);
  if (!account) throw new UsageError(`no account ${id}`);
  return account;
}

/** Runs one command; answers the exit code when it is not 0. */
async function run(command: string, database: DatabaseHandle): Promise<number | undefined> {
  const { db } = database;
  const json = values.json ?? false;
  switch (command) {
    case 'migrate': {
      // Customers from before the duplicate finder get its keys (nothing to do once all have).
      const backfilled = await backfillDuplicateKeys(db);
      printResult(json, { migrated: true, database: database.engine, backfilled }, [
        `Migrations applied${backfilled > 0 ? `; duplicate keys filled for ${backfilled} customers` : ''}.`,
      ]);
      return;
    }
    case 'bootstrap': {
      const existing = await findFirstAccount(db);
      if (existing) {
        printResult(
          json,
          {
            created: false,
            accountId: existing.id,
            message: 'Already bootstrapped; nothing created.',
          },
          [`Already bootstrapped (account ${existing.id}); nothing created.`],
        );
        return;
      }
      const password = newPassword();
      const email = 'owner@example.com';
      const created = await db.transaction(async (tx) => {
        const { account, testKey, liveKey } = await createAccountWithKeys(tx, 'Default account');
        const owner = await createUser(tx, {
          accountId: account.id,
          email,
          password,
          role: 'owner',
        });
        return { account, testKey, liveKey, owner };
      });
      printResult(
        json,
        {
          created: true,
          accountId: created.account.id,
          testKey: created.testKey.secret,
          liveKey: created.liveKey.secret,
          owner: { email, password },
        },
        [
          `Account:  ${created.account.id}`,
          `Test key: ${created.testKey.secret}`,
          `Live key: ${created.liveKey.secret}`,
          `Owner:    ${email} / ${password}`,
          'Keys and the password are shown once; store them now.',
        ],
      );
      return;
    }
    case 'accounts create': {
      const { account, testKey, liveKey } = await createAccountWithKeys(db, required('name'));
      printResult(
        json,
        {
          accountId: account.id,
          name: account.name,
          testKey: testKey.secret,
          liveKey: liveKey.secret,
        },
        [`Account:  ${account.id}`, `Test key: ${testKey.secret}`, `Live key: ${liveKey.secret}`],
      );
      return;
    }
    case 'keys create': {
      const account = await requireAccount(database, required('account'));
      const environment = EnvironmentSchema.safeParse(required('env'));
      if (!environment.success) throw new UsageError('--env is test or live');
      const permissions =
        values.permissions === undefined ? undefined : parsePermissionList(values.permissions);
      if (values.permissions !== undefined && !permissions) {
        throw new UsageError(`--permissions lists known permissions, comma-separated`);
      }
      const key = await createApiKey(db, {
        accountId: account.id,
        environment: environment.data,
        ...(permissions && { permissions }),
      });
      printResult(
        json,
        {
          id: key.id,
          accountId: account.id,
          kind: key.kind,
          livemode: key.livemode,
          key: key.secret,
          permissions: key.permissions,
        },
        [`Key ${key.id}: ${key.secret}`, `Permissions: ${key.permissions.join(', ')}`],
      );
      return;
    }
    case 'users create': {
      const account = await requireAccount(database, required('account'));
      const email = required('email');
      if (!isValidEmail(email)) throw new UsageError('--email is not a valid email address');
      const role = required('role');
      if (!(USER_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`--role is one of ${USER_ROLES.join(', ')}`);
      }
      const password = values.password ?? newPassword();
      const user = await createUser(db, {
        accountId: account.id,
        email,
        password,
        role: role as UserRole,
      });
      printResult(json, { ...user, password }, [
        `User ${user.id}: ${user.email} (${user.role}) / ${password}`,
      ]);
      return;
    }
    case 'seed': {
      const customers = wholeNumber('customers');
      const paymentCount = wholeNumber('payments');
      const account = values.account
        ? await requireAccount(database, values.account)
        : await findFirstAccount(db);
      if (!account) throw new UsageError('no account yet: run `pnpm cli bootstrap` first');
      const scope = { accountId: account.id, livemode: (values.env ?? 'test') === 'live' };
      // Progress goes to stderr, and only for seeds big enough to take a while.
      const progress =
        customers + paymentCount >= 1_000_000
          ? (message: string) => process.stderr.write(`seed: ${message}\n`)
          : undefined;
      const seeded = await seedCustomers(db, scope, customers, progress);
      const paid = await seedPayments(db, scope, paymentCount, progress);
      await analyzeSeededTables(db);
      const rows = seeded.customers + paid.payments;
      const seconds = seeded.seconds + paid.seconds;
      const rowsPerSecond = Math.round(rows / Math.max(seconds, 1e-9));
      printResult(
        json,
        {
          accountId: account.id,
          livemode: scope.livemode,
          customers: seeded.customers,
          payments: paid.payments,
          totals: paid.totals,
          heavyCustomer: paid.heavyCustomer,
          seconds,
          rowsPerSecond,
          customersPerSecond: seeded.rowsPerSecond,
          paymentsPerSecond: paid.rowsPerSecond,
        },
        [
          `Seeded ${seeded.customers} customers in ${seeded.seconds.toFixed(1)} s (${seeded.rowsPerSecond} rows/s) and ${paid.payments} payments in ${paid.seconds.toFixed(1)} s (${paid.rowsPerSecond} rows/s) into ${account.id}.`,
          `${rows} rows in ${seconds.toFixed(1)} s: ${rowsPerSecond} rows/s; ${paid.totals} customer totals rows written.`,
          ...(paid.heavyCustomer
            ? [
                `Customer with the most payments (for analytics): ${paid.heavyCustomer.id} (${paid.heavyCustomer.payments} payments).`,
              ]
            : []),
        ],
      );
      return;
    }
    case 'analytics verify': {
      const repair = values.repair ?? false;
      const mismatches = await verifyCustomerTotals(db, repair);
      printResult(
        json,
        { mismatches: mismatches.length, repaired: repair ? mismatches.length : 0 },
        [
          repair
            ? `${mismatches.length} customer totals rows differed from the payments; repaired.`
            : `${mismatches.length} customer totals rows differ from the payments.`,
          ...mismatches
            .slice(0, 20)
            .map(
              (m) =>
                `  ${m.customerId} ${m.currency}: stored ${m.stored ? `${m.stored.count} / ${m.stored.total}` : 'none'}, payments say ${m.actual ? `${m.actual.count} / ${m.actual.total}` : 'none'}`,
            ),
        ],
      );
      return mismatches.length > 0 && !repair ? 1 : undefined;
    }
    case 'housekeeping': {
      const removed = await runHousekeeping(db);
      printResult(json, { object: 'housekeeping', removed }, [
        `Removed ${removed.idempotencyKeys} expired idempotency keys, ${removed.sessions} ended sessions, ${removed.signInAttempts} old sign-in failure records and ${removed.events} events older than 30 days.`,
      ]);
      return;
    }
    case 'billing run': {
      const at = values.at === undefined ? new Date() : new Date(values.at);
      if (Number.isNaN(at.getTime())) throw new UsageError('--at takes an ISO 8601 time');
      const run = await runBilling(db, { at, decide: processorDecider(simulatedProcessor) });
      printResult(json, run, [
        `Billing at ${run.at}: ${run.charged} charged, ${run.failed} failed, ${run.canceled} canceled, ${run.recovered} recovered.`,
      ]);
      return;
    }
    case 'webhooks deliver': {
      const at = values.at === undefined ? new Date() : new Date(values.at);
      if (Number.isNaN(at.getTime())) throw new UsageError('--at takes an ISO 8601 time');
      // Passes until one finds less than a full batch: everything due by --at, not 500 of it.
      const run = await deliverDueWebhooks(db, { at, batchSize: CLI_WEBHOOK_BATCH });
      let lastClaimed = run.claimed;
      while (lastClaimed >= CLI_WEBHOOK_BATCH) {
        const more = await deliverDueWebhooks(db, { at, batchSize: CLI_WEBHOOK_BATCH });
        lastClaimed = more.claimed;
        run.claimed += more.claimed;
        run.delivered += more.delivered;
        run.failed += more.failed;
        run.retrying += more.retrying;
      }
      printResult(json, run, [
        `Webhooks at ${run.at}: ${run.delivered} delivered, ${run.retrying} to retry, ${run.failed} failed for good.`,
      ]);
      return;
    }
    default:
      throw new UsageError(`unknown command: ${command || '(none)'}`);
  }
}

async function main(): Promise<number> {
  const command = positionals
    .slice(
      0,
      ['accounts', 'keys', 'users', 'analytics', 'billing', 'webhooks'].includes(
        positionals[0] ?? '',
      )
        ? 2
        : 1,
    )
    .join(' ');
  if (values.help || command === '') {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const env = readEnv();
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    await database.migrate();
    return (await run(command, database)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    // The error's message may quote what the command was given (an email, a password's hash).
    logFatal(`${command} failed`, error);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
