import { code as isoCurrency } from 'currency-codes';

/**
 * ISO 4217 codes that are not money one can be paid in: precious metals, special drawing rights,
 * settlement units and the testing/no-currency codes.
 */
const NOT_PAYABLE = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

/** Whether `currency` (any case) is a currency of the ISO 4217 list one can take payments in. */
export function isPayableCurrency(currency: string): boolean {
  const upper = currency.toUpperCase();
  return /^[A-Z]{3}$/.test(upper) && !NOT_PAYABLE.has(upper) && isoCurrency(upper) !== undefined;
}

/** Digits after the decimal point in the currency's minor unit: 2 for usd, 0 for jpy, 3 for bhd. */
export function minorUnitDigits(currency: string): number {
  return isoCurrency(currency.toUpperCase())?.digits ?? 2;
}
