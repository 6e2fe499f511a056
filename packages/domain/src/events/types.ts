/**
 * Every kind of change an event records (SPEC §7), named `<object>.<what happened>`. An event is
 * written in the same transaction as its change, so the list of events is the list of changes.
 */
export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.merged',
  'payment.succeeded',
  'payment.failed',
  'payment_method.attached',
  'payment_method.detached',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'payment_schedule.created',
  'payment_schedule.canceled',
] as const;
export type ChangeEventType = (typeof EVENT_TYPES)[number];

/**
 * What "send test event" sends: recorded and delivered like a change (so its delivery is in the
 * log), but only to the endpoint it was sent to, whatever that endpoint subscribes to.
 */
export const TEST_EVENT_TYPE = 'webhook_endpoint.test';

export const ALL_EVENT_TYPES = [...EVENT_TYPES, TEST_EVENT_TYPE] as const;
export type EventType = (typeof ALL_EVENT_TYPES)[number];

/** What an endpoint subscribes to: `*` (every change) or a list of types. */
export const ALL_EVENTS = '*';

/**
 * Whether an endpoint subscribed to `enabledEvents` receives an event of `type`. A test event is
 * sent only to the endpoint it tests, so no subscription (not even `*`) receives it.
 */
export function isSubscribed(enabledEvents: readonly string[], type: string): boolean {
  if (type === TEST_EVENT_TYPE) return false;
  return enabledEvents.includes(ALL_EVENTS) || enabledEvents.includes(type);
}

/**
 * The types a `type=` filter names: one exact type, or `customer.*` for every type of an object.
 * Undefined when it names none (a typo is an error, not an empty list).
 */
export function eventTypesMatching(filter: string): EventType[] | undefined {
  const matches = filter.endsWith('.*')
    ? ALL_EVENT_TYPES.filter((type) => type.startsWith(filter.slice(0, -1)))
    : ALL_EVENT_TYPES.filter((type) => type === filter);
  return matches.length > 0 ? [...matches] : undefined;
}
