import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';

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
  try {
    const parsed = parsePhoneNumberWithError(trimmed, DEFAULT_PHONE_COUNTRY);
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}
