import { auditDiff, newId, TEST_EVENT_TYPE, type AuditDiff } from '@peasswap/domain';

/**
 * Whose audit log an entry goes to: the account, and the environment of the change, or null for
 * account-wide objects (dashboard users).
 */
export interface AuditScope {
  accountId: string;
  livemode: boolean | null;
}

/** A change with no event, for the audit log alone (API keys, webhook endpoints, users, ...). */
export interface AuditRecord {
  /** `api_key.created`, `webhook_endpoint.updated`, `user.invited`, `customer.redacted`, ... */
  action: string;
  objectId: string;
  /** The customer the change is about, when there is one (their erasure deletes the values). */
  customerId?: string | null;
  /** The object as the API answers it, before the change; undefined when it is created. */
  before?: Record<string, unknown>;
  /** The object as the API answers it, after the change; undefined when it is removed. */
  after?: Record<string, unknown>;
  /**
   * Name the changed fields but keep none of their values (`changes: null`): an erasure records
   * which fields it erased, never what they held.
   */
  withoutValues?: boolean;
}

/** An event's change, as the outbox records it (outbox.ts `Change`). */
interface EventChange {
  type: string;
  object: { id: string } & object;
  previousAttributes?: Record<string, unknown>;
  customerId: string | null;
}

/** Event types that create their object: the entry names every field given a value. */
const CREATIONS: ReadonlySet<string> = new Set([
  'customer.created',
  'payment.succeeded',
  'payment.failed',
  'subscription.created',
  'payment_schedule.created',
]);

/**
 * Event types that move an object from one state to another without previousAttributes: the
 * fields the move sets, with their values after (the values before are the state's usual ones).
 */
const TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  'payment_method.attached': ['customer'],
  'subscription.canceled': ['status', 'canceledAt', 'endedAt', 'cancellationReason'],
  'payment_schedule.canceled': ['status'],
};

function pick(object: object, fields: readonly string[]): Record<string, unknown> {
  const values = object as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (Object.hasOwn(values, field)) {
      Object.defineProperty(picked, field, {
        value: values[field],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return picked;
}

/**
 * What an event's change says of its fields, for its audit entry; undefined for a test event,
 * which changes nothing, and for an update that names no previous value. An `*.updated` (or a merge) has the old values of the fields it changed;
 * a creation has every field; a removal none (`customer.deleted`); a detach sets `customer` from
 * the customer it leaves to none.
 */
export function auditOfChange(change: EventChange): AuditDiff | undefined {
  if (change.type === TEST_EVENT_TYPE) return undefined;
  // An update with no previous values names no change (a redaction's customer.updated, whose
  // entry is customer.redacted): an entry of nothing would only repeat its neighbour.
  if (change.type.endsWith('.updated') && !change.previousAttributes) return undefined;
  const object = change.object as Record<string, unknown>;
  if (change.previousAttributes) {
    const before = change.previousAttributes;
    return auditDiff(before, pick(object, Object.keys(before)));
  }
  if (CREATIONS.has(change.type)) return auditDiff(undefined, object);
  if (change.type === 'payment_method.detached') {
    return auditDiff({ customer: change.customerId }, { customer: null });
  }
  return auditDiff({}, pick(object, TRANSITIONS[change.type] ?? []));
}

/** The audit log's rows of `records`, named as outbox.ts `auditInserts` reads them. */
export function auditRows(records: readonly AuditRecord[]) {
  return records.map((record, index) => {
    const { fields, changes } = auditDiff(record.before, record.after);
    return {
      aud_id: newId('auditEntry'),
      aud_action: record.action,
      aud_object: record.objectId,
      customer_id: record.customerId ?? null,
      aud_fields: fields,
      // No row of values for an entry without any: the API answers `{}` when it names no field.
      aud_changes: record.withoutValues || fields.length === 0 ? null : changes,
      ord: index,
    };
  });
}
