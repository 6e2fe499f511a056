import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../src/db/client.js';
import * as schema from '../src/db/schema/index.js';
import { customerAnalytics } from '../src/queries/analytics.js';
import { listCustomers } from '../src/queries/customers.js';
import { COMMON_TRIGRAMS_EMAIL_START, emailStart, typedPhone } from './scenarios.js';
import { listCustomerPayments, listPayments } from '../src/queries/payments.js';
import type { Scope } from '../src/queries/scope.js';

/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of the exact statements the API sends: each list, search and
 * analytics query function runs once on a Drizzle instance whose logger records every statement
 * and its parameters, and each recorded statement is then explained with those parameters.
 */
export interface ExplainedQuery {
  name: string;
  statement: string;
  plan: string[];
}

export interface ExplainTarget {
  name: string;
  run: (db: Database, scope: Scope) => Promise<unknown>;
}

export function explainTargets(input: {
  cursorId: string;
  commonFragment: string;
  rareFragment: string;
  email: string;
  phone?: string | null;
  customerId: string;
  heavyCustomerId: string;
}): ExplainTarget[] {
  const list = { limit: 10 };
  return [
    { name: 'list first page', run: (db, s) => listCustomers(db, s, list) },
    {
      name: 'list page 1,000 (cursor, then page)',
      run: (db, s) => listCustomers(db, s, { ...list, startingAfter: input.cursorId }),
    },
    {
      name: `search common name fragment "${input.commonFragment}"`,
      run: (db, s) => listCustomers(db, s, { ...list, query: input.commonFragment }),
    },
    {
      name: `search rare name fragment "${input.rareFragment}"`,
      run: (db, s) => listCustomers(db, s, { ...list, query: input.rareFragment }),
    },
    {
      name: `search "${COMMON_TRIGRAMS_EMAIL_START}" (an email's start)`,
      run: (db, s) => listCustomers(db, s, { ...list, query: COMMON_TRIGRAMS_EMAIL_START }),
    },
    {
      name: `search "${emailStart(input.email)}" (an email's start)`,
      run: (db, s) => listCustomers(db, s, { ...list, query: emailStart(input.email) }),
    },
    ...phoneTargets(input.phone),
    {
      name: 'search by email (email=)',
      run: (db, s) => listCustomers(db, s, { ...list, email: input.email }),
    },
    {
      name: 'customer payments first page (customer check, then page)',
      run: (db, s) => listCustomerPayments(db, s, { ...list, id: input.customerId }),
    },
    {
      name: 'payments of the 100,000-payment customer, first page',
      run: (db, s) => listCustomerPayments(db, s, { ...list, id: input.heavyCustomerId }),
    },
    { name: 'account payments first page', run: (db, s) => listPayments(db, s, list) },
    {
      name: 'analytics of the 100,000-payment customer (customer check, then totals)',
      run: (db, s) => customerAnalytics(db, s, input.heavyCustomerId),
    },
  ];
}

/** The typed-phone search, when the sampled customer has a phone. */
function phoneTargets(phone: string | null | undefined): ExplainTarget[] {
  if (!phone) return [];
  const query = typedPhone(phone);
  return [
    {
      name: `search "${query}" (a typed phone)`,
      run: (db, s) => listCustomers(db, s, { limit: 10, query }),
    },
  ];
}

export interface RecordedStatement {
  statement: string;
  params: unknown[];
}

/** A Drizzle instance on its own connection whose logger keeps every statement it sends. */
export function recordingDatabase(url: string): {
  db: Database;
  recorded: RecordedStatement[];
  close: () => Promise<void>;
} {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  const recorded: RecordedStatement[] = [];
  const db = drizzle({
    client,
    schema,
    logger: { logQuery: (statement, params) => void recorded.push({ statement, params }) },
  }) as unknown as Database;
  return { db, recorded, close: () => client.end() };
}

/**
 * Each statement under `EXPLAIN (ANALYZE, BUFFERS)` with its own parameters, inside a transaction
 * that is rolled back: the billing engine's claims are `SELECT ... FOR UPDATE`, and an explained
 * run must leave nothing behind, not even a lock.
 */
export async function explainStatements(
  url: string,
  statements: (RecordedStatement & { name: string })[],
): Promise<ExplainedQuery[]> {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  const explained: ExplainedQuery[] = [];
  try {
    for (const { name, statement, params } of statements) {
      await client.unsafe('begin');
      try {
        const rows = await client.unsafe<{ 'QUERY PLAN': string }[]>(
          `explain (analyze, buffers) ${statement}`,
          params as postgres.ParameterOrJSON<never>[],
        );
        explained.push({ name, statement, plan: rows.map((r) => r['QUERY PLAN']) });
      } finally {
        await client.unsafe('rollback');
      }
    }
  } finally {
    await client.end();
  }
  return explained;
}

export async function explainAll(
  url: string,
  scope: Scope,
  targets: ExplainTarget[],
): Promise<ExplainedQuery[]> {
  const { db, recorded, close } = recordingDatabase(url);
  const statements: (RecordedStatement & { name: string })[] = [];
  try {
    for (const target of targets) {
      const before = recorded.length;
      await target.run(db, scope);
      statements.push(...recorded.slice(before).map((r) => ({ ...r, name: target.name })));
    }
  } finally {
    await close();
  }
  return explainStatements(url, statements);
}

/** The lines worth keeping: the nodes, their conditions and buffers, and the timings. */
export function keyLines(plan: string[]): string[] {
  return plan
    .filter((line) =>
      /Scan|Sort|Limit|Cond|Filter|Rows Removed|Heap|Buffers|Execution Time|Planning Time|Nested|Join|Aggregate|LockRows/.test(
        line,
      ),
    )
    .filter((line) => !/^\s*Planning:$/.test(line))
    .map((line) => line.replace(/\(cost=[^)]*\) /, ''));
}
