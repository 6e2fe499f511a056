import { useQuery } from '@tanstack/react-query';
import { useCan } from '../../app/session';
import { describeCard } from '../../lib/cards';
import { useTRPC } from '../../lib/trpc';

/**
 * The customer's saved cards (up to 100, one cached query shared by the payment method chooser
 * and the billing tables), and how to name a payment method id with them: "Visa •••• 4242", or
 * the id itself for one that is not among them (a test method, a detached card).
 */
export function useCustomerCards(customerId: string) {
  const trpc = useTRPC();
  const canRead = useCan('payment_methods:read');
  const query = useQuery(
    trpc.customers.paymentMethods.queryOptions(
      { id: customerId, limit: 100 },
      { enabled: canRead },
    ),
  );
  const cards = query.data?.data ?? [];
  const nameOf = (id: string): string | undefined => {
    const card = cards.find((candidate) => candidate.id === id);
    return card ? describeCard(card.card) : undefined;
  };
  return { cards, loaded: query.isSuccess, nameOf };
}
