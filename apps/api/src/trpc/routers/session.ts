import { findAccount } from '../../queries/accounts.js';
import { changePassword, signIn } from '../../auth/sign-in.js';
import { capabilitiesOfRole, permissionsOfRole } from '../../auth/roles.js';
import { hashSecret } from '../../crypto/secrets.js';
import {
  PasswordChangeSchema,
  SessionSchema,
  SignInSchema,
  type Session,
} from '../../auth/schemas.js';
import { deleteSessionByTokenHash } from '../../queries/sessions.js';
import type { UserRole } from '../../queries/users.js';
import { publicProcedure, router, sessionProcedure, userProcedure } from '../init.js';
import type { Environment } from '@peasswap/domain';

function sessionView(
  user: { id: string; email: string; role: UserRole; mustChangePassword: boolean },
  account: { id: string; name: string },
  environment: Environment,
): Session {
  // A temporary password's session holds nothing until it is changed (see procedureWith).
  const restricted = user.mustChangePassword;
  return {
    object: 'session',
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
    },
    account,
    environment,
    permissions: restricted ? [] : [...permissionsOfRole(user.role)],
    capabilities: restricted ? [] : [...capabilitiesOfRole(user.role)],
  };
}

/** Dashboard sign-in. tRPC only: REST callers use API keys. */
export const sessionRouter = router({
  signIn: sessionProcedure
    .input(SignInSchema)
    .output(SessionSchema)
    .mutation(async ({ ctx, input }) => {
      const signedIn = await signIn(ctx.db, input.email, input.password);
      // Signing in again (as the same or another user) ends the session this browser had.
      const previous = ctx.dashboard.sessionToken;
      if (previous) await deleteSessionByTokenHash(ctx.db, hashSecret(previous));
      ctx.dashboard.setSessionCookie(signedIn.token, signedIn.expiresAt);
      const account = await findAccount(ctx.db, signedIn.user.accountId);
      if (!account) throw new Error(`user ${signedIn.user.id} has no account`);
      return sessionView(signedIn.user, account, ctx.dashboard.environment ?? 'test');
    }),

  signOut: sessionProcedure.mutation(async ({ ctx }) => {
    const token = ctx.dashboard.sessionToken;
    if (token) await deleteSessionByTokenHash(ctx.db, hashSecret(token));
    ctx.dashboard.clearSessionCookie();
    return { signedOut: true as const };
  }),

  /**
   * A new password for the signed-in user. The only procedure a session opened with a temporary
   * password may call; once it succeeds the session holds its role's permissions.
   */
  changePassword: userProcedure
    .input(PasswordChangeSchema)
    .output(SessionSchema)
    .mutation(async ({ ctx, input }) => {
      await changePassword(
        ctx.db,
        ctx.outbox,
        { ...ctx.user, accountId: ctx.auth.accountId },
        input,
      );
      return sessionView(
        { ...ctx.user, mustChangePassword: false },
        { id: ctx.auth.accountId, name: ctx.user.accountName },
        ctx.auth.livemode ? 'live' : 'test',
      );
    }),

  /** Who is signed in, or null: the dashboard asks this first, and a null is not an error. */
  me: publicProcedure.output(SessionSchema.nullable()).query(({ ctx }) => {
    const user = ctx.auth?.user;
    if (!ctx.auth || !user) {
      // An ended session: forget the cookie so the browser stops sending it.
      if (ctx.dashboard?.sessionToken && !ctx.dashboard.crossSiteProblem) {
        ctx.dashboard.clearSessionCookie();
      }
      return null;
    }
    return sessionView(
      user,
      { id: ctx.auth.accountId, name: user.accountName },
      ctx.auth.livemode ? 'live' : 'test',
    );
  }),
});
