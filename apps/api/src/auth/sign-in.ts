import { randomBytes } from 'node:crypto';
import { DomainError, emailIdentity } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { createSession, deleteExpiredSessions } from '../queries/sessions.js';
import {
  clearFailedSignIns,
  findSignInLock,
  lockSignIns,
  recordFailedSignIn,
} from '../queries/sign-in-attempts.js';
import {
  findPasswordHash,
  findUserForSignIn,
  recordSignIn,
  replacePassword,
  type UserRole,
} from '../queries/users.js';
import { hashPassword, hashSecret, verifyPassword } from '../crypto/secrets.js';
import type { Outbox } from '../events/outbox.js';
import { newSessionToken, SESSION_TTL_SECONDS } from './sessions.js';

/**
 * Lockout with backoff, per email identity: the first failures are free; from the fifth on, each
 * failure locks sign-in for twice as long as the one before (30 s, 1 min, 2 min, ... up to 15 min).
 * Failures are forgotten an hour after the last one, and a successful sign-in clears them.
 */
export const SIGN_IN_POLICY = {
  freeFailures: 4,
  baseLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  forgetAfterSeconds: 60 * 60,
};

export function lockSecondsAfter(failures: number): number {
  const over = failures - SIGN_IN_POLICY.freeFailures;
  if (over <= 0) return 0;
  return Math.min(SIGN_IN_POLICY.baseLockSeconds * 2 ** (over - 1), SIGN_IN_POLICY.maxLockSeconds);
}

// Unknown emails are checked against this hash, so they cost the same scrypt as known ones and
// the time taken does not tell whether the email has an account.
let decoyHash: Promise<string> | undefined;
function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

function wrongCredentials(): DomainError {
  return new DomainError('credentials_invalid', 'The email or password is incorrect.');
}

function lockedOut(until: Date): DomainError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new DomainError(
    'rate_limited',
    `Too many failed sign-ins for this email. Try again in ${wait}.`,
    { retryAfterSeconds: seconds, extra: { retryAfterSeconds: String(seconds) } },
  );
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: {
    id: string;
    accountId: string;
    email: string;
    role: UserRole;
    mustChangePassword: boolean;
  };
}

/**
 * Check the password and open a session. Every refusal reads the same for known and unknown
 * emails.
 */
export async function signIn(db: Executor, email: string, password: string): Promise<SignedIn> {
  const identity = emailIdentity(email);
  const lockedUntil = await findSignInLock(db, identity);
  if (lockedUntil && lockedUntil.getTime() > Date.now()) throw lockedOut(lockedUntil);

  const user = await findUserForSignIn(db, identity);
  const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !valid) {
    const failures = await recordFailedSignIn(db, identity, SIGN_IN_POLICY.forgetAfterSeconds);
    const lockSeconds = lockSecondsAfter(failures);
    if (lockSeconds > 0) await lockSignIns(db, identity, lockSeconds);
    throw wrongCredentials();
  }

  await clearFailedSignIns(db, identity);
  await deleteExpiredSessions(db, user.id);
  await recordSignIn(db, user.id);
  const token = newSessionToken();
  const session = await createSession(db, {
    accountId: user.accountId,
    userId: user.id,
    tokenHash: hashSecret(token),
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
  });
  return {
    token,
    expiresAt: session.expiresAt,
    user: {
      id: user.id,
      accountId: user.accountId,
      email: user.email,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
    },
  };
}

/**
 * A signed-in user's new password, given the current one (the temporary one after an invitation).
 * A wrong current password counts toward the same lockout as a failed sign-in, so a session left
 * open is no way round it. The user's other sessions end; this one goes on, unrestricted.
 */
export async function changePassword(
  db: Executor,
  outbox: Outbox,
  user: { id: string; email: string; sessionId: string; accountId: string },
  passwords: { currentPassword: string; newPassword: string },
): Promise<void> {
  const identity = emailIdentity(user.email);
  const lockedUntil = await findSignInLock(db, identity);
  if (lockedUntil && lockedUntil.getTime() > Date.now()) throw lockedOut(lockedUntil);

  const stored = await findPasswordHash(db, user.id);
  if (!stored) throw new DomainError('session_expired', 'Your session has ended. Sign in again.');
  if (!(await verifyPassword(passwords.currentPassword, stored))) {
    const failures = await recordFailedSignIn(db, identity, SIGN_IN_POLICY.forgetAfterSeconds);
    const lockSeconds = lockSecondsAfter(failures);
    if (lockSeconds > 0) await lockSignIns(db, identity, lockSeconds);
    throw new DomainError('parameter_invalid', 'Your current password is not this one.', {
      param: 'currentPassword',
    });
  }
  if (passwords.newPassword === passwords.currentPassword) {
    throw new DomainError('parameter_invalid', 'Choose a password other than your current one.', {
      param: 'newPassword',
    });
  }
  await clearFailedSignIns(db, identity);
  const passwordHash = await hashPassword(passwords.newPassword);
  await db.transaction(async (tx) => {
    await replacePassword(tx, { userId: user.id, passwordHash, keepSessionId: user.sessionId });
    // Account-wide, like the other users' entries; the password is named, never kept.
    await outbox.audit(tx, { accountId: user.accountId, livemode: null }, [
      {
        action: 'user.password_changed',
        objectId: user.id,
        before: { password: 'set' },
        after: { password: 'replaced' },
        withoutValues: true,
      },
    ]);
  });
}
