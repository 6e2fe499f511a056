import { parsePhoneNumber } from 'libphonenumber-js';

/**
 * A stored E.164 phone as people read it: `+14155550123` → `+1 415 555 0123`,
 * `+442079460958` → `+44 20 7946 0958`. Whatever libphonenumber cannot read (a number stored
 * before today's rules, a country code it does not know) is shown exactly as stored, never hidden.
 * No phone at all is the empty string.
 */
export function formatPhone(phone: string | null | undefined): string {
  if (phone === null || phone === undefined) return '';
  try {
    return parsePhoneNumber(phone).formatInternational();
  } catch {
    return phone;
  }
}
