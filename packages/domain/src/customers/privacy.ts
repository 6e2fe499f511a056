import { z } from 'zod';
import { AuditEntrySchema } from '../audit/schemas.js';
import { IsoTimestampSchema } from '../common/list.js';
import { EventSchema } from '../events/schemas.js';
import { CARD_BRANDS } from '../payment-methods/card.js';
import { PAYMENT_METHOD_TYPES } from '../payment-methods/schemas.js';
import { PaymentSchema } from '../payments/schemas.js';
import { PaymentScheduleSchema } from '../subscriptions/schedules.js';
import { SubscriptionSchema } from '../subscriptions/schemas.js';
import { CustomerSchema } from './schemas.js';

/**
 * Privacy requests (GDPR articles 15, 17 and 20): what a customer's export holds, what a redaction
 * writes in place of their personal data, and the pure walk that takes that data out of stored
 * JSON (events, stored idempotent answers, ...).
 */

/** The customer fields that hold personal data: a redaction replaces every one of them. */
export const PERSONAL_CUSTOMER_FIELDS = [
  'name',
  'email',
  'phone',
  'description',
  'metadata',
] as const;
export type PersonalCustomerField = (typeof PERSONAL_CUSTOMER_FIELDS)[number];

export const REDACTED_CUSTOMER_NAME = 'Redacted customer';
/** What an erased value is replaced by inside other text (a payment's description, ...). */
export const REDACTED_TEXT = '[redacted]';
const REDACTED_EMAIL_DOMAIN = 'redacted.invalid';

/**
 * A redacted customer's email: unique per customer (the live-email index holds one per account and
 * environment), so the real address is free for a new customer, and on a reserved domain that can
 * never receive mail (RFC 2606 `.invalid`).
 */
export function redactedEmail(customerId: string): string {
  return `redacted+${customerId}@${REDACTED_EMAIL_DOMAIN}`;
}

/** The values a redaction writes in place of the customer's personal fields. */
export function redactedCustomerFields(customerId: string) {
  return {
    name: REDACTED_CUSTOMER_NAME,
    email: redactedEmail(customerId),
    phone: null,
    description: null,
    metadata: {} as Record<string, string>,
  } satisfies Record<PersonalCustomerField, unknown>;
}

/** Shorter values are erased only where they are the customer's own fields, never inside text. */
const MIN_SCRUBBED_LENGTH = 3;

type Json = unknown;

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTheCustomer = (value: Json, customerId: string): value is Record<string, Json> =>
  isRecord(value) && value.object === 'customer' && value.id === customerId;

function personalValuesOfField(field: string, value: Json, into: Set<string>) {
  if (!(PERSONAL_CUSTOMER_FIELDS as readonly string[]).includes(field)) return;
  if (typeof value === 'string') into.add(value);
  else if (isRecord(value)) {
    for (const inner of Object.values(value)) if (typeof inner === 'string') into.add(inner);
  }
}

/**
 * Every personal value the customer has had that `stored` shows: their fields wherever the
 * customer object appears, and the old values beside it (`previousAttributes`). Events keep a
 * customer's history, so a name changed months ago is found and erased too.
 */
export function personalValuesIn(stored: Json, customerId: string, into = new Set<string>()) {
  const walk = (value: Json) => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!isRecord(value)) return;
    if (isTheCustomer(value, customerId)) {
      for (const [field, inner] of Object.entries(value)) personalValuesOfField(field, inner, into);
    }
    if (isTheCustomer(value.object, customerId) && isRecord(value.previousAttributes)) {
      for (const [field, inner] of Object.entries(value.previousAttributes)) {
        personalValuesOfField(field, inner, into);
      }
    }
    Object.values(value).forEach(walk);
  };
  walk(stored);
  return into;
}

/** The personal values in an audit entry's changes (`{field: {before, after}}`). */
export function personalValuesInChanges(changes: Json, into = new Set<string>()) {
  if (!isRecord(changes)) return into;
  for (const [field, change] of Object.entries(changes)) {
    if (!isRecord(change)) continue;
    personalValuesOfField(field, change.before, into);
    personalValuesOfField(field, change.after, into);
  }
  return into;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that takes `values` out of any JSON: the customer's own object (and the old values
 * beside it in an update's `previousAttributes`) gets the redaction's placeholders whatever it held,
 * and every other string (and key) has each value, in any case, replaced by `[redacted]`: a
 * payment's description that named the customer keeps its other words.
 */
export function personalDataScrubber(customerId: string, values: Iterable<string>) {
  const placeholders = redactedCustomerFields(customerId);
  const searchable = [...new Set(values)]
    .filter((value) => value.length >= MIN_SCRUBBED_LENGTH)
    // Longest first, so an email is erased whole before a name inside it.
    .sort((a, b) => b.length - a.length);
  const pattern =
    searchable.length > 0 ? new RegExp(searchable.map(escapeRegExp).join('|'), 'giu') : undefined;
  const text = (value: string) => (pattern ? value.replace(pattern, REDACTED_TEXT) : value);

  const withPlaceholders = (record: Record<string, Json>) => {
    const copy = { ...record };
    for (const field of PERSONAL_CUSTOMER_FIELDS) {
      if (field in copy) copy[field] = placeholders[field];
    }
    return copy;
  };

  const scrub = (value: Json): Json => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (!isRecord(value)) return value;
    let record = value;
    if (isTheCustomer(record, customerId)) record = withPlaceholders(record);
    if (isTheCustomer(record.object, customerId) && isRecord(record.previousAttributes)) {
      record = { ...record, previousAttributes: withPlaceholders(record.previousAttributes) };
    }
    const out: Record<string, Json> = {};
    for (const [key, inner] of Object.entries(record)) out[text(key)] = scrub(inner);
    return out;
  };
  return {
    scrub,
    /** Whether `stored` (a string, or JSON text) holds one of the values. */
    holdsAny: (stored: string) => pattern !== undefined && new RegExp(pattern).test(stored),
    text,
  };
}

// ---- The export (GDPR articles 15 and 20) ----

export const ExportedCustomerSchema = CustomerSchema.extend({
  deletedAt: IsoTimestampSchema.nullable().describe('When the customer was deleted, or null.'),
  mergedInto: z
    .string()
    .nullable()
    .describe('The customer this one was merged into (and deleted by), or null.'),
  redactedAt: IsoTimestampSchema.nullable().describe(
    'When the customer’s personal data was erased, or null.',
  ),
}).meta({
  id: 'ExportedCustomer',
  description: 'The customer as stored, deleted, merged or redacted ones too.',
});

export const ExportedPaymentMethodSchema = z
  .object({
    id: z.string().describe('The payment method’s id.'),
    object: z.literal('payment_method').describe('Always `payment_method`.'),
    type: z.enum(PAYMENT_METHOD_TYPES).describe('The kind of payment method: `card`.'),
    card: z
      .object({
        brand: z.enum(CARD_BRANDS).describe('The card network.'),
        last4: z.string().describe('The last four digits of the number.'),
        expMonth: z.number().int().describe('The expiry month, 1 to 12.'),
        expYear: z.number().int().describe('The four-digit expiry year.'),
      })
      .describe('What is kept of the card; the export leaves out the fingerprint.'),
    customer: z.string().nullable().describe('The customer it is attached to; null once detached.'),
    livemode: z.boolean().describe('true in the live environment, false in test.'),
    createdAt: IsoTimestampSchema.describe('When the payment method was created.'),
    detachedAt: IsoTimestampSchema.nullable().describe('When it was detached, or null.'),
  })
  .meta({
    id: 'ExportedPaymentMethod',
    description: 'A card the customer saved, attached or not.',
  });
export type ExportedPaymentMethod = z.infer<typeof ExportedPaymentMethodSchema>;

export const CustomerExportSchema = z
  .object({
    object: z.literal('customer_export').describe('Always `customer_export`.'),
    exportedAt: IsoTimestampSchema.describe('When the export was read.'),
    customer: ExportedCustomerSchema,
    payments: z.array(PaymentSchema).describe('Every payment of the customer, newest first.'),
    paymentMethods: z
      .array(ExportedPaymentMethodSchema)
      .describe('Every card saved for the customer, detached ones too, newest first.'),
    subscriptions: z.array(SubscriptionSchema).describe('Every subscription, newest first.'),
    schedules: z.array(PaymentScheduleSchema).describe('Every payment schedule, newest first.'),
    events: z
      .array(EventSchema)
      .describe('The events about the customer still kept (30 days), newest first.'),
    auditEntries: z
      .array(AuditEntrySchema)
      .describe('The audit log entries about the customer, newest first.'),
  })
  .meta({
    id: 'CustomerExport',
    description: 'Everything held about one customer, as one JSON document (GDPR articles 15, 20).',
  });
export type CustomerExport = z.infer<typeof CustomerExportSchema>;

// ---- The redaction (GDPR article 17) ----

export const CustomerRedactionSchema = z
  .object({
    object: z.literal('customer_redaction').describe('Always `customer_redaction`.'),
    customer: CustomerSchema.describe('The customer after the redaction, with placeholders.'),
    redactedAt: IsoTimestampSchema.describe(
      'When the personal data was erased; the same on every repeat of the request.',
    ),
  })
  .meta({
    id: 'CustomerRedaction',
    description: 'A customer whose personal data was erased for good.',
  });
export type CustomerRedaction = z.infer<typeof CustomerRedactionSchema>;

/**
 * `value` with every card's `fingerprint` left out: the export answers cards as brand, last four
 * digits and expiry, in its events too (the fingerprint is the merchant's matching key, not data
 * about the person).
 */
export function withoutCardFingerprints<T>(value: T): T {
  const walk = (inner: Json): Json => {
    if (Array.isArray(inner)) return inner.map(walk);
    if (!isRecord(inner)) return inner;
    const out: Record<string, Json> = {};
    for (const [key, field] of Object.entries(inner)) {
      if (key === 'card' && isRecord(field)) {
        const { fingerprint: _fingerprint, ...card } = field;
        out[key] = walk(card);
      } else out[key] = walk(field);
    }
    return out;
  };
  return walk(value) as T;
}
