import { parseKeyPrefix, PERMISSIONS } from '@peasswap/domain';
import type { Database } from '../db/client.js';
import { findActiveApiKeyByHash, touchApiKey } from '../queries/api-keys.js';
import type { Auth } from './types.js';
import { hashesEqual, hashSecret } from '../crypto/secrets.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** How long a verified key is trusted without asking the database again. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;
/** Last-used is written at most this often per key and process. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Verified API keys, by the SHA-256 of the secret, so a busy key costs no database round trip per
 * request. Revocation evicts at once in every process: revoking notifies `api_key_revoked`, which
 * each server listens to; the TTL bounds how long a key could outlive a lost notification.
 */
export class ApiKeyAuthenticator {
  private readonly verified = new Map<string, { auth: Auth; expiresAt: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly onTouchError: (error: unknown) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The caller behind an `Authorization: Bearer` header, or undefined without a usable key. */
  async authenticate(authorization: string | undefined): Promise<Auth | undefined> {
    const secret = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    const shape = secret ? parseKeyPrefix(secret) : undefined;
    if (!secret || !shape) return undefined;

    const secretHash = hashSecret(secret);
    const cached = this.verified.get(secretHash);
    const auth =
      cached && cached.expiresAt > this.now() ? cached.auth : await this.lookup(secretHash);
    if (!auth || auth.livemode !== (shape.environment === 'live')) return undefined;
    this.recordUse(auth.keyId);
    return auth;
  }

  /** Forget a key now (it was revoked, here or in another process). */
  evict(keyId: string): void {
    for (const [hash, entry] of this.verified) {
      if (entry.auth.keyId === keyId) this.verified.delete(hash);
    }
  }

  private async lookup(secretHash: string): Promise<Auth | undefined> {
    const key = await findActiveApiKeyByHash(this.db, secretHash);
    // The index found the row by its hash; compare the digests in constant time all the same.
    if (!key || !hashesEqual(key.secretHash, secretHash)) {
      this.verified.delete(secretHash);
      return undefined;
    }
    const auth: Auth = {
      accountId: key.accountId,
      livemode: key.livemode,
      keyId: key.id,
      permissions: key.kind === 'secret' ? PERMISSIONS : key.permissions,
    };
    if (this.verified.size >= CACHE_MAX_ENTRIES) this.verified.clear();
    this.verified.set(secretHash, { auth, expiresAt: this.now() + CACHE_TTL_MS });
    return auth;
  }

  /** Last-used is bookkeeping: it must not slow or fail the request it describes. */
  private recordUse(keyId: string): void {
    const now = this.now();
    if (now - (this.touchedAt.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touchedAt.set(keyId, now);
    touchApiKey(this.db, keyId).catch(this.onTouchError);
  }
}

export const API_KEY_REVOKED_CHANNEL = 'api_key_revoked';
