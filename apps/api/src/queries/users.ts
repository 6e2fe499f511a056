import { eq } from 'drizzle-orm';
import { emailIdentity, newId } from '@peasswap/domain';
import { hashPassword } from '../crypto/secrets.js';
import type { Executor } from '../db/client.js';
import { users, type USER_ROLES } from '../db/schema/index.js';

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
    })
    .from(users)
    .where(eq(users.emailIdentity, identity));
  return user;
}
