import {
  InvitedUserSchema,
  UserIdInputSchema,
  UserInviteSchema,
  UserListSchema,
  UserRoleUpdateSchema,
  UserSchema,
  type User,
} from '../../auth/schemas.js';
import {
  changeUserRole,
  inviteUser,
  removeUser,
  type MemberChangeRecorder,
} from '../../auth/users.js';
import { listMembers, type Member } from '../../queries/users.js';
import type { Context } from '../context.js';
import { dashboardProcedureWith, router } from '../init.js';

function toUser(member: Member): User {
  return {
    id: member.id,
    object: 'user',
    email: member.email,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
    lastSignInAt: member.lastSignInAt?.toISOString() ?? null,
    mustChangePassword: member.mustChangePassword,
    invitedBy: member.invitedBy,
  };
}

const usersProcedure = dashboardProcedureWith('users:manage');

/**
 * The Team screen: the account's dashboard users, whichever environment the dashboard shows (users
 * belong to the account, not to an environment). tRPC only, like API keys: no key manages users.
 * The rules (last owner, no raising of roles) are in auth/users.ts.
 */
export const usersRouter = router({
  list: usersProcedure.output(UserListSchema).query(async ({ ctx }) => ({
    object: 'list' as const,
    data: (await listMembers(ctx.db, ctx.scope.accountId)).map(toUser),
  })),

  invite: usersProcedure
    .input(UserInviteSchema)
    .output(InvitedUserSchema)
    .mutation(async ({ ctx, input }) => {
      const invited = await inviteUser(ctx.db, manager(ctx), input, audited(ctx, 'user.invited'));
      return { user: toUser(invited.member), temporaryPassword: invited.temporaryPassword };
    }),

  updateRole: usersProcedure
    .input(UserRoleUpdateSchema)
    .output(UserSchema)
    .mutation(async ({ ctx, input }) =>
      toUser(
        (await changeUserRole(ctx.db, manager(ctx), input, audited(ctx, 'user.role_updated')))
          .after,
      ),
    ),

  remove: usersProcedure
    .input(UserIdInputSchema)
    .output(UserSchema)
    .mutation(async ({ ctx, input }) =>
      toUser(await removeUser(ctx.db, manager(ctx), input, audited(ctx, 'user.removed'))),
    ),
});

function manager(ctx: { user: { id: string }; scope: { accountId: string } }) {
  return { id: ctx.user.id, accountId: ctx.scope.accountId };
}

/**
 * The audit entry of a change to a user, in its transaction: account-wide (users belong to no
 * environment), the user as the API answers it (never a password or its hash).
 */
function audited(
  ctx: Pick<Context, 'outbox'> & { scope: { accountId: string } },
  action: string,
): MemberChangeRecorder {
  return async (tx, before, after) => {
    const objectId = (after ?? before)?.id;
    if (objectId === undefined) return;
    await ctx.outbox.audit(tx, { accountId: ctx.scope.accountId, livemode: null }, [
      {
        action,
        objectId,
        ...(before && { before: toUser(before) }),
        ...(after && { after: toUser(after) }),
      },
    ]);
  };
}
