import { describe, expect, it } from 'vitest';
import { amountFromText, formatMoney, parseMoney } from './money';

// ICU may put a no-break space between a currency code and the amount.
const plain = (text: string) => text.replace(/\s/g, ' ');

describe('formatMoney', () => {
  it.each([
    [2500, 'usd', '$25.00'],
    [5, 'usd', '$0.05'],
    [1000, 'jpy', '¥1,000'],
    [1234, 'bhd', 'BHD 1.234'],
    [1, 'kwd', 'KWD 0.001'],
    [99_999_999, 'eur', '€999,999.99'],
    [123_456, 'GBP', '£1,234.56'],
  ])('formats %i %s as %s in en-US', (amount, currency, expected) => {
    expect(plain(formatMoney(amount, currency, 'en-US'))).toBe(expected);
  });

  it('keeps totals past 2^53 / 100 exact, never rounding through a float', () => {
    expect(formatMoney(9_007_199_254_740_991, 'usd', 'en-US')).toBe('$90,071,992,547,409.91');
  });

  it('follows the locale', () => {
    expect(plain(formatMoney(123_456, 'eur', 'de-DE'))).toBe('1.234,56 €');
  });

  it('shows negative amounts (refunds) with a sign', () => {
    expect(formatMoney(-2500, 'usd', 'en-US')).toBe('-$25.00');
  });
});

describe('parseMoney', () => {
  it.each([
    ['25', 'usd', 2500],
    ['25.5', 'usd', 2550],
    ['25.50', 'usd', 2550],
    ['0.29', 'usd', 29],
    ['0.07', 'usd', 7],
    ['1,234.56', 'usd', 123_456],
    [' 10 ', 'eur', 1000],
    ['1000', 'jpy', 1000],
    ['1.234', 'bhd', 1234],
    ['0.001', 'KWD', 1],
    ['999999.99', 'usd', 99_999_999],
    ['12.', 'usd', 1200],
  ])('reads %j %s as %i', (text, currency, amount) => {
    expect(parseMoney(text, currency)).toEqual({ ok: true, amount });
  });

  it('is the exact inverse of formatMoney for every cent up to $10', () => {
    for (let amount = 1; amount <= 1000; amount += 1) {
      const shown = formatMoney(amount, 'usd', 'en-US').replace('$', '');
      expect(parseMoney(shown, 'usd')).toEqual({ ok: true, amount });
    }
  });

  it.each([
    ['', 'usd', 'Enter an amount, like 25.00.'],
    ['abc', 'usd', 'Enter an amount, like 25.00.'],
    ['-5', 'usd', 'Enter an amount, like 25.00.'],
    ['1e3', 'usd', 'Enter an amount, like 25.00.'],
    ['1,23', 'usd', 'Enter an amount, like 25.00.'],
    ['.5', 'usd', 'Enter an amount, like 25.00.'],
    ['25.005', 'usd', 'USD amounts have at most 2 decimal places.'],
    ['10.5', 'jpy', 'JPY amounts are whole numbers.'],
    ['1.2345', 'bhd', 'BHD amounts have at most 3 decimal places.'],
    ['99999999999999999', 'usd', 'This amount is too large.'],
  ])('refuses %j %s: %s', (text, currency, message) => {
    expect(parseMoney(text, currency)).toEqual({ ok: false, message });
  });

  it('leaves zero to the domain schema, which knows the minimum', () => {
    expect(parseMoney('0.00', 'usd')).toEqual({ ok: true, amount: 0 });
  });
});

describe('amountFromText', () => {
  it('answers the minor units of an amount in range', () => {
    expect(amountFromText('0.01', 'usd')).toEqual({ ok: true, amount: 1 });
    expect(amountFromText('999,999.99', 'usd')).toEqual({ ok: true, amount: 99_999_999 });
  });

  it('refuses zero and too much in the unit the person typed', () => {
    expect(amountFromText('0', 'usd')).toEqual({
      ok: false,
      message: 'Enter an amount greater than zero.',
    });
    const tooMuch = amountFromText('1000000', 'usd');
    expect(tooMuch.ok).toBe(false);
    expect(!tooMuch.ok && plain(tooMuch.message)).toBe(
      `The amount is at most ${plain(formatMoney(99_999_999, 'usd'))}.`,
    );
  });
});
