import { DomainError, fail, ok, type Result } from '../errors.js';
import { passesLuhn } from '../common/sensitive.js';
import type { FailureCode } from '../payments/processing.js';

/**
 * The rules a card must satisfy to be saved, as pure functions. A card's number and CVC are read
 * here and nowhere else: no message below ever quotes them, so an error can be shown, stored for
 * an idempotent replay or logged without carrying card data.
 */
export const CARD_BRANDS = [
  'amex',
  'diners',
  'discover',
  'jcb',
  'mastercard',
  'unionpay',
  'visa',
  'unknown',
] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CARD_NUMBER_MIN_DIGITS = 13;
export const CARD_NUMBER_MAX_DIGITS = 19;
/** How far ahead an expiry may be: further is a typo, not a card anyone was issued. */
export const CARD_EXPIRY_MAX_YEARS_AHEAD = 50;

const SEPARATORS = /[\s-]/g;
const DIGITS = /^[0-9]+$/;

const numberInvalid = (message: string) =>
  new DomainError('card_number_invalid', message, { param: 'card.number' });

/** The digits of a card number as people type it: spaces and dashes between groups dropped. */
export function cardNumberDigits(number: string): Result<string> {
  const digits = number.replace(SEPARATORS, '');
  if (!DIGITS.test(digits)) {
    return fail(numberInvalid('A card number holds only digits, grouped by spaces or dashes.'));
  }
  if (digits.length < CARD_NUMBER_MIN_DIGITS || digits.length > CARD_NUMBER_MAX_DIGITS) {
    return fail(
      numberInvalid(
        `A card number has ${CARD_NUMBER_MIN_DIGITS} to ${CARD_NUMBER_MAX_DIGITS} digits.`,
      ),
    );
  }
  if (!passesLuhn(digits)) {
    return fail(numberInvalid('This card number is not valid: check it for a mistyped digit.'));
  }
  return ok(digits);
}

/** Issuer ranges by leading digits (IIN), first match wins: `[brand, low, high]`, inclusive. */
const IIN_RANGES: readonly (readonly [CardBrand, string, string])[] = [
  ['amex', '34', '34'],
  ['amex', '37', '37'],
  ['diners', '300', '305'],
  ['diners', '3095', '3095'],
  ['diners', '36', '36'],
  ['diners', '38', '39'],
  ['jcb', '3528', '3589'],
  ['visa', '4', '4'],
  ['mastercard', '51', '55'],
  ['mastercard', '2221', '2720'],
  ['discover', '6011', '6011'],
  ['discover', '644', '649'],
  ['discover', '65', '65'],
  ['unionpay', '62', '62'],
  ['unionpay', '81', '81'],
];

/** The card's brand from its leading digits; `unknown` when no network's range holds it. */
export function cardBrand(digits: string): CardBrand {
  for (const [brand, low, high] of IIN_RANGES) {
    const prefix = Number(digits.slice(0, low.length));
    if (digits.length >= low.length && prefix >= Number(low) && prefix <= Number(high)) {
      return brand;
    }
  }
  return 'unknown';
}

/** American Express prints a four-digit code on the front; every other brand three on the back. */
export function cvcLength(brand: CardBrand): 3 | 4 {
  return brand === 'amex' ? 4 : 3;
}

export function checkCvc(cvc: string, brand: CardBrand): Result<string> {
  const length = cvcLength(brand);
  if (cvc.length !== length || !DIGITS.test(cvc)) {
    return fail(
      new DomainError(
        'cvc_invalid',
        brand === 'amex'
          ? 'The security code of an American Express card is 4 digits.'
          : 'The security code is 3 digits (4 for American Express).',
        { param: 'card.cvc' },
      ),
    );
  }
  return ok(cvc);
}

export interface CardExpiry {
  expMonth: number;
  expYear: number;
}

/**
 * A card is good through the last day of its expiry month, read in UTC. `now` is a parameter so
 * the rule is the same function of its inputs whenever it runs.
 */
export function checkExpiry(expiry: CardExpiry, now: Date): Result<CardExpiry> {
  const { expMonth, expYear } = expiry;
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) {
    return fail(
      new DomainError('parameter_invalid', 'The expiry month is 1 to 12.', {
        param: 'card.expMonth',
      }),
    );
  }
  const thisYear = now.getUTCFullYear();
  const thisMonth = now.getUTCMonth() + 1;
  if (expYear < thisYear || (expYear === thisYear && expMonth < thisMonth)) {
    return fail(
      new DomainError('card_expired', 'This card has expired.', {
        param: expYear < thisYear ? 'card.expYear' : 'card.expMonth',
      }),
    );
  }
  if (expYear > thisYear + CARD_EXPIRY_MAX_YEARS_AHEAD) {
    return fail(
      new DomainError(
        'parameter_invalid',
        `The expiry year is at most ${CARD_EXPIRY_MAX_YEARS_AHEAD} years ahead.`,
        { param: 'card.expYear' },
      ),
    );
  }
  return ok(expiry);
}

/**
 * How a card behaves on the (simulated) card network, which is all that is kept of its number.
 * Stripe's test numbers: two decline outright, so they cannot be saved to a customer (attaching
 * verifies the card) though they can exist unattached and decline every charge; one attaches
 * fine and declines every charge. Any other valid number behaves like 4242 4242 4242 4242.
 */
export interface CardBehaviour {
  /** Why attaching it to a customer is refused, or null when it can be attached. */
  attachFailureCode: FailureCode | null;
  /** Why every charge on it fails, or null when charges succeed. */
  chargeFailureCode: FailureCode | null;
}

const TEST_CARD_BEHAVIOURS: Readonly<Record<string, CardBehaviour>> = {
  '4000000000000002': { attachFailureCode: 'card_declined', chargeFailureCode: 'card_declined' },
  '4000000000009995': {
    attachFailureCode: 'insufficient_funds',
    chargeFailureCode: 'insufficient_funds',
  },
  '4000000000000341': { attachFailureCode: null, chargeFailureCode: 'card_declined' },
};

const SUCCEEDS: CardBehaviour = { attachFailureCode: null, chargeFailureCode: null };

export function cardBehaviour(digits: string): CardBehaviour {
  return Object.hasOwn(TEST_CARD_BEHAVIOURS, digits)
    ? (TEST_CARD_BEHAVIOURS[digits] ?? SUCCEEDS)
    : SUCCEEDS;
}

/** The words of a refusal to attach a declining card: never the number. */
export function attachDeclined(code: FailureCode): DomainError {
  return new DomainError(
    code,
    code === 'insufficient_funds'
      ? 'The card has insufficient funds, so it cannot be saved to a customer.'
      : 'The card was declined, so it cannot be saved to a customer.',
  );
}

/** What may be kept of a valid card: its brand and last four digits (PCI DSS allows both). */
export function cardSummary(digits: string): { brand: CardBrand; last4: string } {
  return { brand: cardBrand(digits), last4: digits.slice(-4) };
}

/** Everything kept of a checked card but its fingerprint (which needs the server's key). */
export interface CardToSave extends CardExpiry, CardBehaviour {
  brand: CardBrand;
  last4: string;
}

/** `digits` as the create schema leaves them: checked, separators removed. */
export function cardToSave(card: CardExpiry & { digits: string }): CardToSave {
  return {
    ...cardSummary(card.digits),
    expMonth: card.expMonth,
    expYear: card.expYear,
    ...cardBehaviour(card.digits),
  };
}
