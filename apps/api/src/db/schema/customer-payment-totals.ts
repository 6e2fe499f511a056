import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

/**
 * Customer analytics, kept exact as payments arrive: one row per customer and currency, updated in
 * the payment's own transaction (INSERT ... ON CONFLICT DO UPDATE takes the row lock, so concurrent
 * payments never lose an update). Reading analytics is then one indexed lookup, whatever the number
 * of payments. `total` is numeric: sums may pass what a bigint-free client can count exactly.
 */
export const customerPaymentTotals = pgTable(
  'customer_payment_totals',
  {
    ...ownedColumns,
    customerId: text('customer_id').notNull(),
    currency: text('currency').notNull(),
    succeededCount: bigint('succeeded_count', { mode: 'bigint' }).notNull(),
    total: numeric('total', { precision: 38, scale: 0 }).notNull(),
    lastPaymentAt: timestamp('last_payment_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.accountId, table.livemode, table.customerId, table.currency] }),
    foreignKey({
      name: 'customer_payment_totals_customer_id_fk',
      columns: [table.accountId, table.customerId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    check(
      'customer_payment_totals_nonnegative',
      sql`${table.succeededCount} >= 0 and ${table.total} >= 0`,
    ),
  ],
);
