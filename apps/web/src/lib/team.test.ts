import { describe, expect, it } from 'vitest';
import { grantableRoles, lockedReason } from './team';
import type { User } from './types';

const user = (id: string, role: User['role']): User => ({
  id,
  object: 'user',
  email: `${id}@example.com`,
  role,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSignInAt: null,
  mustChangePassword: false,
  invitedBy: null,
});

describe('team', () => {
  it('offers the roles up to one’s own', () => {
    expect(grantableRoles('owner')).toEqual(['owner', 'admin', 'developer', 'support', 'viewer']);
    expect(grantableRoles('admin')).toEqual(['admin', 'developer', 'support', 'viewer']);
  });

  it('locks the last owner, and owners for an admin', () => {
    const owner = user('o', 'owner');
    const admin = user('a', 'admin');
    expect(lockedReason(owner, owner, [owner, admin])).toBe('The last owner stays an owner.');
    expect(lockedReason(owner, admin, [owner, admin])).toMatch(/Only an owner/);
    expect(lockedReason(admin, owner, [owner, admin])).toBeUndefined();
    const second = user('o2', 'owner');
    expect(lockedReason(owner, owner, [owner, second, admin])).toBeUndefined();
  });
});
