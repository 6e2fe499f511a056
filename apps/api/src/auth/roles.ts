import { PERMISSIONS, type Permission } from '@peasswap/domain';
import type { UserRole } from '../queries/users.js';

/** What a dashboard role may do beyond the API permissions: things no API key can do. */
export const DASHBOARD_CAPABILITIES = ['api_keys:manage', 'users:manage'] as const;
export type DashboardCapability = (typeof DASHBOARD_CAPABILITIES)[number];

/** Reading the audit log (who changed what) is for owners, admins and developers, not viewers. */
const READS = PERMISSIONS.filter(
  (permission) => permission.endsWith(':read') && permission !== 'audit:read',
);

/**
 * SPEC §2 roles as the API permissions a signed-in user holds in either environment.
 * Support works with customers and their billing (payments, payment methods, subscriptions) but
 * touches neither webhooks nor events; a viewer only reads, and neither reads the audit log.
 */
const PERMISSIONS_BY_ROLE = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  developer: PERMISSIONS,
  support: [
    'customers:read',
    'customers:write',
    'payments:read',
    'payments:write',
    'payment_methods:read',
    'payment_methods:write',
    'subscriptions:read',
    'subscriptions:write',
  ],
  viewer: READS,
} as const satisfies Record<UserRole, readonly Permission[]>;

const CAPABILITIES_BY_ROLE = {
  owner: ['api_keys:manage', 'users:manage'],
  admin: ['api_keys:manage', 'users:manage'],
  developer: ['api_keys:manage'],
  support: [],
  viewer: [],
} as const satisfies Record<UserRole, readonly DashboardCapability[]>;

export function permissionsOfRole(role: UserRole): readonly Permission[] {
  return PERMISSIONS_BY_ROLE[role];
}

export function capabilitiesOfRole(role: UserRole): readonly DashboardCapability[] {
  return CAPABILITIES_BY_ROLE[role];
}
