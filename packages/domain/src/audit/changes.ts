import { containsCardNumber } from '../common/sensitive.js';

/** One field's values in an audit entry: either side is absent when it had no value. */
export interface AuditFieldChange {
  before?: unknown;
  after?: unknown;
}

export type AuditChanges = Record<string, AuditFieldChange>;

/** What an audit entry records of a change: the fields it set, and their values as kept. */
export interface AuditDiff {
  fields: string[];
  changes: AuditChanges;
}

/**
 * Fields whose values are secrets or card data: an entry names them when they change, but keeps no
 * value of theirs, at any depth (a payment method's `card.fingerprint` as much as a webhook
 * endpoint's `secret`). Their entry in `changes` is `{}`.
 */
export const AUDIT_SECRET_FIELDS: ReadonlySet<string> = new Set([
  'secret',
  'previousSecret',
  'secretHash',
  'password',
  'passwordHash',
  'temporaryPassword',
  'token',
  'tokenHash',
  'sessionToken',
  'fingerprint',
  'number',
  'cvc',
]);

/**
 * Fields holding personal contact data: kept masked, enough to tell values apart in a review
 * (`j***@example.com`, `+44*******89`) but not to contact anyone. Names stay readable: an audit
 * log that cannot say whose record changed is no use, and a customer's erasure deletes every value
 * of their entries anyway.
 */
export const AUDIT_MASKED_FIELDS = ['email', 'phone'] as const;

/** What an entry says in place of text holding a card number. */
export const CARD_NUMBER_REMOVED = '[card number removed]';

/**
 * Bookkeeping every object has: not a change anyone makes (the entry has its own id, object id,
 * environment and time).
 */
const BOOKKEEPING_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'object',
  'livemode',
  'createdAt',
  'updatedAt',
]);

/** `jane@example.com` → `j***@example.com`; text that is not an address keeps one character. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return `${email.slice(0, 1)}***`;
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** `+442071838750` → `+44********50`: the first three and last two characters stay. */
export function maskPhone(phone: string): string {
  if (phone.length <= 5) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

function maskedValue(field: string, value: unknown): unknown {
  if (typeof value !== 'string') return keptValue(value);
  if (field === 'email') return maskEmail(value);
  if (field === 'phone') return maskPhone(value);
  return keptValue(value);
}

/**
 * A value as an entry may keep it: text holding a card number replaced, secret fields of nested
 * objects left out, masked fields of nested objects masked. Anything else is kept as it is.
 */
function keptValue(value: unknown): unknown {
  if (typeof value === 'string') return containsCardNumber(value) ? CARD_NUMBER_REMOVED : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(keptValue);
  const kept: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    if (AUDIT_SECRET_FIELDS.has(field)) continue;
    Object.defineProperty(kept, field, {
      value: maskedValue(field, inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return kept;
}

/** No value: absent, null, or an empty object (a customer's metadata before any key is set). */
function hasValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'object' || Array.isArray(value)) return true;
  for (const _field in value) return true;
  return false;
}

/** Compared as the API shows them: by JSON, every kind of no value the same. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const aHas = hasValue(a);
  if (aHas !== hasValue(b)) return false;
  return !aHas || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What an audit entry records of a change to an object: the names of the fields whose values
 * differ between `before` and `after` (objects as the API answers them; `before` undefined for a
 * creation, `after` undefined for a removal), with those values, as they may be kept:
 *
 * - a field without a value (absent, null or `{}`) is the same as a null one, so a creation names
 *   only the fields it gave a value; a removal (`after` undefined) names none;
 * - bookkeeping fields (`id`, `object`, `livemode`, `createdAt`, `updatedAt`) are never named;
 * - secrets and card data never appear: a field in AUDIT_SECRET_FIELDS is named but `{}` keeps no
 *   value, nested ones (`card.fingerprint`) are left out of the values, and any text holding a
 *   card number is replaced by CARD_NUMBER_REMOVED;
 * - contact fields (AUDIT_MASKED_FIELDS, at any depth) are masked: `j***@example.com`,
 *   `+44********50`;
 * - a side without a value is left out of the field's change: `{after}` for a creation.
 */
export function auditDiff(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): AuditDiff {
  const fields: string[] = [];
  const changes: AuditChanges = {};
  // A removal's object is gone as a whole: the action says so, no field's value is worth keeping.
  if (after === undefined) return { fields, changes };
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of names) {
    if (BOOKKEEPING_FIELDS.has(field)) continue;
    const old = before?.[field];
    const now = after?.[field];
    if (sameValue(old, now)) continue;
    fields.push(field);
    const change: AuditFieldChange = {};
    if (!AUDIT_SECRET_FIELDS.has(field)) {
      if (hasValue(old)) change.before = maskedValue(field, old);
      if (hasValue(now)) change.after = maskedValue(field, now);
    }
    Object.defineProperty(changes, field, {
      value: change,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { fields, changes };
}
