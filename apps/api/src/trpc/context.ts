import type { FastifyBaseLogger } from 'fastify';
import type { DomainError, Environment, Permission } from '@peasswap/domain';
import type { Database } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';
import type { UserRole } from '../queries/users.js';

/** A signed-in dashboard user, when the caller is one rather than an API key. */
export interface DashboardUser {
  id: string;
  email: string;
  role: UserRole;
  sessionId: string;
  accountName: string;
}

/** Who is calling: resolved once at the HTTP edge from the API key or the dashboard session. */
export interface Auth {
  accountId: string;
  livemode: boolean;
  /** The credential's id: the API key's, or the session's. Rate limits count per credential. */
  keyId: string;
  permissions: readonly Permission[];
  /** Set for dashboard sessions only; its role decides `permissions`. */
  user?: DashboardUser;
}

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

export interface Context {
  db: Database;
  requestId: string;
  log: FastifyBaseLogger;
  auth: Auth | undefined;
  /** Why the caller is not authenticated, when there is more to say than "no key". */
  authFailure?: DomainError | undefined;
  dashboard?: DashboardHttp | undefined;
  processor: PaymentProcessor;
}
