import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { signInAttempts } from '../db/schema/index.js';

/** When sign-ins for this email identity are refused until, if they are. */
export async function findSignInLock(
  db: Executor,
  emailIdentity: string,
): Promise<Date | undefined> {
  const [row] = await db
    .select({ lockedUntil: signInAttempts.lockedUntil })
    .from(signInAttempts)
    .where(eq(signInAttempts.emailIdentity, emailIdentity));
  return row?.lockedUntil ?? undefined;
}

/**
 * Count one more failure (atomically: concurrent failures each count) and return the count.
 * Failures older than `forgetAfterSeconds` are forgotten: the count starts again at one.
 */
export async function recordFailedSignIn(
  db: Executor,
  emailIdentity: string,
  forgetAfterSeconds: number,
): Promise<number> {
  const [row] = await db
    .insert(signInAttempts)
    .values({ emailIdentity, failures: 1 })
    .onConflictDoUpdate({
      target: signInAttempts.emailIdentity,
      set: {
        failures: sql`case
          when ${signInAttempts.lastFailedAt} < now() - make_interval(secs => ${forgetAfterSeconds})
          then 1
          else ${signInAttempts.failures} + 1
        end`,
        lastFailedAt: sql`now()`,
      },
    })
    .returning({ failures: signInAttempts.failures });
  if (!row) throw new Error('sign-in attempt upsert returned no row');
  return row.failures;
}

export async function lockSignIns(
  db: Executor,
  emailIdentity: string,
  seconds: number,
): Promise<Date | undefined> {
  const [row] = await db
    .update(signInAttempts)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${seconds})` })
    .where(eq(signInAttempts.emailIdentity, emailIdentity))
    .returning({ lockedUntil: signInAttempts.lockedUntil });
  return row?.lockedUntil ?? undefined;
}

export async function clearFailedSignIns(db: Executor, emailIdentity: string): Promise<void> {
  await db.delete(signInAttempts).where(eq(signInAttempts.emailIdentity, emailIdentity));
}

/**
 * Housekeeping: failures older than `forgetAfterSeconds` no longer count (recordFailedSignIn starts
 * again at one), so their rows only say that an email was tried. A row still locked is kept.
 */
export async function purgeStaleSignInAttempts(
  db: Executor,
  forgetAfterSeconds: number,
): Promise<number> {
  const removed = await db
    .delete(signInAttempts)
    .where(
      and(
        lt(signInAttempts.lastFailedAt, sql`now() - make_interval(secs => ${forgetAfterSeconds})`),
        or(isNull(signInAttempts.lockedUntil), lte(signInAttempts.lockedUntil, sql`now()`)),
      ),
    )
    .returning({ emailIdentity: signInAttempts.emailIdentity });
  return removed.length;
}
