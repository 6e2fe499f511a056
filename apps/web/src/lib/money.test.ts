import { describe, expect, it } from 'vitest';
import { formatMoney } from './money';

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
