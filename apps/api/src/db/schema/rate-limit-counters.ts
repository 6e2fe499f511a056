import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Rate-limit counters every server process shares (RATE_LIMIT_STORE=database): one row per limited
 * thing (`key:<api key or session id>`, `auth-failures:<address>`, `sign-in-failures:<address>`),
 * counting within a fixed window that restarts when it has ended. Not account data: it is keyed by
 * what is limited, not by account. UNLOGGED (see the migration): a crash empties it.
 */
export const rateLimitCounters = pgTable('rate_limit_counters', {
  key: text('key').primaryKey(),
  /** Points taken in the current window. */
  points: integer('points').notNull(),
  /** What the last statement on this row took: read back by that statement's RETURNING. */
  granted: integer('granted').notNull(),
  windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
});
