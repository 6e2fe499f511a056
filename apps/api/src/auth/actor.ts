import type { AuditActor } from '@peasswap/domain';
import type { Auth } from './types.js';

/**
 * Who a request's changes are by, for their audit entries: the signed-in user, or the API key.
 * A request without credentials changes nothing (every write needs a permission); were one to,
 * it would be the system's.
 */
export function actorOf(auth: Auth | undefined): AuditActor {
  if (auth?.user) return { type: 'user', id: auth.user.id };
  if (auth) return { type: 'api_key', id: auth.keyId };
  return { type: 'system', id: null };
}
