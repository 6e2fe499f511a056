import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed dashboard sign-ins per email identity, for lockout with backoff. Kept for any email that
 * was tried, whether or not a user has it, so a lockout says nothing about who has an account.
 * A successful sign-in deletes the row.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    emailIdentity: text('email_identity').primaryKey(),
    failures: integer('failures').notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (table) => [check('sign_in_attempts_failures_positive', sql`${table.failures} > 0`)],
);
