import { parseKeyPrefix, PERMISSIONS } from '@peasswap/domain';
import type { Database } from '../db/client.js';
import { findActiveApiKeyByHash, touchApiKey } from '../queries/api-keys.js';
import type { Auth } from '../trpc/context.js';
import { hashesEqual, hashSecret } from './secrets.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The caller behind an `Authorization: Bearer` header, or undefined when there is no usable key.
 * Keys are found by their SHA-256 (an indexed lookup) and the digests compared in constant time.
 */
export async function authenticateApiKey(
  db: Database,
  authorization: string | undefined,
  onTouchError: (error: unknown) => void,
): Promise<Auth | undefined> {
  const secret = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  const shape = secret ? parseKeyPrefix(secret) : undefined;
  if (!secret || !shape) return undefined;

  const secretHash = hashSecret(secret);
  const key = await findActiveApiKeyByHash(db, secretHash);
  if (!key || !hashesEqual(key.secretHash, secretHash)) return undefined;
  if (key.livemode !== (shape.environment === 'live')) return undefined;

  // Last-used is bookkeeping: it must not slow or fail the request it describes.
  touchApiKey(db, key.id).catch(onTouchError);
  return {
    accountId: key.accountId,
    livemode: key.livemode,
    keyId: key.id,
    permissions: key.kind === 'secret' ? PERMISSIONS : key.permissions,
  };
}
