import { sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';

export const AUDIT_ACTOR_TYPES = ['api_key', 'user', 'system'] as const;

/**
 * The audit log: one entry per write by an API key, a dashboard user or the system (billing),
 * inserted by the write's own transaction. Append-only in the database itself: a trigger
 * (migration 0012) refuses UPDATE, DELETE and TRUNCATE, whoever asks.
 *
 * An entry names the fields the change set; their before and after values are kept apart, in
 * `audit_log_changes`, because a customer's erasure (GDPR article 17) must take their values out of
 * every place the API reads while the entry itself stays: who did what, to which object, when.
 *
 * Indexes, one per read, newest first: the whole log, and filtered by object, actor, action or
 * customer (the customer page's Activity).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    /** The environment the change was made in; null for account-wide objects (dashboard users). */
    livemode: boolean('livemode'),
    actorType: text('actor_type', { enum: AUDIT_ACTOR_TYPES }).notNull(),
    /** The API key's or user's id; null for the system. */
    actorId: text('actor_id'),
    /** `customer.updated`, `api_key.created`, `user.invited`, ... */
    action: text('action').notNull(),
    objectId: text('object_id').notNull(),
    /** The customer the change is about (its own, or its payment's, card's, ...). */
    customerId: text('customer_id'),
    /** The names of the fields the change set; their values are in audit_log_changes. */
    fields: text('fields')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    requestId: text('request_id'),
    clientIp: text('client_ip'),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (table) => [
    primaryKey({ name: 'audit_log_pkey', columns: [table.accountId, table.id] }),
    index('audit_log_created_idx').on(table.accountId, table.createdAt, table.id),
    index('audit_log_object_idx').on(table.accountId, table.objectId, table.createdAt, table.id),
    index('audit_log_actor_idx').on(table.accountId, table.actorId, table.createdAt, table.id),
    index('audit_log_action_idx').on(table.accountId, table.action, table.createdAt, table.id),
    index('audit_log_customer_idx')
      .on(table.accountId, table.customerId, table.createdAt, table.id)
      .where(sql`${table.customerId} is not null`),
  ],
);

/**
 * The before and after values of an audit entry's fields (secrets and card data never; values of
 * sensitive fields masked). A trigger refuses UPDATE: a value is never rewritten. Erasing a
 * customer's personal data (POST /v1/customers/{id}/redact) DELETEs the rows of their entries;
 * the entries stay, with their field names.
 */
export const auditLogChanges = pgTable(
  'audit_log_changes',
  {
    entryId: text('entry_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    customerId: text('customer_id'),
    changes: jsonb('changes')
      .$type<Record<string, { before?: unknown; after?: unknown }>>()
      .notNull(),
  },
  (table) => [
    primaryKey({ name: 'audit_log_changes_pkey', columns: [table.accountId, table.entryId] }),
    foreignKey({
      name: 'audit_log_changes_entry_id_fk',
      columns: [table.accountId, table.entryId],
      foreignColumns: [auditLog.accountId, auditLog.id],
    }),
    index('audit_log_changes_customer_idx')
      .on(table.accountId, table.customerId)
      .where(sql`${table.customerId} is not null`),
  ],
);
