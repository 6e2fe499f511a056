import { simulateCharge, type ChargeablePaymentMethod, type ChargeOutcome } from '@peasswap/domain';

/**
 * Where a payment is charged. The simulated processor decides from the payment method alone (a
 * test method's name, or what the network knows of a saved card); a real acquirer would implement
 * the same interface (and be called outside the database transaction, with the payment first
 * recorded as pending).
 */
export interface PaymentProcessor {
  charge(request: {
    amount: number;
    currency: string;
    paymentMethod: ChargeablePaymentMethod | null;
    livemode: boolean;
  }): ChargeOutcome;
}

export const simulatedProcessor: PaymentProcessor = {
  charge: ({ paymentMethod }) => simulateCharge(paymentMethod),
};
