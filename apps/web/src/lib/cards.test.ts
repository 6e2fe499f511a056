import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.fixture';
import {
  cardInput,
  describeCard,
  formatExpiry,
  isExpired,
  parseExpiry,
  serverCardError,
} from './cards';

describe('parseExpiry', () => {
  it.each([
    ['12/29', { expMonth: 12, expYear: 2029 }],
    ['12 / 2029', { expMonth: 12, expYear: 2029 }],
    ['1/30', { expMonth: 1, expYear: 2030 }],
    ['01-31', { expMonth: 1, expYear: 2031 }],
    ['0429', { expMonth: 4, expYear: 2029 }],
    [' 07/2034 ', { expMonth: 7, expYear: 2034 }],
  ])('reads %j', (text, expiry) => {
    expect(parseExpiry(text)).toEqual(expiry);
  });

  it.each(['', '13/29', '00/29', '12', '12/2', '12/290', 'ab/cd', '12//29'])(
    'refuses %j',
    (text) => {
      expect(parseExpiry(text)).toBeUndefined();
    },
  );
});

describe('describeCard', () => {
  it.each([
    [{ brand: 'visa', last4: '4242' }, 'Visa •••• 4242'],
    [{ brand: 'amex', last4: '0005' }, 'American Express •••• 0005'],
    [{ brand: 'unknown', last4: '1234' }, 'Card •••• 1234'],
  ])('reads %j as %s', (card, text) => {
    expect(describeCard(card)).toBe(text);
  });
});

describe('formatExpiry and isExpired', () => {
  it('pads the month', () => {
    expect(formatExpiry(3, 2031)).toBe('03/2031');
  });

  it('counts a card good through the end of its month, in UTC like the API', () => {
    const now = new Date('2026-11-30T23:00:00Z');
    expect(isExpired({ expMonth: 11, expYear: 2026 }, now)).toBe(false);
    expect(isExpired({ expMonth: 10, expYear: 2026 }, now)).toBe(true);
    expect(isExpired({ expMonth: 1, expYear: 2027 }, now)).toBe(false);
  });
});

describe('cardInput', () => {
  const customer = 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A';

  it('sends the card as the API takes it: month and four-digit year, the number as typed', () => {
    expect(
      cardInput(customer, { number: '4242 4242 4242 4242', expiry: '12/34', cvc: '123' }),
    ).toEqual({
      ok: true,
      input: {
        type: 'card',
        card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2034, cvc: '123' },
        customer,
      },
    });
  });

  it('puts each of the domain’s refusals on its field, the expiry even when the number is wrong', () => {
    expect(
      cardInput(customer, { number: '4242 4242 4242 4241', expiry: '01/20', cvc: '12' }),
    ).toEqual({
      ok: false,
      errors: {
        number: 'This card number is not valid: check it for a mistyped digit.',
        expiry: 'This card has expired.',
        cvc: 'The security code is 3 digits (4 for American Express).',
      },
    });
  });

  it('asks for an expiry it can read, and an American Express code of 4 digits', () => {
    const result = cardInput(customer, {
      number: '3782 822463 10005',
      expiry: 'soon',
      cvc: '1234',
    });
    expect(result).toEqual({
      ok: false,
      errors: { expiry: 'Enter the expiry as MM/YY, like 12/34.' },
    });
    const amex = cardInput(customer, { number: '3782 822463 10005', expiry: '12/34', cvc: '123' });
    expect(amex.ok ? undefined : amex.errors).toEqual({
      cvc: 'The security code of an American Express card is 4 digits.',
    });
  });
});

describe('serverCardError', () => {
  it.each([
    ['card.number', 'number'],
    ['card.expMonth', 'expiry'],
    ['card.expYear', 'expiry'],
    ['card.cvc', 'cvc'],
  ])('puts %s on the %s field', (param, field) => {
    const error = apiError('Refused.', {
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      httpStatus: 400,
      param,
    });
    expect(serverCardError(error)).toEqual({ [field]: 'Refused.' });
  });

  it('says a decline, which names no field, for the form', () => {
    const error = apiError('The card was declined, so it cannot be saved to a customer.', {
      type: 'invalid_request_error',
      code: 'card_declined',
      httpStatus: 400,
    });
    expect(serverCardError(error)).toEqual({
      form: 'The card was declined, so it cannot be saved to a customer. (request req_1)',
    });
  });
});
