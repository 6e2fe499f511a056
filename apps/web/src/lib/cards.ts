import { checkExpiry, PaymentMethodCreateSchema } from '@peasswap/domain';
import { describeError, errorData } from './errors';
import type { FieldErrors } from './forms';

/**
 * A card's expiry as people type it ("12/29", "12 / 2029", "01-31", "0429") as a month and a
 * four-digit year; undefined when it is not one. Whether it has passed is the domain schema's call.
 */
export function parseExpiry(text: string): { expMonth: number; expYear: number } | undefined {
  const match = /^(\d{1,2})\s*[/-]?\s*(\d{2}|\d{4})$/.exec(text.trim());
  if (!match) return undefined;
  const expMonth = Number(match[1]);
  const year = match[2] ?? '';
  if (expMonth < 1 || expMonth > 12) return undefined;
  return { expMonth, expYear: year.length === 2 ? 2000 + Number(year) : Number(year) };
}

/** "03/2031": a saved card's expiry. */
export function formatExpiry(expMonth: number, expYear: number): string {
  return `${String(expMonth).padStart(2, '0')}/${expYear}`;
}

/** Past its expiry month, read in UTC as the API reads it. */
export function isExpired(card: { expMonth: number; expYear: number }, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return card.expYear < year || (card.expYear === year && card.expMonth < month);
}

const BRANDS: Record<string, string> = {
  amex: 'American Express',
  diners: 'Diners Club',
  discover: 'Discover',
  jcb: 'JCB',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

/** "Visa •••• 4242": all that is ever shown of a card. */
export function describeCard(card: { brand: string; last4: string }): string {
  return `${BRANDS[card.brand] ?? 'Card'} •••• ${card.last4}`;
}

export type CardField = 'number' | 'expiry' | 'cvc';
/** The form field a card detail belongs to: month and year are typed as one expiry. */
function cardField(name: unknown): CardField | undefined {
  if (name === 'number' || name === 'cvc') return name;
  if (name === 'expMonth' || name === 'expYear') return 'expiry';
  return undefined;
}

/**
 * The create input from the form, or what is wrong with it on its field. The number and CVC are
 * checked by the API's own PaymentMethodCreateSchema (Luhn, length, expiry, the brand's CVC
 * length), whose messages never quote them.
 */
export function cardInput(customer: string, draft: Record<CardField, string>) {
  const expiry = parseExpiry(draft.expiry);
  const input = {
    type: 'card' as const,
    card: {
      number: draft.number,
      expMonth: expiry?.expMonth ?? 0,
      expYear: expiry?.expYear ?? 0,
      cvc: draft.cvc.trim(),
    },
    customer,
  };
  const errors: FieldErrors<CardField> = {};
  if (expiry === undefined) errors.expiry = 'Enter the expiry as MM/YY, like 12/34.';
  const parsed = PaymentMethodCreateSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] === 'card' ? cardField(issue.path[1]) : undefined;
      errors[field ?? 'form'] ??= issue.message;
    }
  }
  // The schema checks the expiry against today only once the number passed; say it at once.
  const current = expiry && checkExpiry(expiry, new Date());
  if (current && !current.ok) errors.expiry ??= current.error.message;
  return Object.keys(errors).length > 0
    ? { ok: false as const, errors }
    : { ok: true as const, input };
}

/** The API's refusal on the field it names (`card.number`, `card.expYear`, ...), else the form's. */
export function serverCardError(error: unknown): FieldErrors<CardField> {
  const param = errorData(error)?.param;
  const field = param?.startsWith('card.') ? cardField(param.slice('card.'.length)) : undefined;
  return field === undefined
    ? { form: describeError(error) }
    : { [field]: (error as Error).message };
}
