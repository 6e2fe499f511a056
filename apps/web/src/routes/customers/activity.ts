import type { AuditActor } from '@peasswap/domain';
import { describeEventType } from '../../lib/events';
import { formatMoney } from '../../lib/money';

const EMPTY = '—';
export const VALUE_NOT_KEPT = 'value not kept';

/** Actions whose words are not "<object> <verb>": the customer's erasure, a merge. */
const ACTION_WORDS: Record<string, string> = {
  'customer.redacted': 'Personal data erased',
  'customer.merged': 'Customers merged into this one',
};

/** `customer.updated` → "Customer updated"; `payment_method.attached` → "Payment method attached". */
export function describeAction(action: string): string {
  return ACTION_WORDS[action] ?? describeEventType(action);
}

/**
 * Who made a change, as the Activity list names them: a dashboard user by their email when the
 * page knows it (`emailOf`), else by id; an API key by its id; billing and other automatic work as
 * "System".
 */
export function describeActor(
  actor: AuditActor,
  emailOf: (userId: string) => string | undefined,
): string {
  if (actor.type === 'system' || actor.id === null) return 'System';
  if (actor.type === 'api_key') return `API key ${actor.id}`;
  return emailOf(actor.id) ?? `User ${actor.id}`;
}

/** `defaultPaymentMethod` → "Default payment method"; `metadata.plan` → "Metadata plan". */
export function describeField(field: string): string {
  const words = field
    .replaceAll('.', ' ')
    .replaceAll('_', ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/**
 * A recorded value as text: strings as they are, nothing as a dash, anything else (metadata, a
 * number, a flag) as compact JSON.
 */
export function formatAuditValue(value: unknown): string {
  if (value === undefined || value === null) return EMPTY;
  if (typeof value === 'string') return value === '' ? EMPTY : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export interface ChangeLine {
  field: string;
  label: string;
  /** Undefined when the field had no value before (a creation): only the new value is shown. */
  before: string | undefined;
  after: string;
}

/**
 * One line per changed field, in the order the entry names them; an amount in money when the
 * entry has its currency (a payment's creation), else in the minor unit the API keeps. `changes` is null once the
 * customer's personal data has been erased: the fields stay, their values are gone (null answer).
 */
export function changeLines(
  fields: readonly string[],
  changes: Record<string, { before?: unknown; after?: unknown }> | null,
): ChangeLine[] | null {
  if (changes === null) return null;
  const names = fields.length > 0 ? fields : Object.keys(changes);
  const currency = changes.currency?.after ?? changes.currency?.before;
  const format = (field: string, value: unknown) =>
    field === 'amount' && typeof value === 'number' && typeof currency === 'string'
      ? formatMoney(value, currency)
      : formatAuditValue(value);
  return names.map((field) => {
    const change = changes[field] ?? {};
    const label = describeField(field);
    // A secret's or card's field is named with no value on either side.
    if (!('before' in change) && !('after' in change)) {
      return { field, label, before: undefined, after: VALUE_NOT_KEPT };
    }
    return {
      field,
      label,
      before: 'before' in change ? format(field, change.before) : undefined,
      after: format(field, change.after),
    };
  });
}
