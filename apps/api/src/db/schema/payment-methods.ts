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
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';
import { customers } from './customers.js';

/**
 * Saved cards. What is kept is what PCI DSS allows to rest: brand, last four digits, expiry, and
 * a keyed fingerprint (HMAC under a per-account key, so equal numbers compare equal within an
 * account and nothing can be brute-forced from the column). Never the number or the CVC: the
 * card's behaviour on the simulated network is kept instead: the declines its number implies.
 *
 * `customer_id` stays after a detach (`detached_at`), so a card's history keeps its customer; a
 * detached card is never usable again, as at Stripe. Indexes, one per read:
 * - a customer's attached cards, newest first, keyset-paginated;
 * - (account, env, fingerprint): the duplicate finder's "same card" signal (SPEC §8).
 */
export const paymentMethods = pgTable(
  'payment_methods',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    customerId: text('customer_id'),
    type: text('type', { enum: ['card'] }).notNull(),
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** Why attaching this card to a customer is refused (it declines outright), or null. */
    attachFailureCode: text('attach_failure_code', {
      enum: ['card_declined', 'insufficient_funds'],
    }),
    /** How every charge on this card ends: null succeeds, else the failure code. */
    chargeFailureCode: text('charge_failure_code', {
      enum: ['card_declined', 'insufficient_funds'],
    }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    detachedAt: timestamp('detached_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ name: 'payment_methods_pkey', columns: [table.accountId, table.id] }),
    foreignKey({
      name: 'payment_methods_customer_id_fk',
      columns: [table.accountId, table.customerId],
      foreignColumns: [customers.accountId, customers.id],
    }),
    index('payment_methods_customer_created_idx')
      .on(table.accountId, table.livemode, table.customerId, table.createdAt, table.id)
      .where(sql`${table.detachedAt} is null`),
    index('payment_methods_fingerprint_idx').on(table.accountId, table.livemode, table.fingerprint),
    check('payment_methods_type_check', sql`${table.type} in ('card')`),
    check('payment_methods_last4_digits', sql`${table.last4} ~ '^[0-9]{4}$'`),
    check('payment_methods_exp_month_range', sql`${table.expMonth} between 1 and 12`),
    check(
      'payment_methods_failure_codes_check',
      sql`${table.attachFailureCode} in ('card_declined', 'insufficient_funds')
        and ${table.chargeFailureCode} in ('card_declined', 'insufficient_funds')`,
    ),
    // A card that cannot be attached is never attached.
    check(
      'payment_methods_unattachable_unattached',
      sql`${table.attachFailureCode} is null or ${table.customerId} is null`,
    ),
    // Detaching needs something attached; attaching again after a detach is refused.
    check(
      'payment_methods_detached_was_attached',
      sql`${table.detachedAt} is null or ${table.customerId} is not null`,
    ),
  ],
);
