import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { createApiKey } from '../src/queries/accounts.js';

/**
 * The benchmark's own database on the local PostgreSQL server: created, migrated and seeded by the
 * real CLI the first time, reused while it holds the requested sizes. It is recognised by a marker
 * in its comment; a database of the same name without the marker is someone else's and is never
 * touched, let alone dropped.
 */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = 'peasswap-bench:';

export interface SeedState {
  customers: number;
  payments: number;
  accountId: string;
  heavyCustomerId: string;
  heavyCustomerPayments: number;
  seed: {
    seconds: number;
    rowsPerSecond: number;
    customersPerSecond: number;
    paymentsPerSecond: number;
    totals: number;
  };
  vacuumSeconds: number;
  seededAt: string;
}

export interface BenchDatabase {
  url: string;
  name: string;
  state: SeedState;
  reused: boolean;
}

export function benchDatabaseName(customers: number, payments: number): string {
  return customers === 1_000_000 && payments === 10_000_000
    ? 'peasswap_bench'
    : `peasswap_bench_${customers}c_${payments}p`;
}

export function withDatabase(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** The CLI, exactly as `pnpm cli` runs it, against the bench database. */
export function cli(args: string[], databaseUrl: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args, '--json'],
      {
        cwd: API_DIR,
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout) => {
        if (error) reject(new Error(`cli ${args[0] ?? ''} failed`, { cause: error }));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
    child.stderr?.pipe(process.stderr);
  });
}

/**
 * A database the benchmark owns, marked by a comment holding the state of its seed. Answers that
 * state when `matches` says it can be reused; otherwise drops a stale one (only ever its own: one
 * without the marker is refused) and creates it empty and marked unfinished, answering undefined.
 */
export async function claimBenchDatabase<T>(options: {
  admin: postgres.Sql;
  name: string;
  marker: string;
  matches: (state: T) => boolean;
  log: (line: string) => void;
}): Promise<T | undefined> {
  const { admin, name, marker, log } = options;
  const [existing] = await admin<{ comment: string | null }[]>`
    select shobj_description(oid, 'pg_database') as comment from pg_database where datname = ${name}
  `;
  if (existing) {
    const comment = existing.comment ?? '';
    if (!comment.startsWith(marker)) {
      throw new Error(
        `A database named ${name} exists and was not created by the benchmark; refusing to touch it. Set BENCH_DATABASE_URL to another server or drop it yourself.`,
      );
    }
    const state = JSON.parse(comment.slice(marker.length) || 'null') as T | null;
    if (state && options.matches(state)) {
      log(`reusing ${name} (seeded ${(state as { seededAt?: string }).seededAt ?? '?'})`);
      return state;
    }
    log(`${name} is from an unfinished or different seed: dropping it (the benchmark made it)`);
    await admin.unsafe(`drop database ${name} with (force)`);
  }
  await admin.unsafe(`create database ${name}`);
  await admin.unsafe(`comment on database ${name} is '${marker}'`);
  return undefined;
}

/** Mark a claimed database's seed as finished, with the state a later run may reuse. */
export async function markBenchDatabaseSeeded(
  admin: postgres.Sql,
  name: string,
  marker: string,
  state: unknown,
): Promise<void> {
  const comment = `${marker}${JSON.stringify(state)}`.replaceAll("'", "''");
  await admin.unsafe(`comment on database ${name} is '${comment}'`);
}

export async function prepareBenchDatabase(options: {
  adminUrl: string;
  customers: number;
  payments: number;
  log: (line: string) => void;
}): Promise<BenchDatabase> {
  const { adminUrl, customers, payments, log } = options;
  const name = benchDatabaseName(customers, payments);
  const url = withDatabase(adminUrl, name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const reusable = await claimBenchDatabase<SeedState>({
      admin,
      name,
      marker: MARKER,
      matches: (state) => state.customers === customers && state.payments === payments,
      log,
    });
    if (reusable) return { url, name, state: reusable, reused: true };

    log(`seeding ${name}: ${customers} customers, ${payments} payments`);
    const boot = await cli(['bootstrap'], url);
    const accountId = String(boot.accountId);
    const seeded = await cli(
      [
        'seed',
        '--account',
        accountId,
        '--customers',
        String(customers),
        '--payments',
        String(payments),
      ],
      url,
    );
    const heavy = seeded.heavyCustomer as { id: string; payments: number } | null;
    if (!heavy) throw new Error('the seed named no customer with payments');

    // Hint bits and the visibility map (index-only scans) as a long-lived table would have them.
    log('vacuum (analyze) of the seeded tables');
    const vacuumStarted = performance.now();
    const db = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      await db.unsafe('vacuum (analyze) customers, payments, customer_payment_totals');
    } finally {
      await db.end();
    }
    const state: SeedState = {
      customers,
      payments,
      accountId,
      heavyCustomerId: heavy.id,
      heavyCustomerPayments: heavy.payments,
      seed: {
        seconds: Number(seeded.seconds),
        rowsPerSecond: Number(seeded.rowsPerSecond),
        customersPerSecond: Number(seeded.customersPerSecond),
        paymentsPerSecond: Number(seeded.paymentsPerSecond),
        totals: Number(seeded.totals),
      },
      vacuumSeconds: (performance.now() - vacuumStarted) / 1000,
      seededAt: new Date().toISOString(),
    };
    await markBenchDatabaseSeeded(admin, name, MARKER, state);
    return { url, name, state, reused: false };
  } finally {
    await admin.end();
  }
}

/**
 * Customers POSTed by a run are deleted again as the API deletes them (soft: out of every live
 * index), so each run lists and searches the same seeded data. Not a hard delete: the foreign keys
 * from payments have no index led by customer_id, so each deleted row would scan all payments.
 */
export async function removeBenchCustomers(sql: postgres.Sql, accountId: string): Promise<void> {
  const deleted = await sql`
    update customers set deleted_at = now(), updated_at = now()
    where account_id = ${accountId} and livemode = false and deleted_at is null
      and email like 'bench.%@example.com'`;
  if (deleted.count > 0) await sql`vacuum (analyze) customers`;
}

/** A test-mode secret key of the bench account, made as the API makes keys. */
export async function benchApiKey(url: string, accountId: string): Promise<string> {
  const handle = await openDatabase({ databaseUrl: url, dataDir: 'unused', poolSize: 1 });
  try {
    return (await createApiKey(handle.db, { accountId, environment: 'test' })).secret;
  } finally {
    await handle.close();
  }
}
