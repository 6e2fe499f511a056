import {
  InvitedUserSchema,
  UserIdInputSchema,
  UserInviteSchema,
  UserListSchema,
  UserRoleUpdateSchema,
  UserSchema,
  type User,
} from '../../auth/schemas.js';
import { changeUserRole, inviteUser, removeUser } from '../../auth/users.js';
import { listMembers, type Member } from '../../queries/users.js';
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
      const invited = await inviteUser(ctx.db, manager(ctx), input);
      return { user: toUser(invited.member), temporaryPassword: invited.temporaryPassword };
    }),

  updateRole: usersProcedure
    .input(UserRoleUpdateSchema)
    .output(UserSchema)
    .mutation(async ({ ctx, input }) =>
      toUser((await changeUserRole(ctx.db, manager(ctx), input)).after),
    ),

  remove: usersProcedure
    .input(UserIdInputSchema)
    .output(UserSchema)
    .mutation(async ({ ctx, input }) => toUser(await removeUser(ctx.db, manager(ctx), input))),
});

function manager(ctx: { user: { id: string }; scope: { accountId: string } }) {
  return { id: ctx.user.id, accountId: ctx.scope.accountId };
}
