import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { newId } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { accounts, sessions, users } from '../db/schema/index.js';
import type { UserRole } from './users.js';

export interface SessionRecord {
  id: string;
  tokenHash: string;
  expiresAt: Date;
  user: {
    id: string;
    accountId: string;
    email: string;
    role: UserRole;
    /** Signed in with a temporary password: only changing it is allowed. */
    mustChangePassword: boolean;
  };
  accountName: string;
}

export async function createSession(
  db: Executor,
  params: { accountId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<{ id: string; expiresAt: Date }> {
  const [row] = await db
    .insert(sessions)
    .values({ id: newId('session'), ...params })
    .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
  if (!row) throw new Error('session insert returned no row');
  return row;
}

/** The live (unexpired) session holding this token hash, with its user and account. */
export async function findActiveSessionByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<SessionRecord | undefined> {
  const [row] = await db
    .select({
      id: sessions.id,
      tokenHash: sessions.tokenHash,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      accountId: users.accountId,
      email: users.email,
      role: users.role,
      mustChangePassword: users.mustChangePassword,
      accountName: accounts.name,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  if (!row) return undefined;
  return {
    id: row.id,
    tokenHash: row.tokenHash,
    expiresAt: row.expiresAt,
    user: {
      id: row.userId,
      accountId: row.accountId,
      email: row.email,
      role: row.role,
      mustChangePassword: row.mustChangePassword,
    },
    accountName: row.accountName,
  };
}

export async function deleteSessionByTokenHash(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Housekeeping at sign-in: a user's ended sessions are of no further use. */
export async function deleteExpiredSessions(db: Executor, userId: string): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), lte(sessions.expiresAt, new Date())));
}

/** Housekeeping: every ended session, whoever's. Returns how many were removed. */
export async function purgeExpiredSessions(db: Executor): Promise<number> {
  const removed = await db
    .delete(sessions)
    .where(lte(sessions.expiresAt, sql`now()`))
    .returning({ id: sessions.id });
  return removed.length;
}
