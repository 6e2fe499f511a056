import { minorUnitDigits, PAYMENT_AMOUNT_MAX } from '@peasswap/domain';

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

export type ParsedAmount = { ok: true; amount: number } | { ok: false; message: string };

const AMOUNT_TEXT = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/;

/**
 * The inverse of formatMoney: what a person types in the currency's major unit ("25", "25.5",
 * "1,234.56") as an integer of its minor unit (2500, 2550, 123456 for usd; "1000" jpy → 1000;
 * "1.234" bhd → 1234). Built from the digits as text, never by multiplying a float, so "0.29"
 * is 29 and not 28.999…; more decimals than the currency has is refused rather than rounded.
 * The range (1 to PAYMENT_AMOUNT_MAX) is the domain schema's to check.
 */
export function parseMoney(text: string, currency: string): ParsedAmount {
  const digits = minorUnitDigits(currency);
  const match = AMOUNT_TEXT.exec(text.trim());
  if (!match) return { ok: false, message: 'Enter an amount, like 25.00.' };
  const whole = (match[1] ?? '').replaceAll(',', '');
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    const code = currency.toUpperCase();
    return {
      ok: false,
      message:
        digits === 0
          ? `${code} amounts are whole numbers.`
          : `${code} amounts have at most ${digits} decimal places.`,
    };
  }
  const minor = `${whole}${fraction.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '');
  // Past 16 digits a number is no longer exact; the schema refuses far less than that anyway.
  if (minor.length > 15) return { ok: false, message: 'This amount is too large.' };
  return { ok: true, amount: Number(minor) };
}

/**
 * What a person typed as an amount the API takes: parsed exactly (parseMoney), then held to the
 * domain's range with messages in the unit they typed in, not the minor unit the schema speaks.
 */
export function amountFromText(text: string, currency: string): ParsedAmount {
  const parsed = parseMoney(text, currency);
  if (!parsed.ok) return parsed;
  if (parsed.amount < 1) return { ok: false, message: 'Enter an amount greater than zero.' };
  if (parsed.amount > PAYMENT_AMOUNT_MAX) {
    const max = formatMoney(PAYMENT_AMOUNT_MAX, currency);
    return { ok: false, message: `The amount is at most ${max}.` };
  }
  return parsed;
}
