import type { AppRouter } from '@peasswap/api/router';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { readApiKey } from './api-key';
import { isClientError } from './errors';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Same origin in production (the API serves this app); Vite proxies /trpc in development. */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      headers() {
        const apiKey = readApiKey();
        return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
      },
    }),
  ],
});

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
    },
  });
}
