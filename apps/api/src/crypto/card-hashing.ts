import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of card data, under one server secret (FINGERPRINT_SECRET, or a random secret kept
 * in the database): a card number's fingerprint, and what stands for a card field in an
 * idempotent request's hash. Never a plain hash of a number: 16-digit numbers with a known issuer
 * prefix and a check digit are few enough to hash them all, so only the key makes a digest safe.
 */
export interface CardHashing {
  /** Load (or create) the secret now, so later calls never wait on the database. */
  ready(): Promise<void>;
  /** Equal for the same number within an account, unrelated across accounts. */
  fingerprint(accountId: string, digits: string): Promise<string>;
  /** A keyed digest of a card field's value (its canonical JSON), for a request's hash. */
  requestFieldDigest(value: string): Promise<string>;
}

const FINGERPRINT_LENGTH = 16;

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * `loadSecret` is asked once per process (again only if it failed). Purposes get keys of their
 * own: a fingerprint is HMAC(accountKey, digits) with accountKey = HMAC(secret, account id), and a
 * request field's digest is keyed apart from every account's key.
 */
export function cardHashing(loadSecret: () => Promise<Buffer>): CardHashing {
  let secret: Promise<Buffer> | undefined;
  const load = () => {
    secret ??= loadSecret().catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
  return {
    ready: async () => {
      await load();
    },
    fingerprint: async (accountId, digits) => {
      const accountKey = hmac(await load(), `card-fingerprint:${accountId}`);
      return hmac(accountKey, digits).toString('base64url').slice(0, FINGERPRINT_LENGTH);
    },
    requestFieldDigest: async (value) => {
      const key = hmac(await load(), 'idempotency-request-card-field');
      return hmac(key, value).toString('hex');
    },
  };
}
