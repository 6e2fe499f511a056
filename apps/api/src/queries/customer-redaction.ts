import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import {
  emailIdentity,
  mailboxIdentity,
  personalDataScrubber,
  personalValuesIn,
  personalValuesInChanges,
  redactedCustomerFields,
  type CustomerRedaction,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import {
  auditLog,
  auditLogChanges,
  customers,
  events,
  paymentMethods,
  subscriptions,
} from '../db/schema/index.js';
import { customerColumns, customerMissing, toCustomer, type CustomerRow } from './customers.js';
import {
  eraseAuditValues,
  scrubDeliveryLog,
  scrubEvents,
  scrubIdempotentAnswers,
  scrubPaymentsAndSubscriptions,
} from './customer-erasure.js';
import { detachPaymentMethod } from './payment-methods.js';
import { cancelSchedulesOfCustomer } from './payment-schedules.js';
import { inScope, type Scope } from './scope.js';
import { cancelSubscription } from './subscriptions.js';

/**
 * Erase a customer's personal data for good (GDPR article 17), in one transaction that locks the
 * customer first (as every transaction touching a customer and its cards does):
 * - the customer's name, email, phone, description and metadata become placeholders, and so do the
 *   keys search and the duplicate finder read (search_text follows the columns);
 * - their cards are detached, subscriptions canceled (`requested`) and schedules' remaining items
 *   canceled, by the same functions as the API's own calls, with their events;
 * - payments keep amount, currency, status and dates; any of the customer's values inside a
 *   payment's (or subscription's) description or metadata is replaced by `[redacted]`;
 * - the values are taken out of everything else the API can read back: the customer's events, the
 *   stored answers of Idempotency-Keys that name the customer, the delivery log's response
 *   excerpts, and their audit entries' values (the entries stay, answering `changes: null`).
 * The values erased are the customer's current ones and every older one their events and audit
 * entries still show (a name changed last week is erased too).
 *
 * Redacting a redacted customer changes nothing and answers the first `redactedAt`; unless personal
 * data was written to it since (an update), which is then erased like the first time.
 */
export async function redactCustomer(
  db: Executor,
  scope: Scope,
  id: string,
  outbox: Outbox,
  at = new Date(),
): Promise<CustomerRedaction> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ ...customerColumns, redactedAt: customers.redactedAt })
      .from(customers)
      .where(and(eq(customers.id, id), inScope(customers, scope)))
      .for('update');
    if (!current) throw customerMissing(id);
    if (current.redactedAt && holdsPlaceholders(current)) {
      return answer(current, current.redactedAt);
    }

    const scrubber = personalDataScrubber(id, await personalValuesOf(tx, scope, current));
    const redacted = await writePlaceholders(tx, scope, id, at);
    await endRelationships(tx, scope, id, at, outbox);
    // Tells webhook consumers that mirror customers to drop their copy; no previousAttributes,
    // since the values before are what is being erased.
    await outbox.record(tx, scope, [
      { type: 'customer.updated', object: toCustomer(redacted), customerId: id },
    ]);
    await scrubPaymentsAndSubscriptions(tx, scope, id, scrubber);
    await scrubEvents(tx, scope, id, scrubber);
    await scrubIdempotentAnswers(tx, scope, id, scrubber);
    await scrubDeliveryLog(tx, scope, id, scrubber);
    // Last, so the values of every entry written above (the outbox's) go too.
    await eraseAuditValues(tx, scope, id);
    // The names of the fields erased, never their values.
    await outbox.audit(tx, scope, [
      {
        action: 'customer.redacted',
        objectId: id,
        customerId: id,
        before: toCustomer(current),
        after: toCustomer(redacted),
        withoutValues: true,
      },
    ]);
    return answer(redacted, at);
  });
}

function holdsPlaceholders(row: CustomerRow): boolean {
  const placeholders = redactedCustomerFields(row.id);
  return (
    row.name === placeholders.name &&
    row.email === placeholders.email &&
    row.phone === null &&
    row.description === null &&
    Object.keys(row.metadata).length === 0
  );
}

function answer(row: CustomerRow, redactedAt: Date): CustomerRedaction {
  return {
    object: 'customer_redaction',
    customer: toCustomer(row),
    redactedAt: redactedAt.toISOString(),
  };
}

/** The customer's current values, and the older ones their events and audit values show. */
async function personalValuesOf(tx: Executor, scope: Scope, current: CustomerRow) {
  const values = personalValuesIn({ ...toCustomer(current) }, current.id);
  const eventRows = await tx
    .select({ data: events.data })
    .from(events)
    .where(
      and(
        inScope(events, scope),
        eq(events.customerId, current.id),
        sql`${events.type} like 'customer.%'`,
      ),
    );
  for (const row of eventRows) personalValuesIn(row.data, current.id, values);
  // The entries about the customer object itself: a payment's entry names the customer too, but
  // its description and metadata are the payment's.
  const changeRows = await tx
    .select({ changes: auditLogChanges.changes })
    .from(auditLogChanges)
    .innerJoin(
      auditLog,
      and(
        eq(auditLogChanges.accountId, auditLog.accountId),
        eq(auditLogChanges.entryId, auditLog.id),
      ),
    )
    .where(
      and(
        eq(auditLog.accountId, scope.accountId),
        eq(auditLog.customerId, current.id),
        eq(auditLog.objectId, current.id),
      ),
    );
  for (const row of changeRows) personalValuesInChanges(row.changes, values);
  return values;
}

async function writePlaceholders(tx: Executor, scope: Scope, id: string, at: Date) {
  const placeholders = redactedCustomerFields(id);
  const [row] = await tx
    .update(customers)
    .set({
      ...placeholders,
      emailIdentity: emailIdentity(placeholders.email),
      mailboxIdentity: mailboxIdentity(placeholders.email),
      // Unique, and never a nameKey of a real name (those hold no colon): redacted customers are
      // nobody's duplicates, not even each other's.
      nameKey: `redacted:${id}`,
      defaultPaymentMethodId: null,
      redactedAt: at,
      updatedAt: sql`now()`,
    })
    .where(and(eq(customers.id, id), inScope(customers, scope)))
    .returning(customerColumns);
  if (!row) throw customerMissing(id);
  return row;
}

/** Cards detached, subscriptions canceled, schedules' remaining items canceled, with events. */
async function endRelationships(tx: Executor, scope: Scope, id: string, at: Date, outbox: Outbox) {
  const cards = await tx
    .select({ id: paymentMethods.id })
    .from(paymentMethods)
    .where(
      and(
        inScope(paymentMethods, scope),
        eq(paymentMethods.customerId, id),
        isNull(paymentMethods.detachedAt),
      ),
    );
  for (const card of cards) await detachPaymentMethod(tx, scope, card.id, outbox);
  const running = await tx
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        inScope(subscriptions, scope),
        eq(subscriptions.customerId, id),
        ne(subscriptions.status, 'canceled'),
      ),
    );
  for (const subscription of running) {
    await cancelSubscription(tx, scope, subscription.id, at, outbox);
  }
  const schedules = await cancelSchedulesOfCustomer(tx, scope, id, at);
  await outbox.record(
    tx,
    scope,
    schedules.map((object) => ({
      type: 'payment_schedule.canceled' as const,
      object,
      customerId: id,
    })),
  );
}
