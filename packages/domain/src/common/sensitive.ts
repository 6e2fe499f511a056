/**
 * The card-number guard: free text (names, descriptions, metadata values) must never carry a
 * primary account number, so a merchant's mistake cannot put card data into our storage or logs.
 *
 * A candidate is a run of digits, optionally grouped by spaces (any kind, up to three, so pasted
 * non-breaking spaces count) or dashes, holding 13 to 19
 * digits that pass the Luhn check. Runs longer than 19 digits are also checked group-aligned
 * (`4242 4242 4242 4242 1234` hides a card behind a trailing group), but never by sliding over
 * arbitrary offsets: long order numbers would then trip the check about one time in ten.
 */
const DIGIT_RUN = /\d+(?:[\s-]{1,3}\d+)*/g;
const SEPARATORS = /[\s-]{1,3}/;
const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function isPan(digits: string): boolean {
  return digits.length >= MIN_PAN_DIGITS && digits.length <= MAX_PAN_DIGITS && passesLuhn(digits);
}

/** Whether a run's groups, taken contiguously, hold a card number. */
function groupsHoldPan(groups: string[]): boolean {
  for (let start = 0; start < groups.length; start++) {
    let digits = '';
    for (let end = start; end < groups.length; end++) {
      digits += groups[end];
      if (digits.length > MAX_PAN_DIGITS) break;
      if (isPan(digits)) return true;
    }
  }
  return false;
}

/**
 * How many ASCII digits `text` holds, counting no further than `enough`. Every candidate above is
 * made of the text's digits (`\d` without the `u` flag is ASCII 0-9 only), so text with fewer
 * than MIN_PAN_DIGITS of them holds no card number: names, emails, phones and short notes are
 * answered without running the pattern.
 */
function countDigits(text: string, enough: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < enough; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
}

export function containsCardNumber(text: string): boolean {
  if (countDigits(text, MIN_PAN_DIGITS) < MIN_PAN_DIGITS) return false;
  for (const match of text.matchAll(DIGIT_RUN)) {
    const groups = match[0].split(SEPARATORS);
    const digits = groups.join('');
    if (digits.length < MIN_PAN_DIGITS) continue;
    if (isPan(digits)) return true;
    if (groups.length > 1 && groupsHoldPan(groups)) return true;
  }
  return false;
}
