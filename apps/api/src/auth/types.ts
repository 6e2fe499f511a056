import type { Permission } from '@peasswap/domain';
import type { UserRole } from '../queries/users.js';

/** A signed-in dashboard user, when the caller is one rather than an API key. */
export interface DashboardUser {
  id: string;
  email: string;
  role: UserRole;
  sessionId: string;
  accountName: string;
  /**
   * Signed in with a temporary password (an invitation's): every procedure but changing the
   * password refuses the session until it is changed.
   */
  mustChangePassword: boolean;
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
