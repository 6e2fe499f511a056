import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { emailIdentity, newId } from '@peasswap/domain';
import { hashPassword } from '../crypto/secrets.js';
import type { Executor } from '../db/client.js';
import { sessions, users, type USER_ROLES } from '../db/schema/index.js';

export type UserRole = (typeof USER_ROLES)[number];

export async function createUser(
  db: Executor,
  params: { accountId: string; email: string; password: string; role: UserRole },
) {
  const [user] = await db
    .insert(users)
    .values({
      id: newId('user'),
      accountId: params.accountId,
      email: params.email.trim(),
      emailIdentity: emailIdentity(params.email),
      passwordHash: await hashPassword(params.password),
      role: params.role,
    })
    .returning({ id: users.id, accountId: users.accountId, email: users.email, role: users.role });
  if (!user) throw new Error('user insert returned no row');
  return user;
}

/** What signing in needs to know about the user with this email identity, if there is one. */
export async function findUserForSignIn(db: Executor, identity: string) {
  const [user] = await db
    .select({
      id: users.id,
      accountId: users.accountId,
      email: users.email,
      role: users.role,
      passwordHash: users.passwordHash,
      mustChangePassword: users.mustChangePassword,
    })
    .from(users)
    .where(eq(users.emailIdentity, identity));
  return user;
}

/** A dashboard user as the Team screen shows them: never their password hash. */
const memberColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  createdAt: users.createdAt,
  lastSignInAt: users.lastSignInAt,
  mustChangePassword: users.mustChangePassword,
  invitedBy: users.invitedBy,
};

export interface Member {
  id: string;
  email: string;
  role: UserRole;
  createdAt: Date;
  lastSignInAt: Date | null;
  mustChangePassword: boolean;
  invitedBy: string | null;
}

/** The account's users, newest first (an account has a handful: no pages). */
export async function listMembers(db: Executor, accountId: string): Promise<Member[]> {
  return db
    .select(memberColumns)
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(desc(users.createdAt), desc(users.id));
}

/**
 * Every user of the account, locked until the transaction ends: role changes and removals are
 * decided on this view, so two of them at once cannot each see another owner and together leave
 * none. Locked in id order, so concurrent callers queue instead of deadlocking.
 */
export async function lockMembers(tx: Executor, accountId: string): Promise<Member[]> {
  return tx
    .select(memberColumns)
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.id))
    .for('update');
}

/**
 * An invited user: a temporary password (already hashed) they must change at first sign-in.
 * Undefined when the email already signs in, in this account or another (emails are unique
 * across accounts, since signing in names no account).
 */
export async function insertInvitedMember(
  db: Executor,
  params: {
    accountId: string;
    email: string;
    role: UserRole;
    passwordHash: string;
    invitedBy: string;
  },
): Promise<Member | undefined> {
  const [member] = await db
    .insert(users)
    .values({
      id: newId('user'),
      accountId: params.accountId,
      email: params.email.trim(),
      emailIdentity: emailIdentity(params.email),
      passwordHash: params.passwordHash,
      role: params.role,
      mustChangePassword: true,
      invitedBy: params.invitedBy,
    })
    .onConflictDoNothing({ target: users.emailIdentity })
    .returning(memberColumns);
  return member;
}

export async function updateMemberRole(
  db: Executor,
  accountId: string,
  id: string,
  role: UserRole,
): Promise<Member | undefined> {
  const [member] = await db
    .update(users)
    .set({ role })
    .where(and(eq(users.accountId, accountId), eq(users.id, id)))
    .returning(memberColumns);
  return member;
}

/** Remove a user and every session they hold, so their next request is signed out. */
export async function deleteMember(tx: Executor, accountId: string, id: string): Promise<void> {
  await tx.delete(sessions).where(and(eq(sessions.accountId, accountId), eq(sessions.userId, id)));
  await tx.delete(users).where(and(eq(users.accountId, accountId), eq(users.id, id)));
}

export async function recordSignIn(db: Executor, id: string): Promise<void> {
  await db
    .update(users)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(users.id, id));
}

export async function findPasswordHash(db: Executor, id: string): Promise<string | undefined> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, id));
  return row?.passwordHash;
}

/**
 * A new password (hashed), which ends a temporary one's restrictions, and the end of every other
 * session of the user: whoever knew the old password is signed out.
 */
export async function replacePassword(
  db: Executor,
  params: { userId: string; passwordHash: string; keepSessionId: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash: params.passwordHash, mustChangePassword: false })
      .where(eq(users.id, params.userId));
    await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, params.userId), ne(sessions.id, params.keepSessionId)));
  });
}
