import { describe, expect, it } from 'vitest';
import { isPayableCurrency, minorUnitDigits } from './currency.js';

describe('isPayableCurrency', () => {
  it.each(['usd', 'USD', 'eur', 'jpy', 'bhd', 'gbp', 'chf', 'xof', 'xaf'])('accepts %s', (code) => {
    expect(isPayableCurrency(code)).toBe(true);
  });
  it.each(['', 'us', 'usdd', 'abc', 'zzz', '123', 'xau', 'xxx', 'xts', 'xdr', 'u$d'])(
    'refuses %j',
    (code) => {
      expect(isPayableCurrency(code)).toBe(false);
    },
  );
});

describe('minorUnitDigits', () => {
  it.each([
    ['usd', 2],
    ['eur', 2],
    ['jpy', 0],
    ['krw', 0],
    ['bhd', 3],
    ['kwd', 3],
    ['clf', 4],
  ])('%s has %i', (code, digits) => {
    expect(minorUnitDigits(code)).toBe(digits);
  });
});
