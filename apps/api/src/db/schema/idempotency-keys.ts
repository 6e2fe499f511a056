import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';

/**
 * The answer to each Idempotency-Key in an account and environment, replayed for 24 hours. A row
 * is written only in the transaction of the request it answers, together with that request's own
 * writes: either both are committed or neither is, so no crash can leave a charge without its
 * answer (which would be charged again on retry) or an answer without its charge.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    ...ownedColumns,
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: text('response_body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.accountId, table.livemode, table.key] }),
    index('idempotency_keys_created_idx').on(table.createdAt),
  ],
);
