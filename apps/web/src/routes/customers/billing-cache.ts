import type { AppRouter } from '@peasswap/client';
import type { QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';

/**
 * After anything that can charge (a subscription created without a trial, a schedule whose first
 * item is due) or change billing: the subscription lists everywhere, and this customer's
 * payments and analytics.
 */
export async function invalidateBilling(
  queryClient: QueryClient,
  trpc: TRPCOptionsProxy<AppRouter>,
  customerId: string,
): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.subscriptions.list.pathKey() }),
    queryClient.invalidateQueries({
      queryKey: trpc.customers.payments.queryKey({ id: customerId }),
    }),
    queryClient.invalidateQueries({
      queryKey: trpc.customers.analytics.queryKey({ id: customerId }),
    }),
  ]);
}
