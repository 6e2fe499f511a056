import {
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

/**
 * Every merge, kept: who merged which customers into which, when, and what moved (the ids of the
 * payments, payment methods, subscriptions and schedules, and the fields taken from the others).
 * Written in the merge's own transaction.
 */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    survivorId: text('survivor_id').notNull(),
    mergedIds: text('merged_ids').array().notNull(),
    moved: jsonb('moved').$type<Record<string, string[]>>().notNull(),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull().default({}),
    /** The API key (`key_...`) or dashboard user (`usr_...`) that merged them. */
    actor: text('actor'),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'customer_merges_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'customer_merges_survivor_id_fk',
      columns: [table.accountId, table.survivorId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    index('customer_merges_survivor_idx').on(
      table.accountId,
      table.livemode,
      table.survivorId,
      table.createdAt,
    ),
  ],
);
