import { sql } from 'drizzle-orm';
import { newId, previousAttributes, TEST_EVENT_TYPE, type EventType } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { Scope } from '../queries/scope.js';

/** Where a change came from: the API request (and its Idempotency-Key), or none for billing. */
export interface EventOrigin {
  requestId: string | null;
  idempotencyKey: string | null;
}

export const BILLING_ORIGIN: EventOrigin = { requestId: null, idempotencyKey: null };

/** One change to record: the object as the API answers it after the change. */
export interface Change {
  type: EventType;
  object: { id: string } & object;
  /** On `*.updated`: the changed fields' values before (see domain previousAttributes). */
  previousAttributes?: Record<string, unknown>;
  /** The customer the change is about, for that customer's timeline. */
  customerId: string | null;
}

/**
 * An `*.updated` change: the object after, with the changed fields' old values; none at all when
 * nothing the API shows changed (an update that changes nothing is not a change).
 */
export function updateOf(
  type: Extract<EventType, `${string}.updated`>,
  before: { id: string } & object,
  after: { id: string } & object,
  customerId: string | null,
): Change[] {
  const previous = previousAttributes(before, after);
  if (Object.keys(previous).length === 0) return [];
  return [{ type, object: after, previousAttributes: previous, customerId }];
}

/** Deliveries are waiting: sent at commit (PostgreSQL delivers a NOTIFY only then), never before. */
export const WEBHOOK_DELIVERIES_CHANNEL = 'webhook_deliveries';

/**
 * Write `changes` as events, in the caller's transaction (the transactional outbox): the change
 * and its events commit together or not at all. The same statement queues one delivery per event
 * for every enabled endpoint subscribed to its type, and wakes the delivery workers at commit. One
 * round trip, whatever the number of events and endpoints. Answers the events' ids, in order.
 *
 * A test event goes to no one here, not even to `*`: it is queued to the one endpoint it tests.
 */
export async function recordEvents(
  db: Executor,
  scope: Scope,
  origin: EventOrigin,
  changes: readonly Change[],
): Promise<string[]> {
  if (changes.length === 0) return [];
  const ids = changes.map(() => newId('event'));
  // All rows as one JSON parameter: one statement text and one bound value however many events,
  // instead of nine parameters a row for Drizzle to build and the server to bind.
  const rows = JSON.stringify(
    changes.map((change, index) => ({
      id: ids[index],
      type: change.type,
      customer_id: change.customerId,
      data: change.previousAttributes
        ? { object: change.object, previousAttributes: change.previousAttributes }
        : { object: change.object },
      ord: index,
    })),
  );
  await db.execute(sql`
    with inserted as (
      insert into events
        (id, account_id, livemode, type, customer_id, data, request_id, idempotency_key,
          created_at)
      -- One statement's rows could share a clock reading: a microsecond apiece keeps their order.
      select r.id, ${scope.accountId}, ${scope.livemode}, r.type, r.customer_id, r.data,
        ${origin.requestId}, ${origin.idempotencyKey},
        clock_timestamp() + r.ord * interval '1 microsecond'
      from json_to_recordset(${rows}::json)
        as r(id text, type text, customer_id text, data json, ord int)
      returning id, account_id, livemode, type
    ), queued as (
      insert into webhook_deliveries
        (account_id, livemode, event_id, endpoint_id, origin, status, next_attempt_at)
      select e.account_id, e.livemode, e.id, endpoint.id, 'event', 'pending', now()
      from inserted e
      join webhook_endpoints endpoint
        on endpoint.account_id = e.account_id
        and endpoint.livemode = e.livemode
        and endpoint.status = 'enabled'
        and e.type <> ${TEST_EVENT_TYPE}
        and (endpoint.enabled_events @> array['*'] or e.type = any(endpoint.enabled_events))
      returning 1
    )
    select pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, '') from (select 1 from queued limit 1) as any_queued
  `);
  return ids;
}

/**
 * What a request's procedures use to record their changes: the request's origin filled in.
 * `enabled: false` exists for the benchmark alone, to measure what the outbox row costs.
 */
export interface Outbox {
  /** Answers the recorded events' ids (none when events are switched off). */
  record(db: Executor, scope: Scope, changes: readonly Change[]): Promise<string[]>;
}

export function outboxFor(origin: EventOrigin, enabled = true): Outbox {
  return {
    record: (db, scope, changes) =>
      enabled ? recordEvents(db, scope, origin, changes) : Promise.resolve([]),
  };
}
