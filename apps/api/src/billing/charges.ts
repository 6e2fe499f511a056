import type { Executor } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';
import { chargeablePaymentMethod, paymentMethodForCharge } from '../queries/payment-methods.js';
import type { Scope } from '../queries/scope.js';
import type { ChargeDecider } from './engine.js';

/**
 * Billing's charges go to the payment processor, with the attempt's idempotency key; a saved
 * card goes as the network knows it, read in the attempt's transaction.
 */
export function processorDecider(processor: PaymentProcessor): ChargeDecider {
  return async (tx, charge) =>
    processor.charge({
      amount: charge.amount,
      currency: charge.currency,
      paymentMethod:
        charge.paymentMethod === null
          ? null
          : await paymentMethodForCharge(tx, charge.scope, charge.paymentMethod),
      livemode: charge.scope.livemode,
    });
}

/**
 * A payment method a subscription or schedule of `customerId` may be billed with: a test method,
 * or a saved card attached to that customer (else 400 naming `param`).
 */
export async function resolveBillingPaymentMethod(
  tx: Executor,
  scope: Scope,
  customerId: string,
  paymentMethod: string,
  param = 'defaultPaymentMethod',
): Promise<string> {
  return (await chargeablePaymentMethod(tx, scope, paymentMethod, customerId, param)).id;
}
