import { describe, expect, it } from 'vitest';
import { codeOfIssue } from '../common/issues.js';
import { PAYMENT_AMOUNT_MAX, PaymentCreateSchema, PaymentListQuerySchema } from './schemas.js';
import { simulateCharge } from './processing.js';

const valid = { amount: 1000, currency: 'usd' };

function firstIssue(input: unknown) {
  const result = PaymentCreateSchema.safeParse(input);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return issue && { path: issue.path.join('.'), code: codeOfIssue(issue) ?? issue.code };
}

describe('PaymentCreateSchema', () => {
  it('accepts a minimal payment and lowercases the currency', () => {
    expect(PaymentCreateSchema.parse({ amount: 1, currency: 'EUR' })).toEqual({
      amount: 1,
      currency: 'eur',
    });
    expect(PaymentCreateSchema.parse({ ...valid, amount: PAYMENT_AMOUNT_MAX }).amount).toBe(
      99_999_999,
    );
  });

  it.each([
    ['zero', { ...valid, amount: 0 }, 'amount'],
    ['negative', { ...valid, amount: -5 }, 'amount'],
    ['fractional', { ...valid, amount: 10.5 }, 'amount'],
    ['a string', { ...valid, amount: '1000' }, 'amount'],
    ['over the maximum', { ...valid, amount: PAYMENT_AMOUNT_MAX + 1 }, 'amount'],
    ['not finite', { ...valid, amount: Number.POSITIVE_INFINITY }, 'amount'],
    ['an unknown currency', { ...valid, currency: 'abc' }, 'currency'],
    ['a metal', { ...valid, currency: 'xau' }, 'currency'],
    ['a missing currency', { amount: 100 }, 'currency'],
    [
      'a card number in the description',
      { ...valid, description: '4242 4242 4242 4242' },
      'description',
    ],
    ['an unknown field', { ...valid, capture: true }, ''],
    [
      'a lone surrogate in the description',
      { ...valid, description: 'Invoice \ud800' },
      'description',
    ],
    [
      'a lone surrogate in a metadata value',
      { ...valid, metadata: { ref: '\udfff' } },
      'metadata.ref',
    ],
    ['a lone surrogate in a metadata key', { ...valid, metadata: { '\udfff': 'x' } }, 'metadata'],
    [
      'a __proto__ metadata key sent as JSON',
      { ...valid, metadata: JSON.parse('{"__proto__": "x"}') as object },
      'metadata.__proto__',
    ],
  ])('refuses %s, naming the field', (_label, input, path) => {
    expect(firstIssue(input)?.path).toBe(path);
  });

  it('codes a card number as sensitive data', () => {
    expect(firstIssue({ ...valid, metadata: { pan: '4000000000000002' } })).toEqual({
      path: 'metadata.pan',
      code: 'sensitive_data_rejected',
    });
  });
});

describe('PaymentListQuerySchema', () => {
  it('takes a customer filter with the usual cursors', () => {
    expect(PaymentListQuerySchema.parse({ customer: 'cus_1' })).toEqual({
      customer: 'cus_1',
      limit: 10,
    });
    expect(
      PaymentListQuerySchema.safeParse({ startingAfter: 'a', endingBefore: 'b' }).success,
    ).toBe(false);
  });
});

describe('simulateCharge', () => {
  const saved = (chargeFailureCode: 'card_declined' | 'insufficient_funds' | null) => ({
    id: 'pm_saved',
    savedCard: { chargeFailureCode },
  });
  it.each([
    ['no method', null, 'succeeded', null],
    ['pm_card_visa', { id: 'pm_card_visa' }, 'succeeded', null],
    ['pm_card_chargeDeclined', { id: 'pm_card_chargeDeclined' }, 'failed', 'card_declined'],
    [
      'pm_card_chargeDeclinedInsufficientFunds',
      { id: 'pm_card_chargeDeclinedInsufficientFunds' },
      'failed',
      'insufficient_funds',
    ],
    ['a saved card that succeeds', saved(null), 'succeeded', null],
    ['a saved card that declines', saved('card_declined'), 'failed', 'card_declined'],
    ['a saved card short of funds', saved('insufficient_funds'), 'failed', 'insufficient_funds'],
    [
      'a saved card whose id looks like a test token',
      { id: 'pm_card_chargeDeclined', savedCard: { chargeFailureCode: null } },
      'succeeded',
      null,
    ],
  ])('%s → %s', (_label, method, status, failureCode) => {
    expect(simulateCharge(method)).toEqual({ status, failureCode });
  });
});
