import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rowsOf } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { inScope, type Scope } from './scope.js';

/** How long a key answers with its first response. */
const KEY_LIFETIME = sql`interval '24 hours'`;

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: string;
}

const byKey = (scope: Scope, key: string) =>
  and(inScope(idempotencyKeys, scope), eq(idempotencyKeys.key, key));

/**
 * Take the key for this transaction, or learn that another transaction (in any process) holds it.
 * A transaction-scoped advisory lock: it is released by commit, rollback, or the death of the
 * connection, so a crashed request never leaves the key stuck and a slow one is never taken over.
 */
export async function lockIdempotencyKey(tx: Executor, scope: Scope, key: string) {
  const lockName = `idempotency:${scope.accountId}:${scope.livemode}:${key}`;
  const [row] = rowsOf<{ locked: boolean }>(
    await tx.execute(
      sql`select pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) as locked`,
    ),
  );
  return row?.locked === true;
}

/** The answer stored for a key within its lifetime, if its request has run. */
export async function findIdempotentAnswer(
  tx: Executor,
  scope: Scope,
  key: string,
): Promise<StoredAnswer | undefined> {
  const [row] = await tx
    .select({
      requestHash: idempotencyKeys.requestHash,
      status: idempotencyKeys.responseStatus,
      body: idempotencyKeys.responseBody,
    })
    .from(idempotencyKeys)
    .where(and(byKey(scope, key), gte(idempotencyKeys.createdAt, sql`now() - ${KEY_LIFETIME}`)));
  return row;
}

/**
 * Store the answer in the request's own transaction. An expired answer under the same key is
 * replaced; a live one cannot exist here, since the caller holds the key's lock and found none.
 */
export async function storeIdempotentAnswer(
  tx: Executor,
  scope: Scope,
  key: string,
  answer: StoredAnswer,
): Promise<void> {
  const values = {
    requestHash: answer.requestHash,
    responseStatus: answer.status,
    responseBody: answer.body,
    createdAt: sql`now()`,
  };
  await tx
    .insert(idempotencyKeys)
    .values({ ...scope, key, ...values })
    .onConflictDoUpdate({
      target: [idempotencyKeys.accountId, idempotencyKeys.livemode, idempotencyKeys.key],
      set: values,
    });
}

/** Forget answers past their lifetime; returns how many were removed. */
export async function purgeExpiredIdempotencyKeys(db: Executor): Promise<number> {
  const removed = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - ${KEY_LIFETIME}`))
    .returning({ key: idempotencyKeys.key });
  return removed.length;
}
