import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { events } from './events.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Where a merchant wants events sent. `secret` signs every delivery; it has to be kept to sign, so
 * it is (like Stripe's), but it is only ever answered at creation and on a roll, and never logged.
 * A rolled secret stays in `previous_secret` and signs beside the new one until
 * `previous_secret_expires_at`. `failing_since` is when its current streak of failed deliveries
 * began (null after a success): 3 days of it disables the endpoint.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    url: text('url').notNull(),
    enabledEvents: text('enabled_events').array().notNull(),
    description: text('description'),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    disabledReason: text('disabled_reason', { enum: ['requested', 'failing', 'gone'] }),
    disabledAt: at('disabled_at'),
    failingSince: at('failing_since'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'webhook_endpoints_pkey', columns: [table.accountId, table.id] }),
    index('webhook_endpoints_created_idx').on(
      table.accountId,
      table.livemode,
      table.createdAt,
      table.id,
    ),
    // The outbox's fan-out: an account's enabled endpoints, read with every change.
    index('webhook_endpoints_enabled_idx')
      .on(table.accountId, table.livemode)
      .where(sql`${table.status} = 'enabled'`),
    check('webhook_endpoints_status_check', sql`${table.status} in ('enabled', 'disabled')`),
    check(
      'webhook_endpoints_disabled_has_reason',
      sql`(${table.status} = 'disabled') = (${table.disabledReason} is not null)`,
    ),
  ],
);

/**
 * One event to be delivered to one endpoint: the delivery queue. The outbox inserts these in the
 * change's transaction, one per subscribed endpoint (unique per event and endpoint), so a change
 * that commits is always delivered. `next_attempt_at` is when a worker may next take it: claiming
 * moves it a lease ahead, so a worker killed mid-delivery leaves it to be taken again when the
 * lease ends (at least once). Null once it succeeded or failed for good. A redelivery or a test
 * event is a delivery of its own (`origin`), with its own schedule.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    ...ownedColumns,
    eventId: text('event_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    origin: text('origin', { enum: ['event', 'redelivery', 'test'] }).notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: at('next_attempt_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'webhook_deliveries_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'webhook_deliveries_event_id_fk',
      columns: [table.accountId, table.eventId],
      foreignColumns: [events.accountId, events.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'webhook_deliveries_endpoint_id_fk',
      columns: [table.accountId, table.endpointId],
      foreignColumns: [webhookEndpoints.accountId, webhookEndpoints.id],
    }).onDelete('cascade'),
    uniqueIndex('webhook_deliveries_event_endpoint_key')
      .on(table.accountId, table.eventId, table.endpointId)
      .where(sql`${table.origin} = 'event'`),
    // The queue: only what is still to be delivered, in the order it is due.
    index('webhook_deliveries_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(table.endpointId),
    index('webhook_deliveries_event_idx').on(table.eventId),
    check(
      'webhook_deliveries_status_check',
      sql`${table.status} in ('pending', 'succeeded', 'failed')`,
    ),
    check(
      'webhook_deliveries_pending_is_due',
      sql`(${table.status} = 'pending') = (${table.nextAttemptAt} is not null)`,
    ),
  ],
);

/**
 * The delivery log: one row per HTTP attempt, written in the same transaction that moves its
 * delivery on (unique per delivery and attempt number, so a slow worker whose lease ran out cannot
 * record the same attempt twice). Kept as long as its event (30 days).
 */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    attempt: integer('attempt').notNull(),
    succeeded: boolean('succeeded').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    responseExcerpt: text('response_excerpt'),
    nextRetryAt: at('next_retry_at'),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    primaryKey({ name: 'webhook_delivery_attempts_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'webhook_delivery_attempts_delivery_id_fk',
      columns: [table.accountId, table.deliveryId],
      foreignColumns: [webhookDeliveries.accountId, webhookDeliveries.id],
    }).onDelete('cascade'),
    uniqueIndex('webhook_delivery_attempts_delivery_attempt_key').on(
      table.accountId,
      table.deliveryId,
      table.attempt,
    ),
    index('webhook_delivery_attempts_endpoint_created_idx').on(
      table.accountId,
      table.livemode,
      table.endpointId,
      table.createdAt,
      table.id,
    ),
  ],
);
