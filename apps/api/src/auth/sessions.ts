import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '@peasswap/domain';
import type { Database } from '../db/client.js';
import { findActiveSessionByTokenHash } from '../queries/sessions.js';
import type { Auth } from './types.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { crossSiteProblem, environmentOf, ENVIRONMENT_HEADER } from './dashboard-request.js';
import { permissionsOfRole } from './roles.js';
import { hashesEqual, hashSecret } from '../crypto/secrets.js';

/** Sessions last a working day; after that the person signs in again. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export type SessionResult =
  { kind: 'none' } | { kind: 'signed-in'; auth: Auth } | { kind: 'refused'; error: DomainError };

/**
 * The dashboard user behind a tRPC request's session cookie. A cookie counts only on a request
 * that passes the cross-site checks; an ended or unknown session is refused with a reason, so the
 * dashboard can ask the person to sign in again.
 */
export async function authenticateSession(
  db: Database,
  headers: IncomingHttpHeaders,
): Promise<SessionResult> {
  const token = readCookie(headers.cookie, SESSION_COOKIE);
  if (!token) return { kind: 'none' };

  const problem = crossSiteProblem(headers);
  if (problem)
    return { kind: 'refused', error: new DomainError('cross_site_request_refused', problem) };

  const environment = environmentOf(headers);
  if (!environment) {
    return {
      kind: 'refused',
      error: new DomainError('parameter_invalid', `${ENVIRONMENT_HEADER} is test or live.`),
    };
  }

  const tokenHash = hashSecret(token);
  const session = await findActiveSessionByTokenHash(db, tokenHash);
  if (!session || !hashesEqual(session.tokenHash, tokenHash)) {
    return {
      kind: 'refused',
      error: new DomainError('session_expired', 'Your session has ended. Sign in again.'),
    };
  }
  return {
    kind: 'signed-in',
    auth: {
      accountId: session.user.accountId,
      livemode: environment === 'live',
      keyId: session.id,
      // None until a temporary password is changed: routes that check permissions refuse it too.
      permissions: session.user.mustChangePassword ? [] : permissionsOfRole(session.user.role),
      user: {
        id: session.user.id,
        email: session.user.email,
        role: session.user.role,
        sessionId: session.id,
        accountName: session.accountName,
        mustChangePassword: session.user.mustChangePassword,
      },
    },
  };
}
