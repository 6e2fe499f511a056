import { describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_COUNTRY, phoneSearchDigits, phoneSearchPrefixes, toE164 } from './phone.js';

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

describe('phoneSearchDigits', () => {
  it.each([
    ['a US number being typed', '(415) 555-01', '41555501'],
    ['a whole US number with its country code', '+1 415-555-0123', '14155550123'],
    ['dots', '415.555.0123', '4155550123'],
    ['slashes', '415/555/0123', '4155550123'],
    ['digits only', '4155550123', '4155550123'],
    ['E.164', '+14155550123', '14155550123'],
    ['a UK number with its trunk 0', '020 7946', '207946'],
    ['a whole UK number with its trunk 0', '020 7946 0958', '2079460958'],
    ['the international 00 prefix', '0044 20 7946 0958', '442079460958'],
    ['the international 00 prefix, spaced', '00 44 20 7946', '44207946'],
    ['a country code and (0)', '+44 (0)20 7946 0958', '442079460958'],
    ['(0) after the 00 prefix', '0044 (0)20 7946', '44207946'],
    ['surrounding whitespace', '  (415) 555  ', '415555'],
    ['exactly four digits', '5550', '5550'],
    ['a trunk 0 and four digits', '0 2079', '2079'],
  ])('reads %s: %j → %s', (_, query, digits) => {
    expect(phoneSearchDigits(query)).toBe(digits);
  });

  it.each([
    ['a name', 'Ada Lovelace'],
    ['an email', 'ada@example.com'],
    ['digits and letters', '415 555 0123 ext 4'],
    ['a postcode', 'SW1A 1AA'],
    ['three digits', '415'],
    ['three digits in punctuation', '(415)'],
    ['three digits after the trunk 0', '020 7'],
    ['three digits after the 00 prefix', '00 441'],
    ['punctuation only', '()-.+/'],
    ['a percent sign', '100%'],
    ['full-width digits', '４１５５５５'],
    ['the empty string', ''],
  ])('leaves %s to the text search: %j', (_, query) => {
    expect(phoneSearchDigits(query)).toBeUndefined();
  });

  it.each([
    ['(415) 555-01', '+14155550123'],
    ['020 7946', '+442079460958'],
    ['+1 415-555-0123', '+14155550123'],
    ['415.555.0123', '+14155550123'],
    ['+44 (0)20 7946 0958', '+442079460958'],
  ])('finds %j inside the stored %s', (query, stored) => {
    expect(stored).toContain(phoneSearchDigits(query));
  });
});

describe('phoneSearchPrefixes', () => {
  it.each([
    ['a US number being typed', '(415) 555-01', ['+141555501', '+41555501']],
    ['a country code without its +', '1 415 555', ['+11415555', '+1415555']],
    ['a + and a country code', '+44 20 7946', ['+44207946']],
    ['the 00 prefix', '0044 20 7946', ['+44207946']],
    ['+44 (0)', '+44 (0)20 7946 0958', ['+442079460958']],
    ['a national number with its trunk 0', '020 7946', ['+1207946', '+207946']],
  ])('reads %s: %j → %j', (_, query, prefixes) => {
    expect(phoneSearchPrefixes(query)).toEqual(prefixes);
  });

  it.each([
    ['a name', 'Ada Lovelace'],
    ['three digits', '415'],
    ['an email start', 'ada@'],
  ])('leaves %s to the other searches: %j', (_, query) => {
    expect(phoneSearchPrefixes(query)).toBeUndefined();
  });

  it.each([
    ['(415) 555-01', '+14155550123'],
    ['+1 415-555-0123', '+14155550123'],
    ['415.555.0123', '+14155550123'],
    ['14155550123', '+14155550123'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['0044 20 7946', '+442079460958'],
  ])('finds %j at the start of the stored %s', (query, stored) => {
    expect(phoneSearchPrefixes(query)?.some((prefix) => stored.startsWith(prefix))).toBe(true);
  });
});
