import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';

export const USER_ROLES = ['owner', 'admin', 'developer', 'support', 'viewer'] as const;

/** Dashboard users sign in with email and a password kept as an scrypt hash. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    email: text('email').notNull(),
    emailIdentity: text('email_identity').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** Set for an invited user: their first sign-in must choose a new password. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** The user who invited this one (null for users made from the CLI). */
    invitedBy: text('invited_by'),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_email_identity_key').on(table.emailIdentity),
    index('users_account_idx').on(table.accountId),
    check(
      'users_role_check',
      sql`${table.role} in ('owner', 'admin', 'developer', 'support', 'viewer')`,
    ),
  ],
);
