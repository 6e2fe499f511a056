import { and, desc, eq } from 'drizzle-orm';
import {
  withoutCardFingerprints,
  type AuditEntry,
  type CustomerExport,
  type ExportedPaymentMethod,
  type PaymentSchedule,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import {
  auditLog,
  auditLogChanges,
  customers,
  events,
  paymentMethods,
  payments,
  subscriptions,
} from '../db/schema/index.js';
import { customerColumns, customerMissing, toCustomer } from './customers.js';
import { entryColumns, inAuditScope, toAuditEntry } from './audit-log.js';
import { toEvent } from './events.js';
import { listPaymentSchedules } from './payment-schedules.js';
import { paymentColumns, toPayment } from './payments.js';
import { inScope, type Scope } from './scope.js';
import { subscriptionColumns, toSubscription } from './subscriptions.js';

/**
 * Everything held about one customer (GDPR articles 15 and 20), whatever became of them: deleted,
 * merged and redacted customers are exported too (retrieve answers 404 for the first two).
 *
 * One statement a section, each a set (no statement per payment or event), read in one
 * repeatable-read transaction so the sections agree with one another. No cap: a customer's rows
 * are what one person accumulates (their events are kept 30 days); a customer with 100,000
 * payments is a ~50 MB answer, which is the document they are owed.
 */
export async function exportCustomerData(
  db: Executor,
  scope: Scope,
  id: string,
  now = new Date(),
): Promise<CustomerExport> {
  return db.transaction(
    async (tx) => {
      const [row] = await tx
        .select({
          ...customerColumns,
          deletedAt: customers.deletedAt,
          mergedInto: customers.mergedInto,
          redactedAt: customers.redactedAt,
        })
        .from(customers)
        .where(and(eq(customers.id, id), inScope(customers, scope)));
      if (!row) throw customerMissing(id);
      const ofCustomer = (table: typeof payments | typeof paymentMethods | typeof events) =>
        and(inScope(table, scope), eq(table.customerId, id));
      const [paymentRows, cardRows, subscriptionRows, schedules, eventRows, auditEntries] =
        await sequential([
          () =>
            tx
              .select(paymentColumns)
              .from(payments)
              .where(ofCustomer(payments))
              .orderBy(desc(payments.createdAt), desc(payments.id)),
          () =>
            tx
              .select(exportedCardColumns)
              .from(paymentMethods)
              .where(ofCustomer(paymentMethods))
              .orderBy(desc(paymentMethods.createdAt), desc(paymentMethods.id)),
          () =>
            tx
              .select(subscriptionColumns)
              .from(subscriptions)
              .where(and(inScope(subscriptions, scope), eq(subscriptions.customerId, id)))
              .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id)),
          () => schedulesOfCustomer(tx, scope, id),
          () =>
            tx
              .select()
              .from(events)
              .where(ofCustomer(events))
              .orderBy(desc(events.createdAt), desc(events.id)),
          () => auditEntriesOfCustomer(tx, scope, id),
        ] as const);
      return {
        object: 'customer_export' as const,
        exportedAt: now.toISOString(),
        customer: {
          ...toCustomer(row),
          deletedAt: row.deletedAt?.toISOString() ?? null,
          mergedInto: row.mergedInto,
          redactedAt: row.redactedAt?.toISOString() ?? null,
        },
        payments: paymentRows.map(toPayment),
        paymentMethods: cardRows.map(toExportedCard),
        subscriptions: subscriptionRows.map(toSubscription),
        schedules,
        events: eventRows.map((event) => withoutCardFingerprints(toEvent(event))),
        auditEntries,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** One statement after another: a transaction's connection runs one at a time anyway. */
async function sequential<T extends readonly (() => Promise<unknown>)[]>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/** What the export keeps of a card: as the API answers it, without the fingerprint. */
const exportedCardColumns = {
  id: paymentMethods.id,
  livemode: paymentMethods.livemode,
  customerId: paymentMethods.customerId,
  type: paymentMethods.type,
  brand: paymentMethods.brand,
  last4: paymentMethods.last4,
  expMonth: paymentMethods.expMonth,
  expYear: paymentMethods.expYear,
  createdAt: paymentMethods.createdAt,
  detachedAt: paymentMethods.detachedAt,
};

function toExportedCard(row: {
  [K in keyof typeof exportedCardColumns]: (typeof paymentMethods.$inferSelect)[K];
}): ExportedPaymentMethod {
  return {
    id: row.id,
    object: 'payment_method',
    type: row.type,
    card: {
      brand: row.brand as ExportedPaymentMethod['card']['brand'],
      last4: row.last4,
      expMonth: row.expMonth,
      expYear: row.expYear,
    },
    customer: row.detachedAt === null ? row.customerId : null,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    detachedAt: row.detachedAt?.toISOString() ?? null,
  };
}

/** The schedules' own list, a page of 100 (items included) per statement. */
async function schedulesOfCustomer(
  db: Executor,
  scope: Scope,
  customerId: string,
): Promise<PaymentSchedule[]> {
  const all: PaymentSchedule[] = [];
  for (;;) {
    const last = all.at(-1);
    const page = await listPaymentSchedules(db, scope, {
      customer: customerId,
      limit: 100,
      ...(last && { startingAfter: last.id }),
    });
    all.push(...page.data);
    if (!page.hasMore) return all;
  }
}

/**
 * The audit entries about the customer, in the caller's environment or account-wide, with their
 * values (null once a redaction erased them).
 */
async function auditEntriesOfCustomer(
  db: Executor,
  scope: Scope,
  customerId: string,
): Promise<AuditEntry[]> {
  const rows = await db
    .select(entryColumns)
    .from(auditLog)
    .leftJoin(
      auditLogChanges,
      and(
        eq(auditLogChanges.accountId, auditLog.accountId),
        eq(auditLogChanges.entryId, auditLog.id),
      ),
    )
    .where(and(inAuditScope(scope), eq(auditLog.customerId, customerId)))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id));
  return rows.map(toAuditEntry);
}
