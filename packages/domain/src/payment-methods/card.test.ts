import { describe, expect, it } from 'vitest';
import {
  CARD_EXPIRY_MAX_YEARS_AHEAD,
  cardBehaviour,
  cardBrand,
  cardNumberDigits,
  cardSummary,
  cardToSave,
  checkCvc,
  checkExpiry,
  cvcLength,
  type CardBrand,
} from './card.js';

describe('cardNumberDigits', () => {
  it.each([
    ['16 digits', '4242424242424242', '4242424242424242'],
    ['groups of four with spaces', '4242 4242 4242 4242', '4242424242424242'],
    ['groups of four with dashes', '4242-4242-4242-4242', '4242424242424242'],
    [
      'mixed separators and a pasted non-breaking space',
      '4242 4242-4242\u00a04242',
      '4242424242424242',
    ],
    ['surrounding spaces', ' 4242424242424242 ', '4242424242424242'],
    ['13 digits', '4222222222222', '4222222222222'],
    ['15 digits (amex, 4-6-5)', '3782 822463 10005', '378282246310005'],
    ['19 digits', '4242424242424242428', '4242424242424242428'],
  ])('accepts %s', (_label, number, digits) => {
    expect(cardNumberDigits(number)).toEqual({ ok: true, value: digits });
  });

  it.each([
    ['the empty string', ''],
    ['only separators', ' - - '],
    ['letters', '4242 4242 4242 424a'],
    ['dots', '4242.4242.4242.4242'],
    ['full-width digits', '４２４２４２４２４２４２４２４２'],
    ['Arabic-Indic digits', '٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢'],
    ['12 digits', '424242424242'],
    ['20 digits', '42424242424242424242'],
    ['a failed Luhn check', '4242424242424241'],
    ['a sign', '+4242424242424242'],
  ])('refuses %s with card_number_invalid on card.number', (_label, number) => {
    const result = cardNumberDigits(number);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'card_number_invalid', param: 'card.number' });
    // The message is one of a few fixed sentences: it never quotes what was sent.
    const digits = number.replace(/\D/g, '');
    if (digits.length >= 4) expect(result.error.message).not.toContain(digits.slice(-4));
  });
});

describe('cardBrand', () => {
  it.each<[string, CardBrand]>([
    ['4242424242424242', 'visa'],
    ['4000056655665556', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['5105105105105100', 'mastercard'],
    ['2221000000000009', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['2720990000000007', 'mastercard'],
    ['2220990000000005', 'unknown'],
    ['2721000000000004', 'unknown'],
    ['5000000000000009', 'unknown'],
    ['5600000000000003', 'unknown'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['6011000990139424', 'discover'],
    ['6445644564456445', 'discover'],
    ['6500000000000002', 'discover'],
    ['3056930009020004', 'diners'],
    ['36227206271667', 'diners'],
    ['38520000023237', 'diners'],
    ['3095000000000005', 'diners'],
    ['3566002020360505', 'jcb'],
    ['3528000000000007', 'jcb'],
    ['3589000000000003', 'jcb'],
    ['3590000000000000', 'unknown'],
    ['6200000000000005', 'unionpay'],
    ['8100000000000009', 'unionpay'],
    ['1234567812345670', 'unknown'],
    ['9999999999999995', 'unknown'],
  ])('%s → %s', (digits, brand) => {
    expect(cardBrand(digits)).toBe(brand);
  });
});

describe('checkCvc', () => {
  it.each<[string, CardBrand]>([
    ['123', 'visa'],
    ['000', 'mastercard'],
    ['0123', 'amex'],
    ['999', 'unknown'],
  ])('accepts %j for %s', (cvc, brand) => {
    expect(checkCvc(cvc, brand)).toEqual({ ok: true, value: cvc });
  });

  it.each<[string, CardBrand]>([
    ['12', 'visa'],
    ['1234', 'visa'],
    ['123', 'amex'],
    ['12345', 'amex'],
    ['12a', 'visa'],
    [' 123', 'visa'],
    ['', 'discover'],
  ])('refuses %j for %s with cvc_invalid on card.cvc, without quoting it', (cvc, brand) => {
    const result = checkCvc(cvc, brand);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'cvc_invalid', param: 'card.cvc' });
    if (cvc.trim()) expect(result.error.message).not.toContain(cvc.trim());
  });

  it('wants four digits for amex only', () => {
    expect(cvcLength('amex')).toBe(4);
    expect(cvcLength('visa')).toBe(3);
    expect(cvcLength('unknown')).toBe(3);
  });
});

describe('checkExpiry', () => {
  const now = new Date('2026-06-15T12:00:00Z');

  it.each([
    ['this month', 6, 2026],
    ['next month', 7, 2026],
    ['December this year', 12, 2026],
    ['January next year', 1, 2027],
    [`${CARD_EXPIRY_MAX_YEARS_AHEAD} years ahead`, 12, 2026 + CARD_EXPIRY_MAX_YEARS_AHEAD],
  ])('accepts %s', (_label, expMonth, expYear) => {
    expect(checkExpiry({ expMonth, expYear }, now).ok).toBe(true);
  });

  it.each([
    ['last month', 5, 2026, 'card_expired', 'card.expMonth'],
    ['January this year', 1, 2026, 'card_expired', 'card.expMonth'],
    ['last year, a later month', 12, 2025, 'card_expired', 'card.expYear'],
    ['long ago', 1, 1999, 'card_expired', 'card.expYear'],
    ['month 0', 0, 2030, 'parameter_invalid', 'card.expMonth'],
    ['month 13', 13, 2030, 'parameter_invalid', 'card.expMonth'],
    ['a fractional month', 1.5, 2030, 'parameter_invalid', 'card.expMonth'],
    [
      'too far ahead',
      1,
      2026 + CARD_EXPIRY_MAX_YEARS_AHEAD + 1,
      'parameter_invalid',
      'card.expYear',
    ],
  ])('refuses %s', (_label, expMonth, expYear, code, param) => {
    const result = checkExpiry({ expMonth, expYear }, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code, param });
  });

  it('reads the month in UTC: a card of May is still good at 23:30 on 31 May in UTC', () => {
    const lastMinute = new Date('2026-05-31T23:30:00Z');
    expect(checkExpiry({ expMonth: 5, expYear: 2026 }, lastMinute).ok).toBe(true);
    const nextMorning = new Date('2026-06-01T00:00:00Z');
    expect(checkExpiry({ expMonth: 5, expYear: 2026 }, nextMorning).ok).toBe(false);
  });

  it('is a function of its inputs alone', () => {
    const expiry = { expMonth: 6, expYear: 2026 };
    expect(checkExpiry(expiry, now)).toEqual(checkExpiry(expiry, new Date(now)));
  });
});

describe('cardBehaviour: the SPEC test numbers', () => {
  it.each([
    ['4242424242424242', null, null],
    ['4000000000000002', 'card_declined', 'card_declined'],
    ['4000000000009995', 'insufficient_funds', 'insufficient_funds'],
    ['4000000000000341', null, 'card_declined'],
    ['5555555555554444', null, null],
    ['378282246310005', null, null],
  ])('%s: attach %s, charges %s', (digits, attachFailureCode, chargeFailureCode) => {
    expect(cardBehaviour(digits)).toEqual({ attachFailureCode, chargeFailureCode });
  });

  it('is not fooled by inherited names', () => {
    expect(cardBehaviour('constructor')).toEqual({
      attachFailureCode: null,
      chargeFailureCode: null,
    });
  });
});

describe('cardSummary and cardToSave', () => {
  it('keeps the brand and the last four digits only', () => {
    expect(cardSummary('378282246310005')).toEqual({ brand: 'amex', last4: '0005' });
    expect(cardSummary('4242424242424242')).toEqual({ brand: 'visa', last4: '4242' });
  });

  it('keeps no digits but the last four, and the behaviour the number implies', () => {
    const saved = cardToSave({ digits: '4000000000000341', expMonth: 3, expYear: 2031 });
    expect(saved).toEqual({
      brand: 'visa',
      last4: '0341',
      expMonth: 3,
      expYear: 2031,
      attachFailureCode: null,
      chargeFailureCode: 'card_declined',
    });
    expect(JSON.stringify(saved)).not.toContain('4000000000000341');
  });
});
