import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../src/db/client.js';
import { testDatabase } from './harness.js';

/**
 * Sharding by account (docs/scaling.md): the schema must be distributable by `account_id` on Citus
 * without change. Citus asks that a distributed table's primary key and unique indexes contain the
 * distribution column and that a foreign key between distributed tables join on it; here every key
 * leads with it, which also keeps one account's keys together in each index. Read from the catalog
 * of the migrated database, so the migrations are what is held to it, on either engine.
 *
 * Every table is classified; a new table without a decision fails.
 */
const DISTRIBUTED = [
  'customers',
  'payments',
  'customer_payment_totals',
  'idempotency_keys',
  'subscriptions',
  'payment_schedules',
  'payment_schedule_items',
  'billing_attempts',
  'payment_methods',
  'customer_merges',
  'events',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_delivery_attempts',
  'audit_log',
  'audit_log_changes',
] as const;

/** Copied to every node: small, written rarely, and read before the account is known. */
const REFERENCE: Record<string, string> = {
  accounts:
    'its id is the account id; every table points at it, and reference tables cannot point at distributed ones',
  api_keys: 'found by the hash of the presented secret, before the account is known',
  users: 'signed in by email, which is unique across accounts, before the account is known',
  sessions: 'found by the hash of the cookie token, before the account is known',
};

/** Kept on the coordinator only: not account data, never joined with it. */
const LOCAL: Record<string, string> = {
  server_secrets: "the server's own keys, by name",
  sign_in_attempts: 'failed sign-ins by email identity, counted before any account is known',
  rate_limit_counters: 'counters by API key, session or address, not by account',
};

/** The distribution column, and the only key a distributed table may point at outside its own. */
const ACCOUNT_ID = 'account_id';
const ACCOUNTS_KEY = { table: 'accounts', columns: ['id'] };

interface UniqueIndex {
  table: string;
  name: string;
  primary: boolean;
  columns: string[];
}
interface ForeignKey {
  table: string;
  name: string;
  columns: string[];
  referenced: string;
  referencedColumns: string[];
}

async function tablesIn(db: Database): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`
      select relname as name from pg_class
      where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')
      order by relname`),
  );
  return rows.map((row) => row.name);
}

/** Columns of a key in their order; an expression (attnum 0) shows as `(expression)`. */
const columnsOf = (relation: string, attnums: string) =>
  sql.raw(`
  array(select coalesce(a.attname::text, '(expression)')
        from unnest(${attnums}) with ordinality k(attnum, ord)
        left join pg_attribute a on a.attrelid = ${relation} and a.attnum = k.attnum
        order by k.ord)`);

async function uniqueIndexesIn(db: Database): Promise<UniqueIndex[]> {
  return rowsOf<UniqueIndex>(
    await db.execute(sql`
      select t.relname as table, i.relname as name, x.indisprimary as primary,
        ${columnsOf('x.indrelid', 'x.indkey::int2[]')} as columns
      from pg_index x
      join pg_class t on t.oid = x.indrelid
      join pg_class i on i.oid = x.indexrelid
      where t.relnamespace = 'public'::regnamespace and x.indisunique
      order by 1, 2`),
  );
}

async function foreignKeysIn(db: Database): Promise<ForeignKey[]> {
  return rowsOf<ForeignKey>(
    await db.execute(sql`
      select t.relname as table, c.conname as name, r.relname as referenced,
        ${columnsOf('c.conrelid', 'c.conkey')} as columns,
        ${columnsOf('c.confrelid', 'c.confkey')} as "referencedColumns"
      from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_class r on r.oid = c.confrelid
      where c.contype = 'f' and t.relnamespace = 'public'::regnamespace
      order by 1, 2`),
  );
}

const isDistributed = (table: string) => (DISTRIBUTED as readonly string[]).includes(table);

/** What is wrong with a distributed table's foreign key, or nothing. */
function foreignKeyProblem(fk: ForeignKey): string | undefined {
  if (fk.columns[0] !== ACCOUNT_ID) return `${fk.name} does not lead with ${ACCOUNT_ID}`;
  if (fk.referenced === ACCOUNTS_KEY.table) {
    return fk.columns.length === 1 && fk.referencedColumns.join() === ACCOUNTS_KEY.columns.join()
      ? undefined
      : `${fk.name} points at accounts by something else than its id`;
  }
  if (!isDistributed(fk.referenced)) {
    return `${fk.name} points at ${fk.referenced}, which is not distributed by account`;
  }
  if (fk.referencedColumns[0] !== ACCOUNT_ID) {
    return `${fk.name} points at a key of ${fk.referenced} not led by ${ACCOUNT_ID}`;
  }
  return undefined;
}

describe('every key leads with account_id (sharding by account)', () => {
  let db: Database;
  let tables: string[];
  let uniques: UniqueIndex[];
  let foreignKeys: ForeignKey[];

  beforeAll(async () => {
    ({ db } = await testDatabase());
    [tables, uniques, foreignKeys] = await Promise.all([
      tablesIn(db),
      uniqueIndexesIn(db),
      foreignKeysIn(db),
    ]);
  });

  it('classifies every table exactly once: distributed by account, reference or local', () => {
    const classified = [...DISTRIBUTED, ...Object.keys(REFERENCE), ...Object.keys(LOCAL)];
    expect(new Set(classified).size, 'a table classified twice').toBe(classified.length);
    const unclassified = tables.filter((table) => !classified.includes(table));
    expect(unclassified, 'tables without a decision: add each to a list, with why').toEqual([]);
    const missing = [...DISTRIBUTED, ...Object.keys(REFERENCE)].filter((t) => !tables.includes(t));
    expect(missing, 'classified tables the migrations do not make').toEqual([]);
  });

  it("a distributed table's primary key leads with account_id", () => {
    const problems = DISTRIBUTED.flatMap((table) => {
      const primary = uniques.find((index) => index.table === table && index.primary);
      if (!primary) return [`${table} has no primary key`];
      return primary.columns[0] === ACCOUNT_ID
        ? []
        : [`${table}: primary key (${primary.columns.join(', ')})`];
    });
    expect(problems).toEqual([]);
  });

  it("a distributed table's unique indexes (constraints and partial ones) lead with account_id", () => {
    const checked = uniques.filter((index) => isDistributed(index.table));
    expect(checked.length).toBeGreaterThan(DISTRIBUTED.length);
    const problems = checked
      .filter((index) => index.columns[0] !== ACCOUNT_ID)
      .map((index) => `${index.table}.${index.name} (${index.columns.join(', ')})`);
    expect(problems).toEqual([]);
  });

  it("a distributed table's foreign keys lead with account_id and point at a key led by it (or accounts' id)", () => {
    const checked = foreignKeys.filter((fk) => isDistributed(fk.table));
    // Each distributed table's account FK, and the ones between them.
    expect(checked.length).toBeGreaterThan(DISTRIBUTED.length);
    const problems = checked.flatMap((fk) => foreignKeyProblem(fk) ?? []);
    expect(problems).toEqual([]);
  });

  it('reference tables point only at reference tables, and nothing points at a local table', () => {
    const fromReference = foreignKeys
      .filter((fk) => fk.table in REFERENCE && !(fk.referenced in REFERENCE))
      .map((fk) => `${fk.table}.${fk.name} -> ${fk.referenced}`);
    expect(fromReference, 'Citus has no foreign keys from reference to distributed tables').toEqual(
      [],
    );
    const local = foreignKeys
      .filter((fk) => fk.table in LOCAL || fk.referenced in LOCAL)
      .map((fk) => `${fk.table}.${fk.name} -> ${fk.referenced}`);
    expect(local).toEqual([]);
  });
});
