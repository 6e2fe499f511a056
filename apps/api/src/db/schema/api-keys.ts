import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';

/**
 * API keys are kept as a SHA-256 hash of the secret and a short visible prefix for people to
 * recognise them by; the secret itself is shown once, at creation, and never stored.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    kind: text('kind', { enum: ['secret', 'restricted'] }).notNull(),
    secretHash: text('secret_hash').notNull(),
    visiblePrefix: text('visible_prefix').notNull(),
    permissions: text('permissions').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('api_keys_secret_hash_key').on(table.secretHash),
    index('api_keys_account_idx').on(table.accountId, table.livemode, table.createdAt),
    check('api_keys_kind_check', sql`${table.kind} in ('secret', 'restricted')`),
  ],
);
