import { createPeasSwapClient, type AppRouter, type PeasSwapClient } from '@peasswap/client';
import { matchMutation, MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { Environment } from './environment';
import { isSessionEnded } from './errors';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Headers the API requires before it honours the session cookie (apps/api/src/auth/
 * dashboard-request.ts): a custom header no cross-site page can send without a preflight, and
 * the environment the test/live switch is on.
 */
export function dashboardHeaders(environment: Environment): Record<string, string> {
  return { 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': environment };
}

export interface EnvironmentClients {
  environment: Environment;
  trpcClient: PeasSwapClient;
  queryClient: QueryClient;
}

/**
 * One tRPC client and one query cache per environment: switching swaps both, so a test-mode
 * answer can never be shown, or cached, as live data.
 */
export function createEnvironmentClients(
  environment: Environment,
  onSessionEnded: () => void,
): EnvironmentClients {
  const onError = (error: unknown) => {
    if (isSessionEnded(error)) onSessionEnded();
  };
  // The client merchants install, with the session transport: no API key (the session cookie
  // goes with same-origin requests), the dashboard's headers instead. Same origin in production
  // (the API serves this app); Vite proxies /trpc in development. Queries share batches;
  // each mutation goes alone with its own Idempotency-Key, kept across its retries.
  const trpcClient = createPeasSwapClient({
    baseUrl: '',
    headers: () => dashboardHeaders(environment),
  });
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({
      onError,
      // Every change records an event and an audit entry with it: whatever a person just did,
      // the event lists (a customer's timeline, the Events screen) and the audit log (a
      // customer's Activity) now miss it. Not awaited: the change is done. Signing in or out
      // changes no data, and after sign-out a refetch could only be refused.
      onSuccess: (_data, _variables, _context, mutation) => {
        if (matchMutation({ mutationKey: proxy.session.pathKey() }, mutation)) return;
        void queryClient.invalidateQueries({ queryKey: proxy.events.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: proxy.auditLog.list.pathKey() });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // The client already retries what may succeed again (no answer, 429, 5xx) with backoff;
        // retrying here too would multiply the attempts.
        retry: false,
      },
    },
  });
  const proxy = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  return { environment, trpcClient, queryClient };
}
