import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { paymentScheduleItems } from './payment-schedules.js';
import { subscriptions } from './subscriptions.js';

/**
 * Every charge billing makes, recorded before the processor is called: the row is the charge's
 * exactly-once guarantee. A subscription's period is tried at most once per attempt number and
 * succeeds at most once; a schedule item is charged at most once. The processor receives
 * `idempotency_key` (derived from the same identity), so finishing a `pending` attempt left by a
 * crash asks it again with the same key and can never charge twice.
 */
export const billingAttempts = pgTable(
  'billing_attempts',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    subscriptionId: text('subscription_id'),
    periodIndex: integer('period_index'),
    attempt: integer('attempt'),
    scheduleItemId: text('schedule_item_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    customerId: text('customer_id').notNull(),
    paymentMethodId: text('payment_method_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    state: text('state', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    failureCode: text('failure_code'),
    paymentId: text('payment_id'),
    /** The time billing acted as if it were (`billing run --at`): the lifecycle's clock. */
    billedAt: timestamp('billed_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ name: 'billing_attempts_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'billing_attempts_subscription_id_fk',
      columns: [table.accountId, table.subscriptionId],
      foreignColumns: [subscriptions.accountId, subscriptions.id],
    }),
    foreignKey({
      name: 'billing_attempts_schedule_item_id_fk',
      columns: [table.accountId, table.scheduleItemId],
      foreignColumns: [paymentScheduleItems.accountId, paymentScheduleItems.id],
    }),
    unique('billing_attempts_idempotency_key').on(table.accountId, table.idempotencyKey),
    unique('billing_attempts_subscription_attempt_key').on(
      table.accountId,
      table.subscriptionId,
      table.periodIndex,
      table.attempt,
    ),
    uniqueIndex('billing_attempts_period_paid_key')
      .on(table.accountId, table.subscriptionId, table.periodIndex)
      .where(sql`${table.state} = 'succeeded'`),
    unique('billing_attempts_schedule_item_key').on(table.accountId, table.scheduleItemId),
    unique('billing_attempts_payment_key').on(table.accountId, table.paymentId),
    index('billing_attempts_pending_idx')
      .on(table.createdAt)
      .where(sql`${table.state} = 'pending'`),
    check(
      'billing_attempts_one_source',
      sql`(${table.subscriptionId} is null) <> (${table.scheduleItemId} is null)`,
    ),
    check(
      'billing_attempts_state_check',
      sql`${table.state} in ('pending', 'succeeded', 'failed')`,
    ),
  ],
);
