import {
  ALL_EVENT_TYPES,
  ALL_EVENTS,
  EVENT_TYPES,
  TEST_EVENT_TYPE,
  eventTypesMatching,
  type ChangeEventType,
  type EventType,
} from '@peasswap/domain';

/** One object's event types (`customer.created`, `customer.updated`, ...), as pickers group them. */
export interface EventGroup {
  /** `customer`: the part of the type before the dot, and the `customer.*` filter's stem. */
  object: string;
  label: string;
  types: EventType[];
}

const OBJECT_LABELS: Record<string, string> = {
  customer: 'Customers',
  payment: 'Payments',
  payment_method: 'Payment methods',
  subscription: 'Subscriptions',
  payment_schedule: 'Payment schedules',
  webhook_endpoint: 'Webhook endpoints',
};

const objectOf = (type: string) => type.slice(0, type.indexOf('.'));

/** The types grouped by object, in the order the domain lists them. */
export function groupEventTypes(types: readonly EventType[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const type of types) {
    const object = objectOf(type);
    let group = groups.get(object);
    if (!group) {
      group = { object, label: OBJECT_LABELS[object] ?? object, types: [] };
      groups.set(object, group);
    }
    group.types.push(type);
  }
  return [...groups.values()];
}

/** What an endpoint can subscribe to: every change (the test event is sent on request only). */
export const SUBSCRIBABLE_GROUPS = groupEventTypes(EVENT_TYPES);

/** What the Events screen filters by: every type recorded, test events included. */
export const FILTER_GROUPS = groupEventTypes(ALL_EVENT_TYPES);

export const ALL_TYPES_FILTER = 'all';

/** The Events screen's `?type=`: an exact type or `customer.*`; anything else shows every event. */
export function parseTypeFilter(value: string | null): string {
  if (value === null || value === '' || value === ALL_TYPES_FILTER) return ALL_TYPES_FILTER;
  return eventTypesMatching(value) === undefined ? ALL_TYPES_FILTER : value;
}

/** "Customer created", "Payment method attached": a type as a person reads it. */
export function describeEventType(type: string): string {
  if (type === TEST_EVENT_TYPE) return 'Test event';
  const dot = type.indexOf('.');
  if (dot === -1) return type;
  const object = type.slice(0, dot).replaceAll('_', ' ');
  const what = type.slice(dot + 1).replaceAll('_', ' ');
  return `${object.charAt(0).toUpperCase()}${object.slice(1)} ${what}`;
}

/** An endpoint's subscription in a few words: "All events", or its first types and a count. */
export function describeEnabledEvents(enabledEvents: readonly string[], shown = 2): string {
  if (enabledEvents.includes(ALL_EVENTS)) return 'All events';
  const first = enabledEvents.slice(0, shown).join(', ');
  const more = enabledEvents.length - shown;
  return more > 0 ? `${first} and ${more} more` : first;
}

/**
 * The event picker's choice as the API takes it: `["*"]` for all events, else the chosen types in
 * the domain's order (so the same choice is always sent the same way).
 */
export function enabledEventsOf(choice: {
  all: boolean;
  types: ReadonlySet<string>;
}): (ChangeEventType | typeof ALL_EVENTS)[] {
  if (choice.all) return [ALL_EVENTS];
  return EVENT_TYPES.filter((type) => choice.types.has(type));
}

/** The id of the object an event is about, and the dashboard page that shows it, if one does. */
export function eventSubject(data: { object: Record<string, unknown> }): {
  id: string | undefined;
  customer: string | undefined;
} {
  const { object } = data;
  const id = typeof object.id === 'string' ? object.id : undefined;
  const customer =
    object.object === 'customer'
      ? id
      : typeof object.customer === 'string'
        ? object.customer
        : undefined;
  return { id, customer };
}
