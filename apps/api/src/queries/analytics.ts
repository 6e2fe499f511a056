import { and, eq, isNull, sql } from 'drizzle-orm';
import { summariseAnalytics, toSafeNumber, type CustomerAnalytics } from '@peasswap/domain';
import { preparedStatement, rowsOf, type Executor } from '../db/client.js';
import { customerPaymentTotals, customers } from '../db/schema/index.js';
import { customerGone } from './customers.js';
import { prepared, SCOPE_PLACEHOLDERS, selectedAs } from './prepared.js';
import { inScope, type Scope } from './scope.js';
import { isoOfTimestamptz } from './timestamps.js';

/** A row of the analytics statement as the driver reads it: all null for a customer without totals. */
interface TotalsDriverRow {
  currency: string | null;
  count: string | number | bigint | null;
  total: string | null;
  lastPaymentAt: string | null;
}

/** A live customer's analytics, read from the maintained totals: O(currencies), not O(payments). */
export async function customerAnalytics(
  db: Executor,
  scope: Scope,
  customerId: string,
): Promise<CustomerAnalytics> {
  // One query: the live customer left-joined to its totals rows. No row at all means no customer.
  // Prepared raw and read by hand (as payments' pages are): Drizzle's mapping of a left join
  // costs more than the rest of this read.
  const query = prepared(db, 'customers.analytics', () =>
    preparedStatement(
      db,
      db
        .select(
          selectedAs({
            currency: customerPaymentTotals.currency,
            count: customerPaymentTotals.succeededCount,
            total: customerPaymentTotals.total,
            lastPaymentAt: customerPaymentTotals.lastPaymentAt,
          }),
        )
        .from(customers)
        .leftJoin(
          customerPaymentTotals,
          and(
            eq(customerPaymentTotals.accountId, customers.accountId),
            eq(customerPaymentTotals.livemode, customers.livemode),
            eq(customerPaymentTotals.customerId, customers.id),
          ),
        )
        .where(
          and(
            eq(customers.id, sql.placeholder('customerId')),
            inScope(customers, SCOPE_PLACEHOLDERS),
            isNull(customers.deletedAt),
          ),
        )
        .getSQL(),
    ),
  );
  const rows = rowsOf<TotalsDriverRow>(await query.execute({ customerId, ...scope }));
  if (rows.length === 0) throw await customerGone(db, scope, customerId);
  const totals = rows.flatMap((row) =>
    row.currency !== null && row.count !== null && row.total !== null && row.lastPaymentAt !== null
      ? [
          {
            currency: row.currency,
            // int8 and numeric arrive as text (or, on PGlite, int8 as a number or bigint).
            count: BigInt(row.count),
            total: BigInt(row.total),
            lastPaymentAt: new Date(isoOfTimestamptz(row.lastPaymentAt)),
          },
        ]
      : [],
  );
  const summary = summariseAnalytics(totals);
  return {
    object: 'customer_analytics',
    customer: customerId,
    totalPayments: toSafeNumber(summary.totalPayments),
    lastPaymentAt: summary.lastPaymentAt?.toISOString() ?? null,
    volume: summary.volume.map((line) => ({
      currency: line.currency,
      total: toSafeNumber(line.total),
      average: toSafeNumber(line.average),
    })),
  };
}

export interface TotalsMismatch {
  accountId: string;
  livemode: boolean;
  customerId: string;
  currency: string;
  stored: { count: string; total: string } | null;
  actual: { count: string; total: string } | null;
  lastPaymentAt: Date | null;
}

/**
 * Recompute every customer's totals from the payments themselves and list where the maintained
 * rows differ; with `repair`, rewrite the differing rows from the payments.
 */
export async function verifyCustomerTotals(
  db: Executor,
  repair: boolean,
): Promise<TotalsMismatch[]> {
  if (!repair) return findMismatches(db);
  return db.transaction(async (tx) => {
    // New payments wait while the totals are rewritten, so the repair cannot race them.
    await tx.execute(sql`lock table payments in share mode`);
    const mismatches = await findMismatches(tx);
    for (const row of mismatches) await rewriteTotals(tx, row);
    return mismatches;
  });
}

async function findMismatches(db: Executor): Promise<TotalsMismatch[]> {
  const result = await db.execute(sql`
    with actual as (
      select account_id, livemode, customer_id, currency,
             count(*)::text as count, sum(amount)::text as total, max(created_at) as last_payment_at
      from payments
      where status = 'succeeded' and customer_id is not null
      group by account_id, livemode, customer_id, currency
    )
    select coalesce(a.account_id, t.account_id) as "accountId",
           coalesce(a.livemode, t.livemode) as livemode,
           coalesce(a.customer_id, t.customer_id) as "customerId",
           coalesce(a.currency, t.currency) as currency,
           t.succeeded_count::text as "storedCount", t.total::text as "storedTotal",
           a.count as "actualCount", a.total as "actualTotal", a.last_payment_at as "lastPaymentAt"
    from actual a
    full join customer_payment_totals t
      on t.account_id = a.account_id and t.livemode = a.livemode
     and t.customer_id = a.customer_id and t.currency = a.currency
    where t.total is distinct from a.total::numeric
       or t.succeeded_count is distinct from a.count::bigint
  `);
  const rows = rowsOf<{
    accountId: string;
    livemode: boolean;
    customerId: string;
    currency: string;
    storedCount: string | null;
    storedTotal: string | null;
    actualCount: string | null;
    actualTotal: string | null;
    lastPaymentAt: Date | string | null;
  }>(result);

  return rows.map((row) => ({
    accountId: row.accountId,
    livemode: row.livemode,
    customerId: row.customerId,
    currency: row.currency,
    stored:
      row.storedCount !== null ? { count: row.storedCount, total: row.storedTotal ?? '0' } : null,
    actual:
      row.actualCount !== null ? { count: row.actualCount, total: row.actualTotal ?? '0' } : null,
    lastPaymentAt: row.lastPaymentAt === null ? null : new Date(row.lastPaymentAt),
  }));
}

async function rewriteTotals(tx: Executor, row: TotalsMismatch) {
  await tx
    .delete(customerPaymentTotals)
    .where(
      and(
        inScope(customerPaymentTotals, row),
        eq(customerPaymentTotals.customerId, row.customerId),
        eq(customerPaymentTotals.currency, row.currency),
      ),
    );
  if (row.actual && row.lastPaymentAt) {
    await tx.insert(customerPaymentTotals).values({
      accountId: row.accountId,
      livemode: row.livemode,
      customerId: row.customerId,
      currency: row.currency,
      succeededCount: BigInt(row.actual.count),
      total: row.actual.total,
      lastPaymentAt: row.lastPaymentAt,
    });
  }
}
