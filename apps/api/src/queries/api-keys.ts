import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Permission } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  livemode: boolean;
  kind: 'secret' | 'restricted';
  secretHash: string;
  permissions: Permission[];
}

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
