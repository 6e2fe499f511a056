import type { FastifyBaseLogger } from 'fastify';
import type { DomainError, Environment } from '@peasswap/domain';
import type { ApiKeyAuthenticator } from '../auth/api-keys.js';
import type { Auth } from '../auth/types.js';
import type { CardHashing } from '../crypto/card-hashing.js';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import type { PaymentProcessor } from '../payments/processor.js';
import type { HostResolver } from '../webhooks/destinations.js';

/**
 * The dashboard's side of a tRPC request: whether it passed the cross-site checks, and the
 * session cookie it can set or clear. REST requests have none (they never sign in).
 */
export interface DashboardHttp {
  /** Why this request may not act on a session (sign in, sign out), or undefined. */
  crossSiteProblem: string | undefined;
  sessionToken: string | undefined;
  environment: Environment | undefined;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

export type { Auth, DashboardUser } from '../auth/types.js';

export interface Context {
  /** The request's database: its idempotency transaction when it has one. */
  db: Executor;
  /**
   * Where lists, search, analytics and the export read: the read replica (DATABASE_READ_URL),
   * whose rows may trail the latest writes, else `db`. Never for a read that decides a write.
   */
  readDb: Executor;
  requestId: string;
  log: FastifyBaseLogger;
  auth: Auth | undefined;
  /** Why the caller is not authenticated, when there is more to say than "no key". */
  authFailure?: DomainError | undefined;
  dashboard?: DashboardHttp | undefined;
  /** Records this request's changes as events, in the transaction that makes them. */
  outbox: Outbox;
  processor: PaymentProcessor;
  /** Keyed hashes of card numbers (fingerprints), under the server's secret. */
  cardHashing: CardHashing;
  /** Resolves a webhook URL's host for the SSRF check on create and update (tests give theirs). */
  resolveHost: HostResolver;
  /** Verified API keys of this process, so a revocation takes effect here at once. */
  apiKeys?: Pick<ApiKeyAuthenticator, 'evict'> | undefined;
}
