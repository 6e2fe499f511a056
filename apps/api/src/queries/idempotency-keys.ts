import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { inScope, type Scope } from './scope.js';

/** How long a key answers with its first response. */
const KEY_LIFETIME = sql`interval '24 hours'`;
/** A claim this old belongs to a process that died mid-request; another may take it over. */
const STALE_CLAIM = sql`interval '2 minutes'`;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'reused' }
  | { kind: 'in_use' };

const byKey = (scope: Scope, key: string) =>
  and(inScope(idempotencyKeys, scope), eq(idempotencyKeys.key, key));

/**
 * Claim a key before running the request. The primary key makes the claim atomic: of several
 * concurrent requests (in one process or many) exactly one inserts the row and runs.
 */
export async function claimIdempotencyKey(
  db: Executor,
  scope: Scope,
  key: string,
  requestHash: string,
): Promise<Claim> {
  const [inserted] = await db
    .insert(idempotencyKeys)
    .values({ ...scope, key, requestHash, state: 'in_progress' })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted) return { kind: 'claimed' };

  // Expired, or abandoned by a crashed request with the same body: start afresh, atomically.
  const [retaken] = await db
    .update(idempotencyKeys)
    .set({
      requestHash,
      state: 'in_progress',
      responseStatus: null,
      responseBody: null,
      createdAt: sql`now()`,
      lockedAt: sql`now()`,
    })
    .where(
      and(
        byKey(scope, key),
        sql`(${idempotencyKeys.createdAt} < now() - ${KEY_LIFETIME}
          or (${idempotencyKeys.state} = 'in_progress'
              and ${idempotencyKeys.requestHash} = ${requestHash}
              and ${idempotencyKeys.lockedAt} < now() - ${STALE_CLAIM}))`,
      ),
    )
    .returning({ key: idempotencyKeys.key });
  if (retaken) return { kind: 'claimed' };

  const [existing] = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      state: idempotencyKeys.state,
      responseStatus: idempotencyKeys.responseStatus,
      responseBody: idempotencyKeys.responseBody,
    })
    .from(idempotencyKeys)
    .where(byKey(scope, key));
  if (!existing) return claimIdempotencyKey(db, scope, key, requestHash);
  if (existing.requestHash !== requestHash) return { kind: 'reused' };
  if (existing.state !== 'completed' || existing.responseStatus === null) return { kind: 'in_use' };
  return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody ?? '' };
}

export async function completeIdempotencyKey(
  db: Executor,
  scope: Scope,
  key: string,
  response: { status: number; body: string },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'completed', responseStatus: response.status, responseBody: response.body })
    .where(byKey(scope, key));
}

/** A request that failed on our side is not remembered: the retry runs again. */
export async function releaseIdempotencyKey(
  db: Executor,
  scope: Scope,
  key: string,
): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(byKey(scope, key), eq(idempotencyKeys.state, 'in_progress')));
}

export async function purgeExpiredIdempotencyKeys(db: Executor): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - ${KEY_LIFETIME}`));
}
