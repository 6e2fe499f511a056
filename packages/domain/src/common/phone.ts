import {
  getCountryCallingCode,
  parsePhoneNumberWithError,
  type CountryCode,
} from 'libphonenumber-js';
import { e164OfInternational } from './e164.js';

/**
 * Numbers written without a country code are read as this country's: the product's first
 * merchants are in the US. International input (`+44 20 7946 0958`) is always taken as written.
 */
export const DEFAULT_PHONE_COUNTRY: CountryCode = 'US';

const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;

/** E.164 for a phone number a person typed, or undefined when it cannot be a real number. */
export function toE164(input: string): string | undefined {
  const trimmed = input.trim();
  if (!PHONE_CHARACTERS.test(trimmed)) return undefined;
  const answer = e164OfInternational(trimmed);
  if (answer !== 'decline') return answer.e164;
  return toE164ByLibrary(trimmed);
}

/** toE164 as libphonenumber-js answers it, for text e164OfInternational leaves to it. */
function toE164ByLibrary(trimmed: string): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(trimmed, DEFAULT_PHONE_COUNTRY);
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

/** A search made only of digits and the punctuation people put in phone numbers. */
const PHONE_QUERY = /^[\d\s()+\-./]+$/;
/** Fewer digits are left to the text search: an area code alone is no phone number. */
const PHONE_QUERY_MIN_DIGITS = 4;

/**
 * The digits to look for in stored phones when a search looks like a phone number as people type
 * it (`(415) 555-01`, `020 7946`, `+1 415-555-0123`), or undefined when it does not. Phones are
 * stored in E.164, a `+` and digits, so the punctuation goes, and so does what never follows the
 * `+`: a national trunk `0` (`020 7946` → `207946`), an international `00` prefix, and the `(0)`
 * some write after a country code (`+44 (0)20` → `4420`).
 */
export function phoneSearchDigits(query: string): string | undefined {
  const trimmed = query.trim();
  if (!PHONE_QUERY.test(trimmed)) return undefined;
  const digits = trimmed.replaceAll('(0)', '').replace(/\D/g, '').replace(/^00?/, '');
  return digits.length >= PHONE_QUERY_MIN_DIGITS ? digits : undefined;
}

/** `+`, then 00 as people dial abroad: the digits that follow start with a country code. */
const INTERNATIONAL_START = /^\s*(?:\+|00)/;

/**
 * The E.164 beginnings a search typed like a phone number looks for (stored phones are E.164),
 * or undefined when it does not look like one. Read the way a phone is read when it is stored:
 * typed with `+` or `00`, the country code is in the digits (`+44 20 7946` → `+44207946`);
 * otherwise it is a national number of the default country, or a country code and number typed
 * without the `+` (`(415) 555-01` → `+141555501`, `+41555501`).
 */
export function phoneSearchPrefixes(query: string): string[] | undefined {
  const digits = phoneSearchDigits(query);
  if (digits === undefined) return undefined;
  if (INTERNATIONAL_START.test(query)) return [`+${digits}`];
  return [`+${getCountryCallingCode(DEFAULT_PHONE_COUNTRY)}${digits}`, `+${digits}`];
}
