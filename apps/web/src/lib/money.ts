import { minorUnitDigits } from '@peasswap/domain';

/**
 * An amount in the currency's minor unit as people read it: 2500 usd → "$25.00", 1000 jpy →
 * "¥1,000", 1234 bhd → "BHD 1.234". The decimal is built as text and handed to Intl as a string,
 * so large totals are never rounded through a float.
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const units = Math.abs(Math.trunc(amount))
    .toString()
    .padStart(digits + 1, '0');
  const decimal =
    digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(units.length - digits)}`;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(`${sign}${decimal}` as `${number}`);
}
