import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

/**
 * Payments keep `customer_id` for good: a customer is only ever soft-deleted, so history stays
 * attached. Indexes serve the two lists, newest first: the account's payments, and one customer's.
 */
export const payments = pgTable(
  'payments',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    customerId: text('customer_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    paymentMethodId: text('payment_method_id'),
    status: text('status', { enum: ['succeeded', 'failed'] }).notNull(),
    failureCode: text('failure_code'),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** Set on payments made by billing: the subscription or schedule, and the attempt it was. */
    subscriptionId: text('subscription_id'),
    paymentScheduleId: text('payment_schedule_id'),
    billingAttemptId: text('billing_attempt_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'payments_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'payments_customer_id_fk',
      columns: [table.accountId, table.customerId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    unique('payments_billing_attempt_key').on(table.accountId, table.billingAttemptId),
    index('payments_created_idx').on(table.accountId, table.livemode, table.createdAt, table.id),
    index('payments_customer_created_idx').on(
      table.accountId,
      table.livemode,
      table.customerId,
      table.createdAt,
      table.id,
    ),
    check('payments_amount_range', sql`${table.amount} between 1 and 99999999`),
    check('payments_currency_lower', sql`${table.currency} ~ '^[a-z]{3}$'`),
    check('payments_status_check', sql`${table.status} in ('succeeded', 'failed')`),
    check(
      'payments_failure_code_matches_status',
      sql`(${table.status} = 'failed') = (${table.failureCode} is not null)`,
    ),
  ],
);
