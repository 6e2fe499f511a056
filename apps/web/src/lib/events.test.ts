import { ALL_EVENT_TYPES, EVENT_TYPES } from '@peasswap/domain';
import { describe, expect, it } from 'vitest';
import {
  describeEnabledEvents,
  describeEventType,
  enabledEventsOf,
  eventSubject,
  FILTER_GROUPS,
  groupEventTypes,
  parseTypeFilter,
  SUBSCRIBABLE_GROUPS,
} from './events';

describe('groupEventTypes', () => {
  it('groups types by their object, in the domain’s order', () => {
    expect(groupEventTypes(['customer.created', 'payment.failed', 'customer.deleted'])).toEqual([
      { object: 'customer', label: 'Customers', types: ['customer.created', 'customer.deleted'] },
      { object: 'payment', label: 'Payments', types: ['payment.failed'] },
    ]);
  });

  it('offers every change to subscribe to, and the test event only as a filter', () => {
    expect(SUBSCRIBABLE_GROUPS.flatMap((group) => group.types)).toEqual([...EVENT_TYPES]);
    expect(FILTER_GROUPS.flatMap((group) => group.types)).toEqual([...ALL_EVENT_TYPES]);
    expect(FILTER_GROUPS.at(-1)).toEqual({
      object: 'webhook_endpoint',
      label: 'Webhook endpoints',
      types: ['webhook_endpoint.test'],
    });
  });
});

describe('parseTypeFilter', () => {
  it.each([
    ['customer.created', 'customer.created'],
    ['payment_method.*', 'payment_method.*'],
    ['webhook_endpoint.test', 'webhook_endpoint.test'],
    [null, 'all'],
    ['', 'all'],
    ['all', 'all'],
    ['customer.exploded', 'all'],
    ['nothing.*', 'all'],
    ['*', 'all'],
  ])('reads %j as %j', (value, filter) => {
    expect(parseTypeFilter(value)).toBe(filter);
  });
});

describe('describeEventType', () => {
  it.each([
    ['customer.created', 'Customer created'],
    ['payment_method.attached', 'Payment method attached'],
    ['payment_schedule.canceled', 'Payment schedule canceled'],
    ['webhook_endpoint.test', 'Test event'],
    ['odd', 'odd'],
  ])('reads %s as %s', (type, text) => {
    expect(describeEventType(type)).toBe(text);
  });
});

describe('describeEnabledEvents', () => {
  it('says All events for *, the types when few, and a count beyond', () => {
    expect(describeEnabledEvents(['*'])).toBe('All events');
    expect(describeEnabledEvents(['customer.created'])).toBe('customer.created');
    expect(describeEnabledEvents(['customer.created', 'payment.failed'])).toBe(
      'customer.created, payment.failed',
    );
    expect(describeEnabledEvents(['customer.created', 'payment.failed', 'payment.succeeded'])).toBe(
      'customer.created, payment.failed and 1 more',
    );
  });
});

describe('enabledEventsOf', () => {
  it('sends * alone for All events, whatever else is ticked', () => {
    expect(enabledEventsOf({ all: true, types: new Set(['customer.created']) })).toEqual(['*']);
  });

  it('sends the ticked types in the domain’s order, and nothing unknown', () => {
    const types = new Set(['payment.failed', 'customer.created', 'made.up']);
    expect(enabledEventsOf({ all: false, types })).toEqual(['customer.created', 'payment.failed']);
    expect(enabledEventsOf({ all: false, types: new Set() })).toEqual([]);
  });
});

describe('eventSubject', () => {
  it('finds the customer an event is about: the object itself, or the one it belongs to', () => {
    expect(eventSubject({ object: { id: 'cus_1', object: 'customer' } })).toEqual({
      id: 'cus_1',
      customer: 'cus_1',
    });
    expect(eventSubject({ object: { id: 'pay_1', object: 'payment', customer: 'cus_2' } })).toEqual(
      { id: 'pay_1', customer: 'cus_2' },
    );
    expect(eventSubject({ object: { id: 'we_1', object: 'webhook_endpoint' } })).toEqual({
      id: 'we_1',
      customer: undefined,
    });
  });
});
