import { DomainError, isTestPaymentMethod } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';
import type { Scope } from '../queries/scope.js';
import type { ChargeDecider } from './engine.js';

/** Billing's charges go to the payment processor, with the attempt's idempotency key. */
export function processorDecider(processor: PaymentProcessor): ChargeDecider {
  return (_tx, charge) =>
    Promise.resolve(
      processor.charge({
        amount: charge.amount,
        currency: charge.currency,
        paymentMethod: charge.paymentMethod,
        livemode: charge.scope.livemode,
      }),
    );
}

/**
 * A payment method a subscription or schedule of `customerId` may be billed with: a test method,
 * or (once saved payment methods exist) one attached to that customer.
 */
export function resolveBillingPaymentMethod(
  _tx: Executor,
  _scope: Scope,
  _customerId: string,
  paymentMethod: string,
  param = 'defaultPaymentMethod',
): Promise<string> {
  if (isTestPaymentMethod(paymentMethod)) return Promise.resolve(paymentMethod);
  throw new DomainError('resource_missing', `No such payment method: '${paymentMethod}'.`, {
    param,
    status: 400,
  });
}
