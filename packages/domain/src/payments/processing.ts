/**
 * Simulated card processing: there is no card network here. A payment succeeds unless its payment
 * method is one of the decline test methods (Stripe's test tokens) or a saved card whose number is
 * one of the decline test numbers.
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

/**
 * What the processor is asked to charge: a test method by its name, or a saved card by what the
 * network knows of it (the decline its number implies, kept when it was saved; never the number).
 */
export interface ChargeablePaymentMethod {
  id: string;
  savedCard?: { chargeFailureCode: FailureCode | null };
}

export function simulateCharge(paymentMethod: ChargeablePaymentMethod | null): ChargeOutcome {
  let failureCode: FailureCode | null = null;
  if (paymentMethod?.savedCard) failureCode = paymentMethod.savedCard.chargeFailureCode;
  else if (paymentMethod && isTestPaymentMethod(paymentMethod.id)) {
    failureCode = TEST_PAYMENT_METHODS[paymentMethod.id];
  }
  return failureCode === null
    ? { status: 'succeeded', failureCode: null }
    : { status: 'failed', failureCode };
}
