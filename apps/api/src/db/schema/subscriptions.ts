import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A customer billed `amount` every `interval_count` × `interval`. The state columns are exactly
 * the domain's SubscriptionState (packages/domain/src/billing/lifecycle.ts). `next_billing_at` is
 * when billing must next act; the partial indexes on it are billing's queue: a pass reads only
 * what is due, never the whole table.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    customerId: text('customer_id').notNull(),
    defaultPaymentMethodId: text('default_payment_method_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    interval: text('interval', { enum: ['day', 'week', 'month', 'year'] }).notNull(),
    intervalCount: integer('interval_count').notNull(),
    status: text('status', {
      enum: ['trialing', 'active', 'past_due', 'canceled', 'incomplete'],
    }).notNull(),
    billingCycleAnchor: at('billing_cycle_anchor').notNull(),
    periodIndex: integer('period_index').notNull(),
    currentPeriodStart: at('current_period_start').notNull(),
    currentPeriodEnd: at('current_period_end').notNull(),
    trialStart: at('trial_start'),
    trialEnd: at('trial_end'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextBillingAt: at('next_billing_at'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: at('canceled_at'),
    endedAt: at('ended_at'),
    cancellationReason: text('cancellation_reason', {
      enum: ['requested', 'payment_failed', 'customer_deleted'],
    }),
    latestPaymentId: text('latest_payment_id'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'subscriptions_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'subscriptions_customer_id_fk',
      columns: [table.accountId, table.customerId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    index('subscriptions_created_idx').on(
      table.accountId,
      table.livemode,
      table.createdAt,
      table.id,
    ),
    index('subscriptions_customer_created_idx').on(
      table.accountId,
      table.livemode,
      table.customerId,
      table.createdAt,
      table.id,
    ),
    index('subscriptions_status_created_idx').on(
      table.accountId,
      table.livemode,
      table.status,
      table.createdAt,
      table.id,
    ),
    // Billing's queue: every account (the server's interval, the CLI), and one account and
    // environment (the test helper).
    index('subscriptions_due_idx')
      .on(table.nextBillingAt)
      .where(sql`${table.nextBillingAt} is not null`),
    index('subscriptions_scope_due_idx')
      .on(table.accountId, table.livemode, table.nextBillingAt)
      .where(sql`${table.nextBillingAt} is not null`),
    check('subscriptions_amount_range', sql`${table.amount} between 1 and 99999999`),
    check('subscriptions_currency_lower', sql`${table.currency} ~ '^[a-z]{3}$'`),
    check(
      'subscriptions_interval_count_range',
      sql`${table.intervalCount} >= 1 and ${table.intervalCount} <= case ${table.interval}
        when 'day' then 365 when 'week' then 52 when 'month' then 12 else 1 end`,
    ),
    check(
      'subscriptions_status_check',
      sql`${table.status} in ('trialing', 'active', 'past_due', 'canceled', 'incomplete')`,
    ),
    check(
      'subscriptions_canceled_has_reason',
      sql`(${table.status} = 'canceled') = (${table.cancellationReason} is not null)`,
    ),
  ],
);
