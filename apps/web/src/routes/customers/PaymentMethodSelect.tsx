import { useQuery } from '@tanstack/react-query';
import { SelectField } from '../../components/SelectField';
import { describeCard, formatExpiry } from '../../lib/cards';
import { useTRPC } from '../../lib/trpc';
import { useCustomerCards } from './customer-cards';

/**
 * Which payment method billing charges: one of the customer's saved cards, or (empty) their
 * default, decided when each charge falls due.
 */
export function PaymentMethodSelect({
  customerId,
  name,
  value,
  onValueChange,
  error,
}: {
  customerId: string;
  name: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
}) {
  const trpc = useTRPC();
  const customer = useQuery(trpc.customers.retrieve.queryOptions({ id: customerId }));
  const { cards, loaded } = useCustomerCards(customerId);
  const fallback = cards.find((card) => card.id === customer.data?.defaultPaymentMethod);
  return (
    <SelectField
      label="Payment method"
      name={name}
      value={value}
      onValueChange={onValueChange}
      error={error}
      {...(loaded &&
        cards.length === 0 && { hint: 'No saved cards: add one under Payment methods.' })}
    >
      <option value="">
        {fallback
          ? `The customer’s default (${describeCard(fallback.card)})`
          : 'The customer’s default'}
      </option>
      {cards.map((card) => (
        <option key={card.id} value={card.id}>
          {describeCard(card.card)}, expires {formatExpiry(card.card.expMonth, card.card.expYear)}
        </option>
      ))}
    </SelectField>
  );
}
