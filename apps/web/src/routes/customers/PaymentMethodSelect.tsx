import { TEST_PAYMENT_METHODS, type TestPaymentMethod } from '@peasswap/domain';
import { useDashboard } from '../../app/DashboardClients';
import { SelectField } from '../../components/SelectField';

const TEST_METHOD_LABELS: Record<TestPaymentMethod, string> = {
  pm_card_visa: 'Test card: succeeds',
  pm_card_chargeDeclined: 'Test card: declined',
  pm_card_chargeDeclinedInsufficientFunds: 'Test card: insufficient funds',
};

/**
 * Which payment method billing charges. Empty means the customer's default, decided when each
 * charge falls due; in test mode the API's test methods can be chosen too.
 */
export function PaymentMethodSelect({
  name,
  value,
  onValueChange,
  error,
}: {
  name: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
}) {
  const { environment } = useDashboard();
  return (
    <SelectField
      label="Payment method"
      name={name}
      value={value}
      onValueChange={onValueChange}
      error={error}
    >
      <option value="">The customer’s default</option>
      {environment === 'test' &&
        (Object.keys(TEST_PAYMENT_METHODS) as TestPaymentMethod[]).map((id) => (
          <option key={id} value={id}>
            {TEST_METHOD_LABELS[id]} ({id})
          </option>
        ))}
    </SelectField>
  );
}
