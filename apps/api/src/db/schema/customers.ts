import { sql, type SQL } from 'drizzle-orm';
import {
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ownedColumns } from './columns.js';

/**
 * Customers are soft-deleted (`deleted_at`) so their payments and history keep pointing at a row.
 * Indexes, each serving one read path at a million customers per account:
 * - the live-email unique index is the uniqueness rule itself and the `email=` lookup;
 * - (account, env, created_at, id) over live rows serves newest-first keyset pages;
 * - a trigram GIN index over (account_id, `search_text`) serves `query=` substring search.
 */
export const customers = pgTable(
  'customers',
  {
    id: text('id').notNull(),
    ...ownedColumns,
    name: text('name').notNull(),
    email: text('email').notNull(),
    emailIdentity: text('email_identity').notNull(),
    phone: text('phone'),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /**
     * A payment method attached to this customer. No foreign key: payment_methods references
     * customers, and the schema files must not import each other; the queries keep it true
     * (set only to an attached card, cleared in the transaction that detaches it).
     */
    defaultPaymentMethodId: text('default_payment_method_id'),
    searchText: text('search_text')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`lower(${customers.name} || ' ' || ${customers.email} || ' ' || coalesce(${customers.phone}, ''))`,
      ),
    /**
     * The mailbox behind the email by its provider's rules (domain `mailboxIdentity`: Gmail's dots
     * and `+tags`, ...): the "same email" duplicate signal. Null only on rows written before it
     * existed, until `backfillDuplicateKeys` has filled them.
     */
    mailboxIdentity: text('mailbox_identity'),
    /** The name as duplicates compare it (domain `nameKey`): no case, accents or punctuation. */
    nameKey: text('name_key'),
    /** The customer this one was merged into; set with `deleted_at` by a merge. */
    mergedInto: text('merged_into'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** When the customer's personal data was erased (POST /v1/customers/{id}/redact). */
    redactedAt: timestamp('redacted_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ name: 'customers_pkey', columns: [table.accountId, table.id] }),
    uniqueIndex('customers_live_email_key')
      .on(table.accountId, table.livemode, table.emailIdentity)
      .where(sql`${table.deletedAt} is null`),
    index('customers_live_created_idx')
      .on(table.accountId, table.livemode, table.createdAt, table.id)
      .where(sql`${table.deletedAt} is null`),
    // account_id leads (btree_gin), so one merchant's search never wades through another's matches.
    index('customers_account_search_trgm_idx')
      .using('gin', table.accountId, sql`${table.searchText} gin_trgm_ops`)
      .where(sql`${table.deletedAt} is null`),
    // `query=` typed like an email's start or a phone: a byte-ordered range (text_pattern_ops),
    // which the collation-ordered B-trees cannot give (migration 0015).
    index('customers_live_email_prefix_idx')
      .on(table.accountId, table.livemode, table.emailIdentity.op('text_pattern_ops'))
      .where(sql`${table.deletedAt} is null`),
    // In the database it also has INCLUDE (created_at, id), which Drizzle's index builder cannot
    // declare (migration 0016): a phone search orders and cuts its page from the index alone.
    index('customers_live_phone_prefix_idx')
      .on(table.accountId, table.livemode, table.phone.op('text_pattern_ops'))
      .where(sql`${table.deletedAt} is null and ${table.phone} is not null`),
    // Duplicate candidates (SPEC §8), each an index lookup: the same mailbox, the same phone,
    // the same name key. (A name alone counts only when near-identical, which after nameKey is
    // an equal key in practice; trigram similarity at 1M measured 395 ms p50 a lookup.)
    index('customers_mailbox_idx')
      .on(table.accountId, table.livemode, table.mailboxIdentity)
      .where(sql`${table.deletedAt} is null`),
    index('customers_phone_idx')
      .on(table.accountId, table.livemode, table.phone)
      .where(sql`${table.deletedAt} is null and ${table.phone} is not null`),
    index('customers_name_key_idx')
      .on(table.accountId, table.livemode, table.nameKey)
      .where(sql`${table.deletedAt} is null`),
    check(
      'customers_merged_is_deleted',
      sql`${table.mergedInto} is null or ${table.deletedAt} is not null`,
    ),
    check('customers_name_length', sql`char_length(${table.name}) between 1 and 256`),
    check('customers_email_length', sql`char_length(${table.email}) between 3 and 254`),
    check('customers_description_length', sql`char_length(${table.description}) <= 1000`),
    check(
      'customers_email_identity_lower',
      sql`${table.emailIdentity} = lower(${table.emailIdentity})`,
    ),
  ],
);
