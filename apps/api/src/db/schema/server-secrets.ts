import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Secrets the server keys its hashes with, by name: created once (random, on first use, by
 * whichever process gets there first) and then only read. `card_hashing` keys card fingerprints
 * and the card fields of idempotent requests' hashes, unless FINGERPRINT_SECRET replaces it.
 */
export const serverSecrets = pgTable('server_secrets', {
  name: text('name').primaryKey(),
  /** base64 of 32 random bytes. */
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
