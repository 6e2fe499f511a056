import { describe, expect, it } from 'vitest';
import { formatMoney } from './money';
import { describeInterval, describePrice, parseStatusFilter, renewalOf } from './subscriptions';

const end = '2026-12-29T10:00:00.000Z';

describe('renewalOf', () => {
  it.each([
    ['trialing', false, { kind: 'renews', at: end }],
    ['active', false, { kind: 'renews', at: end }],
    ['past_due', false, { kind: 'renews', at: end }],
    ['active', true, { kind: 'cancels', at: end }],
    ['trialing', true, { kind: 'cancels', at: end }],
    ['canceled', false, { kind: 'none' }],
    ['canceled', true, { kind: 'none' }],
    ['incomplete', false, { kind: 'none' }],
  ] as const)('%s with cancelAtPeriodEnd %s → %j', (status, cancelAtPeriodEnd, expected) => {
    expect(renewalOf({ status, cancelAtPeriodEnd, currentPeriodEnd: end })).toEqual(expected);
  });
});

describe('describeInterval', () => {
  it.each([
    ['month', 1, 'every month'],
    ['week', 2, 'every 2 weeks'],
    ['day', 30, 'every 30 days'],
    ['year', 1, 'every year'],
  ] as const)('%s × %i reads "%s"', (interval, count, text) => {
    expect(describeInterval(interval, count)).toBe(text);
  });
});

describe('parseStatusFilter', () => {
  it.each([
    ['past_due', 'past_due'],
    ['all', 'all'],
    [null, 'all'],
    ['paused', 'all'],
    ['', 'all'],
  ])('reads ?status=%j as %s', (value, filter) => {
    expect(parseStatusFilter(value)).toBe(filter);
  });
});

describe('describePrice', () => {
  it('puts the amount, in its currency’s minor unit, before the interval', () => {
    const price = { amount: 2500, currency: 'usd', interval: 'month', intervalCount: 1 } as const;
    expect(describePrice(price)).toBe(`${formatMoney(2500, 'usd')} every month`);
    const yen = { amount: 1000, currency: 'jpy', interval: 'week', intervalCount: 2 } as const;
    expect(describePrice(yen)).toBe(`${formatMoney(1000, 'jpy')} every 2 weeks`);
  });
});
