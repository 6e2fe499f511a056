import { and, eq, sql } from 'drizzle-orm';
import type { personalDataScrubber } from '@peasswap/domain';
import { rowsOf, type Executor } from '../db/client.js';
import { auditLogChanges, events, payments, subscriptions } from '../db/schema/index.js';
import { inScope, type Scope } from './scope.js';

/**
 * Where a redacted customer's personal values can still rest besides their own row, and the
 * statements that take them out (customer-redaction.ts calls them in its transaction). Each reads
 * the customer's rows in one statement and writes back only those that changed, in one more.
 */

export type Scrubber = ReturnType<typeof personalDataScrubber>;

/** `UPDATE ... FROM json_to_recordset`: every changed row in one statement. */
async function updateEach(
  tx: Executor,
  statement: (rows: string) => ReturnType<typeof sql>,
  rows: object[],
) {
  if (rows.length > 0) await tx.execute(statement(JSON.stringify(rows)));
}

export async function scrubPaymentsAndSubscriptions(
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
      where payments.account_id = ${scope.accountId} and payments.id = r.id`,
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
      where subscriptions.account_id = ${scope.accountId} and subscriptions.id = r.id`,
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
export async function scrubEvents(tx: Executor, scope: Scope, id: string, scrubber: Scrubber) {
  const rows = await tx
    .select({ id: events.id, data: events.data })
    .from(events)
    .where(and(inScope(events, scope), eq(events.customerId, id)));
  await updateEach(
    tx,
    (changed) => sql`
      update events set data = r.data
      from json_to_recordset(${changed}::json) as r(id text, data json)
      where events.account_id = ${scope.accountId} and events.id = r.id`,
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
export async function scrubIdempotentAnswers(
  tx: Executor,
  scope: Scope,
  id: string,
  scrubber: Scrubber,
) {
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
export async function scrubDeliveryLog(tx: Executor, scope: Scope, id: string, scrubber: Scrubber) {
  const rows = rowsOf<{ id: string; excerpt: string | null; error: string | null }>(
    await tx.execute(sql`
      select attempt.id, attempt.response_excerpt as excerpt, attempt.error
      from webhook_delivery_attempts attempt
      join events event on event.account_id = attempt.account_id and event.id = attempt.event_id
      where event.account_id = ${scope.accountId} and event.livemode = ${scope.livemode}
        and event.customer_id = ${id}
        and (attempt.response_excerpt is not null or attempt.error is not null)`),
  );
  await updateEach(
    tx,
    (changed) => sql`
      update webhook_delivery_attempts set response_excerpt = r.excerpt, error = r.error
      from json_to_recordset(${changed}::json) as r(id text, excerpt text, error text)
      where webhook_delivery_attempts.account_id = ${scope.accountId} and webhook_delivery_attempts.id = r.id`,
    rows.flatMap((row) => {
      const excerpt = row.excerpt === null ? null : scrubber.text(row.excerpt);
      const error = row.error === null ? null : scrubber.text(row.error);
      return excerpt === row.excerpt && error === row.error ? [] : [{ id: row.id, excerpt, error }];
    }),
  );
}

/**
 * The customer's audit values. A values row carries its entry's customer (both are written from
 * the same value in one statement, outbox.ts), so the customer index finds them alone.
 */
const ofCustomerAudit = (scope: Scope, id: string) =>
  and(eq(auditLogChanges.accountId, scope.accountId), eq(auditLogChanges.customerId, id));

/** DELETE is the one write the append-only trigger allows on audit values, for this. */
export async function eraseAuditValues(tx: Executor, scope: Scope, id: string) {
  await tx.delete(auditLogChanges).where(ofCustomerAudit(scope, id));
}
