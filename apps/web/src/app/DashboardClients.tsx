import type { AppRouter } from '@peasswap/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { setEnvironment, useEnvironment, type Environment } from '../lib/environment';
import { createEnvironmentClients, TRPCProvider, type EnvironmentClients } from '../lib/trpc';

interface DashboardControls {
  environment: Environment;
  switchEnvironment: (next: Environment) => void;
  /** Forget everything cached in both environments (sign-in, sign-out: another person's data). */
  forgetAll: () => void;
}

const Controls = createContext<DashboardControls | null>(null);

export function useDashboard(): DashboardControls {
  const controls = useContext(Controls);
  if (!controls) throw new Error('useDashboard needs <DashboardClients>');
  return controls;
}

/** Provides the clients of the environment the switch is on; see createEnvironmentClients. */
export function DashboardClients({ children }: { children: ReactNode }) {
  const environment = useEnvironment();
  const clients = useMemo(() => {
    const all = {} as Record<Environment, EnvironmentClients>;
    // A 401 anywhere means the session ended: `me` becomes null and the app shows sign-in.
    const sessionEnded = () => {
      for (const { trpcClient, queryClient } of Object.values(all)) {
        const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
        queryClient.setQueryData(trpc.session.me.queryKey(), null);
      }
    };
    all.test = createEnvironmentClients('test', sessionEnded);
    all.live = createEnvironmentClients('live', sessionEnded);
    return all;
  }, []);

  const controls = useMemo<DashboardControls>(
    () => ({
      environment,
      switchEnvironment: setEnvironment,
      forgetAll: () => {
        for (const { queryClient } of Object.values(clients)) queryClient.clear();
      },
    }),
    [environment, clients],
  );

  const { trpcClient, queryClient } = clients[environment];
  // Keyed by environment: everything below mounts afresh on the new clients (a mounted query
  // stays bound to the client it was created with).
  return (
    <Controls.Provider value={controls}>
      <QueryClientProvider key={environment} client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </Controls.Provider>
  );
}
