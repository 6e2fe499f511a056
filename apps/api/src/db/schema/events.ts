import { sql } from 'drizzle-orm';
import { index, json, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';

/**
 * The transactional outbox: one row per change, inserted by the change's own transaction (see
 * events/outbox.ts), so a change and its event commit together or not at all. `data` is the event's
 * `data` exactly as it is answered and delivered. `created_at` is the clock at the insert, not the
 * transaction's start, so a transaction's events keep their order.
 *
 * Indexes, one per read: the newest-first list, filtered by type, and a customer's timeline; the
 * purge of events older than 30 days reads `created_at` alone.
 */
export const events = pgTable(
  'events',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    type: text('type').notNull(),
    /** The customer the event is about (its own change, or its payment's, card's, ...). */
    customerId: text('customer_id'),
    // json, not jsonb: kept as written, so a delivery's body lists fields in the API's order.
    data: json('data')
      .$type<{ object: Record<string, unknown>; previousAttributes?: Record<string, unknown> }>()
      .notNull(),
    requestId: text('request_id'),
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (table) => [
    primaryKey({ name: 'events_pkey', columns: [table.accountId, table.id] }),
    index('events_created_idx').on(table.accountId, table.livemode, table.createdAt, table.id),
    index('events_type_created_idx').on(
      table.accountId,
      table.livemode,
      table.type,
      table.createdAt,
      table.id,
    ),
    index('events_customer_created_idx')
      .on(table.accountId, table.livemode, table.customerId, table.createdAt, table.id)
      .where(sql`${table.customerId} is not null`),
    index('events_purge_idx').on(table.createdAt),
  ],
);
