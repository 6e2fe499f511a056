import { DomainError, randomBase62 } from '@peasswap/domain';
import { hashPassword } from '../crypto/secrets.js';
import type { Executor } from '../db/client.js';
import {
  deleteMember,
  insertInvitedMember,
  lockMembers,
  updateMemberRole,
  type Member,
  type UserRole,
} from '../queries/users.js';
import { capabilitiesOfRole } from './roles.js';

/**
 * Managing an account's dashboard users. The rules, all decided on the account's users as locked
 * in the deciding transaction (never on the role a session read when the request began):
 *
 * - the account keeps at least one owner: the last one can be neither demoted nor removed;
 * - nobody grants a role above their own (an admin cannot make an owner), so nobody raises
 *   their own role either;
 * - nobody changes or removes a user whose role is above their own (an admin cannot demote or
 *   remove an owner);
 * - lowering your own role, or removing yourself, is allowed while another owner remains.
 */
const ROLE_RANK = {
  viewer: 0,
  support: 1,
  developer: 2,
  admin: 3,
  owner: 4,
} as const satisfies Record<UserRole, number>;

const above = (role: UserRole, other: UserRole) => ROLE_RANK[role] > ROLE_RANK[other];

/** Temporary passwords: 20 base62 characters from the CSPRNG (~119 bits). */
const TEMPORARY_PASSWORD_LENGTH = 20;

export interface Manager {
  id: string;
  accountId: string;
}

/**
 * Records a change to a user in the deciding transaction (its audit entry): the user before
 * (undefined when invited) and after (undefined when removed).
 */
export type MemberChangeRecorder = (
  tx: Executor,
  before: Member | undefined,
  after: Member | undefined,
) => Promise<unknown>;

const recordNothing: MemberChangeRecorder = () => Promise.resolve();

function userMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such user: '${id}'.`, { param: 'id' });
}

/**
 * The acting user as the locked rows have them: removed or demoted by someone else a moment ago,
 * they may no longer manage users at all.
 */
function managerAmong(members: readonly Member[], manager: Manager): Member {
  const self = members.find((member) => member.id === manager.id);
  if (!self) throw new DomainError('session_expired', 'Your session has ended. Sign in again.');
  if (!capabilitiesOfRole(self.role).includes('users:manage')) {
    throw new DomainError(
      'insufficient_permissions',
      `Your role (${self.role}) does not allow 'users:manage'.`,
    );
  }
  return self;
}

function targetAmong(members: readonly Member[], id: string): Member {
  const target = members.find((member) => member.id === id);
  if (!target) throw userMissing(id);
  return target;
}

function refuseGrantAbove(self: Member, role: UserRole, target?: Member): void {
  if (!above(role, self.role)) return;
  throw new DomainError(
    'insufficient_permissions',
    target?.id === self.id
      ? 'You cannot raise your own role.'
      : `Your role (${self.role}) cannot give the ${role} role.`,
    { param: 'role' },
  );
}

function refuseActingAbove(self: Member, target: Member): void {
  if (!above(target.role, self.role)) return;
  throw new DomainError(
    'insufficient_permissions',
    `Your role (${self.role}) cannot change or remove an ${target.role}.`,
    { param: 'id' },
  );
}

function refuseLosingLastOwner(members: readonly Member[], target: Member, action: string): void {
  if (target.role !== 'owner') return;
  if (members.some((member) => member.role === 'owner' && member.id !== target.id)) return;
  throw new DomainError(
    'last_owner',
    `The account's last owner cannot be ${action}: make another user an owner first.`,
    { param: 'id' },
  );
}

/** A new user with a temporary password, which is answered this once and kept only hashed. */
export async function inviteUser(
  db: Executor,
  manager: Manager,
  input: { email: string; role: UserRole },
  record: MemberChangeRecorder = recordNothing,
): Promise<{ member: Member; temporaryPassword: string }> {
  const temporaryPassword = randomBase62(TEMPORARY_PASSWORD_LENGTH);
  // Hashed before the transaction: scrypt's tens of milliseconds hold no lock.
  const passwordHash = await hashPassword(temporaryPassword);
  return db.transaction(async (tx) => {
    const members = await lockMembers(tx, manager.accountId);
    refuseGrantAbove(managerAmong(members, manager), input.role);
    const member = await insertInvitedMember(tx, {
      accountId: manager.accountId,
      email: input.email,
      role: input.role,
      passwordHash,
      invitedBy: manager.id,
    });
    if (!member) {
      throw new DomainError(
        'user_email_taken',
        'A dashboard user already signs in with this email.',
        {
          param: 'email',
        },
      );
    }
    await record(tx, undefined, member);
    return { member, temporaryPassword };
  });
}

export async function changeUserRole(
  db: Executor,
  manager: Manager,
  input: { id: string; role: UserRole },
  record: MemberChangeRecorder = recordNothing,
): Promise<{ before: Member; after: Member }> {
  return db.transaction(async (tx) => {
    const members = await lockMembers(tx, manager.accountId);
    const self = managerAmong(members, manager);
    const target = targetAmong(members, input.id);
    refuseActingAbove(self, target);
    refuseGrantAbove(self, input.role, target);
    if (input.role === target.role) return { before: target, after: target };
    if (input.role !== 'owner') refuseLosingLastOwner(members, target, 'demoted');
    const after = await updateMemberRole(tx, manager.accountId, target.id, input.role);
    if (!after) throw userMissing(input.id);
    await record(tx, target, after);
    return { before: target, after };
  });
}

/** Remove a user; their sessions go in the same transaction, so their next request is a 401. */
export async function removeUser(
  db: Executor,
  manager: Manager,
  input: { id: string },
  record: MemberChangeRecorder = recordNothing,
): Promise<Member> {
  return db.transaction(async (tx) => {
    const members = await lockMembers(tx, manager.accountId);
    const self = managerAmong(members, manager);
    const target = targetAmong(members, input.id);
    refuseActingAbove(self, target);
    refuseLosingLastOwner(members, target, 'removed');
    await deleteMember(tx, manager.accountId, target.id);
    await record(tx, target, undefined);
    return target;
  });
}
