import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorNotice, Loading } from '../components/States';
import { ChangePasswordPage } from '../routes/password/ChangePasswordPage';
import { useTRPC } from '../lib/trpc';
import type { Session } from '../lib/types';

const SessionContext = createContext<Session | null>(null);

/** The signed-in user, their role's permissions and the environment (inside <RequireSession>). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs <RequireSession>');
  return session;
}

export function useCan(permission: Session['permissions'][number]): boolean {
  return useSession().permissions.includes(permission);
}

/** Screens behind sign-in: without a session, go to /sign-in and come back here after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const location = useLocation();
  const me = useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 60_000 }));

  if (me.isPending) {
    return (
      <div className="page-center">
        <Loading label="Loading…" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="page-center">
        <ErrorNotice
          title="The dashboard could not start"
          error={me.error}
          onRetry={() => void me.refetch()}
        />
      </div>
    );
  }
  if (me.data === null) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  // A temporary password's session may do nothing else (the server refuses it) until changed.
  if (me.data.user.mustChangePassword) return <ChangePasswordPage session={me.data} />;
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}
