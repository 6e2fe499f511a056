import { sql, type SQL } from 'drizzle-orm';
import {
  newId,
  previousAttributes,
  TEST_EVENT_TYPE,
  type AuditActor,
  type EventType,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { Scope } from '../queries/scope.js';
import { auditOfChange, auditRows, type AuditRecord, type AuditScope } from './audit.js';

export type { AuditRecord, AuditScope } from './audit.js';

/**
 * Where a change came from: the API request (its id, Idempotency-Key, caller and address), or
 * none for billing, whose actor is the system.
 */
export interface EventOrigin {
  requestId: string | null;
  idempotencyKey: string | null;
  /** Who made the change, for its audit entries. */
  actor: AuditActor;
  clientIp: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null };

export const BILLING_ORIGIN: EventOrigin = {
  requestId: null,
  idempotencyKey: null,
  actor: SYSTEM_ACTOR,
  clientIp: null,
};

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
 * The two inserts of an audit write, as CTEs reading the rows `r` (`aud_id`, `aud_object`,
 * `customer_id`, `aud_fields`, `aud_changes`, `ord`; none for a row whose `aud_id` is null): the
 * entries, and the values apart (audit-log.ts). `action` is the column naming each entry's action.
 * recordEvents and recordAudit both end in them, so an entry is written one way only.
 */
function auditInserts(scope: AuditScope, origin: EventOrigin, action: SQL) {
  return sql`audited as (
      insert into audit_log
        (id, account_id, livemode, actor_type, actor_id, action, object_id, customer_id, fields,
          request_id, client_ip, created_at)
      select r.aud_id, ${scope.accountId}, ${scope.livemode}, ${origin.actor.type},
        ${origin.actor.id}, ${action}, r.aud_object, r.customer_id, r.aud_fields,
        ${origin.requestId}, ${origin.clientIp}, clock_timestamp() + r.ord * interval '1 microsecond'
      from r where r.aud_id is not null
    ), kept as (
      insert into audit_log_changes (entry_id, account_id, customer_id, changes)
      select r.aud_id, ${scope.accountId}, r.customer_id, r.aud_changes::jsonb
      from r where r.aud_changes is not null
    )`;
}

/**
 * Write `changes` as events, in the caller's transaction (the transactional outbox): the change
 * and its events commit together or not at all. The same statement writes each change's audit
 * entry (who, from where, which fields, their values as they may be kept: see audit.ts), queues
 * one delivery per event for every enabled endpoint subscribed to its type, and wakes the delivery
 * workers at commit. One round trip, whatever the number of events and endpoints. Answers the
 * events' ids, in order.
 *
 * A test event goes to no one here, not even to `*`, and is no change to audit: it is queued to
 * the one endpoint it tests.
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
  // instead of nine parameters a row for Drizzle to build and the server to bind. A row carries
  // its event and its audit entry (`aud_*` null for a test event).
  const rows = JSON.stringify(
    changes.map((change, index) => {
      const audit = auditOfChange(change);
      return {
        id: ids[index],
        type: change.type,
        customer_id: change.customerId,
        data: change.previousAttributes
          ? { object: change.object, previousAttributes: change.previousAttributes }
          : { object: change.object },
        ord: index,
        ...(audit && {
          aud_id: newId('auditEntry'),
          aud_object: change.object.id,
          aud_fields: audit.fields,
          aud_changes: audit.fields.length > 0 ? audit.changes : null,
        }),
      };
    }),
  );
  await db.execute(sql`
    with r as materialized (
      select * from json_to_recordset(${rows}::json) as r(id text, type text, customer_id text,
        data json, ord int, aud_id text, aud_object text, aud_fields text[], aud_changes json)
    ), inserted as (
      insert into events
        (id, account_id, livemode, type, customer_id, data, request_id, idempotency_key,
          created_at)
      -- One statement's rows could share a clock reading: a microsecond apiece keeps their order.
      select r.id, ${scope.accountId}, ${scope.livemode}, r.type, r.customer_id, r.data,
        ${origin.requestId}, ${origin.idempotencyKey},
        clock_timestamp() + r.ord * interval '1 microsecond'
      from r
      returning id, account_id, livemode, type
    ), ${auditInserts(scope, origin, sql`r.type`)}, queued as (
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
 * Write audit entries of changes that have no event (API keys, webhook endpoints, dashboard
 * users, an erasure), in the caller's transaction: one statement, one JSON parameter. `scope`'s
 * livemode is null for account-wide objects (dashboard users). Answers the entries' ids, in order.
 */
export async function recordAudit(
  db: Executor,
  scope: AuditScope,
  origin: EventOrigin,
  records: readonly AuditRecord[],
): Promise<string[]> {
  if (records.length === 0) return [];
  const entries = auditRows(records);
  await db.execute(sql`
    with r as materialized (
      select * from json_to_recordset(${JSON.stringify(entries)}::json) as r(aud_id text,
        aud_action text, aud_object text, customer_id text, aud_fields text[], aud_changes json,
        ord int)
    ), ${auditInserts(scope, origin, sql`r.aud_action`)}
    select 1
  `);
  return entries.map((entry) => entry.aud_id);
}

/**
 * What a request's procedures use to record their changes: the request's origin filled in.
 * `enabled: false` exists for the benchmark alone, to measure what the outbox row costs.
 */
export interface Outbox {
  /**
   * Record changes as events and audit entries. Answers the recorded events' ids (none when
   * events are switched off).
   */
  record(db: Executor, scope: Scope, changes: readonly Change[]): Promise<string[]>;
  /** Record changes that have no event in the audit log alone. Answers the entries' ids. */
  audit(db: Executor, scope: AuditScope, records: readonly AuditRecord[]): Promise<string[]>;
}

export function outboxFor(origin: EventOrigin, enabled = true): Outbox {
  return {
    record: (db, scope, changes) =>
      enabled ? recordEvents(db, scope, origin, changes) : Promise.resolve([]),
    audit: (db, scope, records) => recordAudit(db, scope, origin, records),
  };
}
