import { describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_COUNTRY, toE164 } from './phone.js';

describe('toE164', () => {
  it('reads numbers without a country code as US numbers', () => {
    expect(DEFAULT_PHONE_COUNTRY).toBe('US');
  });

  it.each([
    ['already E.164', '+14155550123', '+14155550123'],
    ['digits only', '4155550123', '+14155550123'],
    ['a leading 1', '14155550123', '+14155550123'],
    ['spaces', '415 555 0123', '+14155550123'],
    ['dashes', '415-555-0123', '+14155550123'],
    ['dots', '415.555.0123', '+14155550123'],
    ['parentheses', '(415) 555-0123', '+14155550123'],
    ['parentheses without spaces', '(415)555-0123', '+14155550123'],
    ['a country code with spaces', '+1 415 555 0123', '+14155550123'],
    ['a country code with parentheses', '+1 (212) 555-0100', '+12125550100'],
    ['a country code with dashes', '+1-415-555-0123', '+14155550123'],
    ['surrounding whitespace', '  (415) 555-0123  ', '+14155550123'],
    ['a UK number', '+44 20 7946 0958', '+442079460958'],
    ['a UK number with dashes', '+44-20-7946-0958', '+442079460958'],
    ['a UK number dialled from the US', '011 44 20 7946 0958', '+442079460958'],
    ['a French number', '+33 1 23 45 67 89', '+33123456789'],
    ['a German number', '+49 30 901820', '+4930901820'],
  ])('normalises %s: %j → %s', (_, input, e164) => {
    expect(toE164(input)).toBe(e164);
  });

  it.each([
    ['the empty string', ''],
    ['whitespace', '   '],
    ['too short', '12'],
    ['a seven-digit local number', '555-0123'],
    ['too long', '+1 415 555 01234'],
    ['letters', 'abc'],
    ['a vanity number', '1-800-FLOWERS'],
    ['digits mixed with letters', '415 555 0123 ext 4'],
    ['an impossible US area code', '+1 000 000 0000'],
    ['an impossible US number', '000-000-0000'],
    ['a country code that does not exist', '+999 1234 5678'],
    ['a plus sign in the middle', '415+555+0123'],
    ['line breaks', '415\n555\n0123'],
    ['full-width digits', '１４１５５５５０１２３'],
    ['a URI', 'tel:+14155550123'],
  ])('rejects %s: %j', (_, input) => {
    expect(toE164(input)).toBeUndefined();
  });

  it.each(['(415) 555-0123', '+44 20 7946 0958', '+33 1 23 45 67 89'])(
    'gives E.164 (a plus and up to 15 digits) for %j',
    (input) => {
      expect(toE164(input)).toMatch(/^\+[1-9]\d{1,14}$/);
    },
  );
});
