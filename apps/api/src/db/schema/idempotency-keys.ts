import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';

/**
 * One row per Idempotency-Key in an account and environment. The row is claimed (inserted) before
 * the request runs, so a concurrent duplicate finds it and is refused; the response is stored when
 * the request finishes and replayed for 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    ...ownedColumns,
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.accountId, table.livemode, table.key] }),
    index('idempotency_keys_created_idx').on(table.createdAt),
    check('idempotency_keys_state_check', sql`${table.state} in ('in_progress', 'completed')`),
  ],
);
