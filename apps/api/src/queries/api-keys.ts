import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Permission } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { inScope, type Scope } from './scope.js';

type ApiKeyColumns = typeof apiKeys.$inferSelect;

/** What authentication needs of an active key. */
export type ApiKeyRecord = Pick<
  ApiKeyColumns,
  'id' | 'accountId' | 'livemode' | 'kind' | 'secretHash'
> & { permissions: Permission[] };

export async function findActiveApiKeyByHash(
  db: Executor,
  secretHash: string,
): Promise<ApiKeyRecord | undefined> {
  const [row] = await db
    .select({
      id: apiKeys.id,
      accountId: apiKeys.accountId,
      livemode: apiKeys.livemode,
      kind: apiKeys.kind,
      secretHash: apiKeys.secretHash,
      permissions: apiKeys.permissions,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
  return row ? { ...row, permissions: row.permissions as Permission[] } : undefined;
}

/** Record use at most once a minute per key, so a busy key does not write on every request. */
export async function touchApiKey(db: Executor, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
}

/** What the API keys screen shows about a key: never its hash, never the secret. */
export type ApiKeySummary = Pick<
  ApiKeyColumns,
  'id' | 'livemode' | 'kind' | 'visiblePrefix' | 'createdAt' | 'lastUsedAt' | 'revokedAt'
> & { permissions: Permission[] };

const summaryColumns = {
  id: apiKeys.id,
  livemode: apiKeys.livemode,
  kind: apiKeys.kind,
  visiblePrefix: apiKeys.visiblePrefix,
  permissions: apiKeys.permissions,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Every key of the account in one environment, newest first, revoked ones included. */
export async function listApiKeys(db: Executor, scope: Scope): Promise<ApiKeySummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(apiKeys)
    .where(inScope(apiKeys, scope))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map((row) => ({ ...row, permissions: row.permissions as Permission[] }));
}

export async function findApiKey(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<ApiKeySummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(apiKeys)
    .where(and(inScope(apiKeys, scope), eq(apiKeys.id, id)));
  return row ? { ...row, permissions: row.permissions as Permission[] } : undefined;
}

/**
 * Revoke a key of this scope; revoking twice keeps the first time. Undefined when not found.
 * `audit` records a revocation that happened (the key before and after) in its transaction.
 */
export async function revokeApiKey(
  db: Executor,
  scope: Scope,
  id: string,
  audit?: (tx: Executor, before: ApiKeySummary, after: ApiKeySummary) => Promise<unknown>,
): Promise<ApiKeySummary | undefined> {
  await db.transaction(async (tx) => {
    const before = await findApiKey(tx, scope, id);
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(inScope(apiKeys, scope), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (revoked.length === 0 || !before) return;
    // Every server caches verified keys; this tells them all, when the revocation commits.
    await tx.execute(sql`select pg_notify('api_key_revoked', ${id})`);
    const after = await findApiKey(tx, scope, id);
    if (audit && after) await audit(tx, before, after);
  });
  return findApiKey(db, scope, id);
}
