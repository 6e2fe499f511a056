import { sql, type SQL } from 'drizzle-orm';
import {
  newId,
  previousAttributes,
  TEST_EVENT_TYPE,
  type AuditActor,
  type EventType,
} from '@peasswap/domain';
import { preparedStatement, rowsOf, type Executor } from '../db/client.js';
import { prepared } from '../queries/prepared.js';
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
 * What the outbox's statements bind besides their rows: the values of one request, or the
 * placeholders of a statement built once (BOUND_PLACEHOLDERS) and run with those values.
 */
interface Bound {
  accountId: unknown;
  livemode: unknown;
  requestId: unknown;
  idempotencyKey: unknown;
  actorType: unknown;
  actorId: unknown;
  clientIp: unknown;
}

function bound(scope: AuditScope, origin: EventOrigin) {
  return {
    accountId: scope.accountId,
    livemode: scope.livemode,
    requestId: origin.requestId,
    idempotencyKey: origin.idempotencyKey,
    actorType: origin.actor.type,
    actorId: origin.actor.id,
    clientIp: origin.clientIp,
  } satisfies Bound;
}

/**
 * The placeholders' names in a statement built once: the scope's as queries/prepared.ts
 * SCOPE_PLACEHOLDERS names them, so a write can share them; the rest the outbox's own.
 */
const PLACEHOLDER_NAMES: Record<keyof Bound, string> = {
  accountId: 'accountId',
  livemode: 'livemode',
  requestId: 'outboxRequestId',
  idempotencyKey: 'outboxIdempotencyKey',
  actorType: 'outboxActorType',
  actorId: 'outboxActorId',
  clientIp: 'outboxClientIp',
};

const BOUND_PLACEHOLDERS = Object.fromEntries(
  Object.entries(PLACEHOLDER_NAMES).map(([field, name]) => [field, sql.placeholder(name)]),
) as unknown as Bound;

/** `values` under their placeholders' names, to run a statement built with BOUND_PLACEHOLDERS. */
function placeholderValues(values: Bound): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(PLACEHOLDER_NAMES) as (keyof Bound)[]).map((field) => [
      PLACEHOLDER_NAMES[field],
      values[field],
    ]),
  );
}

/**
 * The two inserts of an audit write, as CTEs reading the rows `r` (`aud_id`, `aud_object`,
 * `customer_id`, `aud_fields`, `aud_changes`, `ord`; none for a row whose `aud_id` is null): the
 * entries, and the values apart (audit-log.ts). `action` is the column naming each entry's action.
 * recordEvents and recordAudit both end in them, so an entry is written one way only.
 */
function auditInserts(values: Bound, action: SQL) {
  return sql`audited as (
      insert into audit_log
        (id, account_id, livemode, actor_type, actor_id, action, object_id, customer_id, fields,
          request_id, client_ip, created_at)
      select r.aud_id, ${values.accountId}, ${values.livemode}, ${values.actorType},
        ${values.actorId}, ${action}, r.aud_object, r.customer_id, r.aud_fields,
        ${values.requestId}, ${values.clientIp},
        clock_timestamp() + r.ord * interval '1 microsecond'
      from r where r.aud_id is not null
    ), kept as (
      insert into audit_log_changes (entry_id, account_id, customer_id, changes)
      select r.aud_id, ${values.accountId}, r.customer_id, r.aud_changes::jsonb
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
  const { ids, rows } = eventRows(changes);
  await db.execute(sql`
    with ${eventWrites(bound(scope, origin), rows)}
    select pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, '') from (select 1 from queued limit 1) as any_queued
  `);
  return ids;
}

/**
 * A hot write that records its changes in the same statement (Outbox.recordWith): an INSERT ...
 * RETURNING built with placeholders (`SCOPE_PLACEHOLDERS` for the scope), and their values.
 */
export interface HotWrite {
  /** Names the statement: one text per key, built once per database handle. */
  key: string;
  build: () => SQL;
  values: Record<string, unknown>;
}

/**
 * Make a change and record it in one statement: the write and the writes of recordEvents as CTEs
 * of one statement, the events only if the write returned a row. Outside a transaction that is one
 * round trip and one implicit transaction instead of four (BEGIN, the write, the events, COMMIT);
 * PostgreSQL still commits all of it or none. The statement is built once per database handle and
 * prepared once per connection; a call binds its values (Drizzle rebuilding this statement's SQL
 * was a sixth of a create's API CPU, and PostgreSQL planning it more than running it). Answers the
 * write's rows, as the driver reads them (snake_case names, unparsed values).
 */
export async function recordEventsWith<Row>(
  db: Executor,
  scope: Scope,
  origin: EventOrigin,
  write: HotWrite,
  changes: readonly Change[],
): Promise<Row[]> {
  const statement = prepared(db, `outbox:${write.key}`, () =>
    preparedStatement(
      db,
      sql`
        with written as (${write.build()}),
        ${eventWrites(BOUND_PLACEHOLDERS, sql.placeholder('outboxRows'), sql`exists (select 1 from written)`)}
        select written.*,
          (select pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, '') from queued limit 1) as woken
        from written
      `,
    ),
  );
  const result = await statement.execute({
    ...write.values,
    ...placeholderValues(bound(scope, origin)),
    outboxRows: eventRows(changes).rows,
  });
  return rowsOf<Row & { woken?: unknown }>(result).map(({ woken: _woken, ...row }) => row as Row);
}

/**
 * All of `changes` as one JSON parameter: one statement text and one bound value however many
 * events, instead of nine parameters a row for Drizzle to build and the server to bind. A row
 * carries its event and its audit entry (`aud_*` null for a test event).
 */
function eventRows(changes: readonly Change[]): { ids: string[]; rows: string } {
  const ids = changes.map(() => newId('event'));
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
  return { ids, rows };
}

/**
 * The CTEs that write the events of `rows` (eventRows), their audit entries and their deliveries,
 * ending in `queued` (one row per delivery). With `onlyIf`, nothing is written unless it holds.
 */
function eventWrites(values: Bound, rows: unknown, onlyIf?: SQL): SQL {
  return sql`r as materialized (
      select * from json_to_recordset(${rows}::json) as r(id text, type text, customer_id text,
        data json, ord int, aud_id text, aud_object text, aud_fields text[], aud_changes json)
      ${onlyIf ? sql`where ${onlyIf}` : sql``}
    ), inserted as (
      insert into events
        (id, account_id, livemode, type, customer_id, data, request_id, idempotency_key,
          created_at)
      -- One statement's rows could share a clock reading: a microsecond apiece keeps their order.
      select r.id, ${values.accountId}, ${values.livemode}, r.type, r.customer_id, r.data,
        ${values.requestId}, ${values.idempotencyKey},
        clock_timestamp() + r.ord * interval '1 microsecond'
      from r
      returning id, account_id, livemode, type
    ), ${auditInserts(values, sql`r.type`)}, queued as (
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
    )`;
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
    ), ${auditInserts(bound(scope, origin), sql`r.aud_action`)}
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
  /**
   * Run `write` (an INSERT ... RETURNING) and record `changes` in the same statement, only if it
   * returned a row (recordEventsWith). Answers its rows as the driver reads them.
   */
  recordWith<Row>(
    db: Executor,
    scope: Scope,
    write: HotWrite,
    changes: readonly Change[],
  ): Promise<Row[]>;
}

export function outboxFor(origin: EventOrigin, enabled = true): Outbox {
  return {
    record: (db, scope, changes) =>
      enabled ? recordEvents(db, scope, origin, changes) : Promise.resolve([]),
    audit: (db, scope, records) => recordAudit(db, scope, origin, records),
    recordWith: async <Row>(
      db: Executor,
      scope: Scope,
      write: HotWrite,
      changes: readonly Change[],
    ) =>
      enabled
        ? recordEventsWith<Row>(db, scope, origin, write, changes)
        : rowsOf<Row>(
            await prepared(db, `write:${write.key}`, () =>
              preparedStatement(db, write.build()),
            ).execute({ ...write.values, ...scope }),
          ),
  };
}
