import { describe, expect, it } from 'vitest';
import { codeOfIssue } from '../common/issues.js';
import {
  CustomerPaymentMethodsQuerySchema,
  PaymentMethodAttachSchema,
  PaymentMethodCreateSchema,
  PaymentMethodSchema,
} from './schemas.js';

const nextYear = new Date().getUTCFullYear() + 1;
const lastYear = new Date().getUTCFullYear() - 1;
const card = { number: '4242424242424242', expMonth: 12, expYear: nextYear, cvc: '123' };
const valid = { type: 'card', card };

function issues(input: unknown) {
  const result = PaymentMethodCreateSchema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({
    code: codeOfIssue(issue) ?? issue.code,
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

describe('PaymentMethodCreateSchema', () => {
  it('accepts a card and keeps its number as digits only', () => {
    expect(
      PaymentMethodCreateSchema.parse({
        ...valid,
        card: { ...card, number: '4242 4242-4242 4242' },
        customer: 'cus_a',
      }),
    ).toEqual({ type: 'card', card, customer: 'cus_a' });
  });

  it('accepts an amex card with a four-digit code', () => {
    const amex = { number: '3782 822463 10005', expMonth: 1, expYear: nextYear, cvc: '0123' };
    expect(PaymentMethodCreateSchema.parse({ type: 'card', card: amex }).card.number).toBe(
      '378282246310005',
    );
  });

  it.each([
    ['a Luhn failure', { number: '4242424242424241' }, 'card_number_invalid', 'card.number'],
    ['12 digits', { number: '424242424242' }, 'card_number_invalid', 'card.number'],
    ['20 digits', { number: '42424242424242424242' }, 'card_number_invalid', 'card.number'],
    ['letters', { number: '4242 4242 4242 424x' }, 'card_number_invalid', 'card.number'],
    ['a number type', { number: 4242424242424242 }, 'invalid_type', 'card.number'],
    ['no number', { number: undefined }, 'invalid_type', 'card.number'],
    ['month 0', { expMonth: 0 }, 'too_small', 'card.expMonth'],
    ['month 13', { expMonth: 13 }, 'too_big', 'card.expMonth'],
    ['a string month', { expMonth: '12' }, 'invalid_type', 'card.expMonth'],
    ['a two-digit year', { expYear: 30 }, 'too_small', 'card.expYear'],
    ['last year', { expYear: lastYear }, 'card_expired', 'card.expYear'],
    ['a year too far ahead', { expYear: nextYear + 60 }, 'parameter_invalid', 'card.expYear'],
    ['a two-digit code', { cvc: '12' }, 'cvc_invalid', 'card.cvc'],
    ['a five-digit code', { cvc: '12345' }, 'cvc_invalid', 'card.cvc'],
    ['a four-digit code on a visa', { cvc: '1234' }, 'cvc_invalid', 'card.cvc'],
    ['a numeric code', { cvc: 123 }, 'invalid_type', 'card.cvc'],
    [
      'a three-digit code on an amex',
      { number: '378282246310005', cvc: '123' },
      'cvc_invalid',
      'card.cvc',
    ],
    ['an unknown card field', { name: 'Ada' }, 'unrecognized_keys', 'card'],
  ])('refuses %s', (_label, patch, code, path) => {
    const found = issues({ ...valid, card: { ...card, ...patch } });
    expect(found[0]).toMatchObject({ code, path });
    for (const issue of found) {
      expect(issue.message).not.toContain('4242');
      expect(issue.message).not.toContain('0005');
    }
  });

  it('refuses an expired month of this year on card.expMonth', () => {
    const now = new Date();
    if (now.getUTCMonth() === 0) return; // January: no earlier month in this year
    const found = issues({
      ...valid,
      card: { ...card, expMonth: now.getUTCMonth(), expYear: now.getUTCFullYear() },
    });
    expect(found).toMatchObject([{ code: 'card_expired', path: 'card.expMonth' }]);
  });

  it.each([
    ['another type', { type: 'bank_account' }, 'invalid_value', 'type'],
    ['no type', { type: undefined }, 'invalid_value', 'type'],
    ['no card', { card: undefined }, 'invalid_type', 'card'],
    ['an empty customer', { customer: '' }, 'too_small', 'customer'],
    ['an unknown field', { metadata: {} }, 'unrecognized_keys', ''],
  ])('refuses %s', (_label, patch, code, path) => {
    expect(issues({ ...valid, ...patch })[0]).toMatchObject({ code, path });
  });
});

describe('the other inputs', () => {
  it('attach wants a customer', () => {
    expect(PaymentMethodAttachSchema.safeParse({ id: 'pm_a' }).success).toBe(false);
    expect(PaymentMethodAttachSchema.parse({ id: 'pm_a', customer: 'cus_a' })).toEqual({
      id: 'pm_a',
      customer: 'cus_a',
    });
  });

  it('a customer’s list takes the list params and one cursor', () => {
    expect(CustomerPaymentMethodsQuerySchema.parse({ id: 'cus_a' })).toEqual({
      id: 'cus_a',
      limit: 10,
    });
    const both = { id: 'cus_a', startingAfter: 'pm_a', endingBefore: 'pm_b' };
    expect(CustomerPaymentMethodsQuerySchema.safeParse(both).success).toBe(false);
  });
});

describe('PaymentMethodSchema', () => {
  it('describes what is kept of a card', () => {
    const method = {
      id: 'pm_1',
      object: 'payment_method',
      type: 'card',
      card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, fingerprint: 'abc' },
      customer: null,
      livemode: false,
      createdAt: '2026-11-26T09:30:00.000Z',
    };
    expect(PaymentMethodSchema.parse(method)).toEqual(method);
  });
});
