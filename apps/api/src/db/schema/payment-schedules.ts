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
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** Planned one-off payments for a customer: 1-100 items, each charged once when due. */
export const paymentSchedules = pgTable(
  'payment_schedules',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    customerId: text('customer_id').notNull(),
    paymentMethodId: text('payment_method_id'),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['active', 'completed', 'canceled'] }).notNull(),
    canceledAt: at('canceled_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: 'payment_schedules_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'payment_schedules_customer_id_fk',
      columns: [table.accountId, table.customerId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    index('payment_schedules_created_idx').on(
      table.accountId,
      table.livemode,
      table.createdAt,
      table.id,
    ),
    index('payment_schedules_customer_created_idx').on(
      table.accountId,
      table.livemode,
      table.customerId,
      table.createdAt,
      table.id,
    ),
    check('payment_schedules_currency_lower', sql`${table.currency} ~ '^[a-z]{3}$'`),
    check(
      'payment_schedules_status_check',
      sql`${table.status} in ('active', 'completed', 'canceled')`,
    ),
  ],
);

/** One planned payment of a schedule. The partial indexes on `due_at` are billing's queue. */
export const paymentScheduleItems = pgTable(
  'payment_schedule_items',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    scheduleId: text('schedule_id').notNull(),
    position: integer('position').notNull(),
    amount: integer('amount').notNull(),
    dueAt: at('due_at').notNull(),
    status: text('status', { enum: ['scheduled', 'succeeded', 'failed', 'canceled'] }).notNull(),
    paymentId: text('payment_id'),
  },
  (table) => [
    primaryKey({ name: 'payment_schedule_items_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'payment_schedule_items_schedule_id_fk',
      columns: [table.accountId, table.scheduleId],
      foreignColumns: [paymentSchedules.accountId, paymentSchedules.id],
    }),
    unique('payment_schedule_items_position_key').on(
      table.accountId,
      table.scheduleId,
      table.position,
    ),
    index('payment_schedule_items_due_idx')
      .on(table.dueAt)
      .where(sql`${table.status} = 'scheduled'`),
    index('payment_schedule_items_scope_due_idx')
      .on(table.accountId, table.livemode, table.dueAt)
      .where(sql`${table.status} = 'scheduled'`),
    check('payment_schedule_items_amount_range', sql`${table.amount} between 1 and 99999999`),
    check(
      'payment_schedule_items_status_check',
      sql`${table.status} in ('scheduled', 'succeeded', 'failed', 'canceled')`,
    ),
  ],
);
