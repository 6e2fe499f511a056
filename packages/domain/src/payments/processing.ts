/**
 * Simulated card processing: there is no card network here. A payment succeeds unless its payment
 * method is one of the decline test methods, mirroring Stripe's test tokens.
 */
export const FAILURE_CODES = ['card_declined', 'insufficient_funds'] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export type ChargeOutcome =
  { status: 'succeeded'; failureCode: null } | { status: 'failed'; failureCode: FailureCode };

/** Test payment methods usable before any are created: Stripe's names for the same cards. */
export const TEST_PAYMENT_METHODS = {
  pm_card_visa: null,
  pm_card_chargeDeclined: 'card_declined',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
} as const satisfies Record<string, FailureCode | null>;

export type TestPaymentMethod = keyof typeof TEST_PAYMENT_METHODS;

export function isTestPaymentMethod(id: string): id is TestPaymentMethod {
  return Object.hasOwn(TEST_PAYMENT_METHODS, id);
}

export function simulateCharge(paymentMethod: string | null): ChargeOutcome {
  const failureCode =
    paymentMethod !== null && isTestPaymentMethod(paymentMethod)
      ? TEST_PAYMENT_METHODS[paymentMethod]
      : null;
  return failureCode === null
    ? { status: 'succeeded', failureCode: null }
    : { status: 'failed', failureCode };
}
