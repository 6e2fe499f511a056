import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import {
  emailIdentity,
  mailboxIdentity,
  personalDataScrubber,
  personalValuesIn,
  personalValuesInChanges,
  redactedCustomerFields,
  type CustomerRedaction,
} from '@peasswap/domain';
import { rowsOf, type Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import {
  auditLog,
  auditLogChanges,
  customers,
  events,
  paymentMethods,
  payments,
  subscriptions,
} from '../db/schema/index.js';
import { customerColumns, customerMissing, toCustomer, type CustomerRow } from './customers.js';
import { detachPaymentMethod } from './payment-methods.js';
import { cancelSchedulesOfCustomer } from './payment-schedules.js';
import { inScope, type Scope } from './scope.js';
import { cancelSubscription } from './subscriptions.js';

type Scrubber = ReturnType<typeof personalDataScrubber>;

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
 * Redacting a redacted customer changes nothing and answers the first `redactedAt`.
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
    if (current.redactedAt) return answer(current, current.redactedAt);

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
    .innerJoin(auditLog, eq(auditLog.id, auditLogChanges.entryId))
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

/** `UPDATE ... FROM json_to_recordset`: every changed row in one statement. */
async function updateEach(
  tx: Executor,
  statement: (rows: string) => ReturnType<typeof sql>,
  rows: object[],
) {
  if (rows.length > 0) await tx.execute(statement(JSON.stringify(rows)));
}

async function scrubPaymentsAndSubscriptions(
  tx: Executor,
  scope: Scope,
  id: string,
  scrubber: Scrubber,
) {
  const paymentRows = await tx
    .select({ id: payments.id, description: payments.description, metadata: payments.metadata })
    .from(payments)
    .where(and(inScope(payments, scope), eq(payments.customerId, id)));
  const changedPayments = paymentRows.flatMap((row) => {
    const description = row.description === null ? null : scrubber.text(row.description);
    const metadata = scrubber.scrub(row.metadata);
    return description === row.description && sameJson(metadata, row.metadata)
      ? []
      : [{ id: row.id, description, metadata }];
  });
  await updateEach(
    tx,
    (rows) => sql`
      update payments set description = r.description, metadata = r.metadata
      from json_to_recordset(${rows}::json) as r(id text, description text, metadata jsonb)
      where payments.id = r.id`,
    changedPayments,
  );
  const subscriptionRows = await tx
    .select({ id: subscriptions.id, metadata: subscriptions.metadata })
    .from(subscriptions)
    .where(and(inScope(subscriptions, scope), eq(subscriptions.customerId, id)));
  await updateEach(
    tx,
    (rows) => sql`
      update subscriptions set metadata = r.metadata
      from json_to_recordset(${rows}::json) as r(id text, metadata jsonb)
      where subscriptions.id = r.id`,
    subscriptionRows.flatMap((row) => {
      const metadata = scrubber.scrub(row.metadata);
      return sameJson(metadata, row.metadata) ? [] : [{ id: row.id, metadata }];
    }),
  );
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The customer's events (events are not append-only: they are the API's record of changes, and
 * what they say about a person must go with the person). `data` is rewritten as JSON text in the
 * order it was written.
 */
async function scrubEvents(tx: Executor, scope: Scope, id: string, scrubber: Scrubber) {
  const rows = await tx
    .select({ id: events.id, data: events.data })
    .from(events)
    .where(and(inScope(events, scope), eq(events.customerId, id)));
  await updateEach(
    tx,
    (changed) => sql`
      update events set data = r.data
      from json_to_recordset(${changed}::json) as r(id text, data json)
      where events.id = r.id`,
    rows.flatMap((row) => {
      const data = scrubber.scrub(row.data);
      return sameJson(data, row.data) ? [] : [{ id: row.id, data }];
    }),
  );
}

/**
 * Stored answers that name the customer (its creation, updates, errors naming it, ...), rewritten
 * with the placeholders: a retry still replays an answer, only without the erased values.
 */
async function scrubIdempotentAnswers(tx: Executor, scope: Scope, id: string, scrubber: Scrubber) {
  const rows = rowsOf<{ key: string; body: string }>(
    await tx.execute(sql`
      select key, response_body as body from idempotency_keys
      where account_id = ${scope.accountId} and livemode = ${scope.livemode}
        and strpos(response_body, ${id}) > 0`),
  );
  await updateEach(
    tx,
    (changed) => sql`
      update idempotency_keys set response_body = r.body
      from json_to_recordset(${changed}::json) as r(key text, body text)
      where idempotency_keys.account_id = ${scope.accountId}
        and idempotency_keys.livemode = ${scope.livemode}
        and idempotency_keys.key = r.key`,
    rows.flatMap((row) => {
      const body = scrubbedText(row.body, scrubber);
      return body === row.body ? [] : [{ key: row.key, body }];
    }),
  );
}

function scrubbedText(stored: string, scrubber: Scrubber): string {
  try {
    return JSON.stringify(scrubber.scrub(JSON.parse(stored)));
  } catch {
    return scrubber.text(stored);
  }
}

/**
 * The delivery log keeps no payload (deliveries are signed from `events.data` when sent), but an
 * attempt keeps an excerpt of the receiver's answer and the error, which may echo the payload.
 */
async function scrubDeliveryLog(tx: Executor, scope: Scope, id: string, scrubber: Scrubber) {
  const rows = rowsOf<{ id: string; excerpt: string | null; error: string | null }>(
    await tx.execute(sql`
      select attempt.id, attempt.response_excerpt as excerpt, attempt.error
      from webhook_delivery_attempts attempt
      join events event on event.id = attempt.event_id
      where event.account_id = ${scope.accountId} and event.livemode = ${scope.livemode}
        and event.customer_id = ${id}
        and (attempt.response_excerpt is not null or attempt.error is not null)`),
  );
  await updateEach(
    tx,
    (changed) => sql`
      update webhook_delivery_attempts set response_excerpt = r.excerpt, error = r.error
      from json_to_recordset(${changed}::json) as r(id text, excerpt text, error text)
      where webhook_delivery_attempts.id = r.id`,
    rows.flatMap((row) => {
      const excerpt = row.excerpt === null ? null : scrubber.text(row.excerpt);
      const error = row.error === null ? null : scrubber.text(row.error);
      return excerpt === row.excerpt && error === row.error ? [] : [{ id: row.id, excerpt, error }];
    }),
  );
}

/** The customer's audit values: rows naming them, and rows of entries naming them. */
const ofCustomerAudit = (scope: Scope, id: string) =>
  and(
    eq(auditLogChanges.accountId, scope.accountId),
    or(
      eq(auditLogChanges.customerId, id),
      inArray(
        auditLogChanges.entryId,
        sql`(select ${auditLog.id} from ${auditLog} where ${and(
          eq(auditLog.accountId, scope.accountId),
          eq(auditLog.customerId, id),
        )})`,
      ),
    ),
  );

/** DELETE is the one write the append-only trigger allows on audit values, for this. */
async function eraseAuditValues(tx: Executor, scope: Scope, id: string) {
  await tx.delete(auditLogChanges).where(ofCustomerAudit(scope, id));
}
