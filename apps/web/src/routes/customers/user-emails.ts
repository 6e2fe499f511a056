import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { useTRPC } from '../../lib/trpc';

/**
 * The emails the dashboard knows for user ids, to name who made a change (an audit entry names a
 * user by id): the signed-in user's own, and for those who manage users (owner, admin) the whole
 * team's. Others see a teammate's id.
 */
export function useUserEmails(): (userId: string) => string | undefined {
  const trpc = useTRPC();
  const { user, capabilities } = useSession();
  const team = useQuery(
    trpc.users.list.queryOptions(undefined, {
      enabled: capabilities.includes('users:manage'),
      staleTime: 60_000,
    }),
  );
  return (userId) =>
    userId === user.id ? user.email : team.data?.data.find((member) => member.id === userId)?.email;
}
