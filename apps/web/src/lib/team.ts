import type { User, UserRole } from './types';

/** SPEC §2's roles, highest first, with what each may do in words. */
export const ROLES: readonly { role: UserRole; label: string; description: string }[] = [
  { role: 'owner', label: 'Owner', description: 'Everything, including keys and users.' },
  { role: 'admin', label: 'Admin', description: 'Everything, including keys and users.' },
  { role: 'developer', label: 'Developer', description: 'Everything but users.' },
  {
    role: 'support',
    label: 'Support',
    description: 'Customers and payments; no keys or webhooks.',
  },
  { role: 'viewer', label: 'Viewer', description: 'Reads everything, changes nothing.' },
];

const rank = (role: UserRole) => ROLES.length - ROLES.findIndex((entry) => entry.role === role);

/** The roles someone may give: their own and those below (the server refuses the rest). */
export function grantableRoles(own: UserRole): UserRole[] {
  return ROLES.map((entry) => entry.role).filter((role) => rank(role) <= rank(own));
}

export function roleLabel(role: UserRole): string {
  return ROLES.find((entry) => entry.role === role)?.label ?? role;
}

/**
 * Why the signed-in user cannot change or remove `user`, or undefined when they can. The server
 * decides; this only keeps buttons that would be refused off the screen.
 */
export function lockedReason(
  user: User,
  me: { id: string; role: UserRole },
  users: readonly User[],
): string | undefined {
  if (rank(user.role) > rank(me.role)) return `Only an owner can change an ${user.role}.`;
  const owners = users.filter((other) => other.role === 'owner').length;
  if (user.role === 'owner' && owners === 1) return 'The last owner stays an owner.';
  return undefined;
}
