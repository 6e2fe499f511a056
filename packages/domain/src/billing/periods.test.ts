import { describe, expect, it } from 'vitest';
import { addDays, period, periodIndexAt, periodStart, type BillingCycle } from './periods.js';

const utc = (iso: string) => new Date(iso);
const starts = (cycle: BillingCycle, count: number) =>
  Array.from({ length: count }, (_, n) => periodStart(cycle, n).toISOString());

describe('periods are always counted from the anchor', () => {
  it('monthly from Jan 31 clamps to each month end and comes back to the 31st', () => {
    const cycle: BillingCycle = {
      anchor: utc('2027-01-31T10:00:00Z'),
      interval: 'month',
      intervalCount: 1,
    };
    expect(starts(cycle, 6)).toEqual([
      '2027-01-31T10:00:00.000Z',
      '2027-02-28T10:00:00.000Z',
      '2027-03-31T10:00:00.000Z',
      '2027-04-30T10:00:00.000Z',
      '2027-05-31T10:00:00.000Z',
      '2027-06-30T10:00:00.000Z',
    ]);
  });

  it('monthly from Jan 31 in a leap year goes to Feb 29', () => {
    const cycle: BillingCycle = {
      anchor: utc('2028-01-31T00:00:00Z'),
      interval: 'month',
      intervalCount: 1,
    };
    expect(periodStart(cycle, 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(periodStart(cycle, 2).toISOString()).toBe('2028-03-31T00:00:00.000Z');
  });

  it('yearly from Feb 29 is Feb 28 in common years and Feb 29 in leap years', () => {
    const cycle: BillingCycle = {
      anchor: utc('2028-02-29T12:00:00Z'),
      interval: 'year',
      intervalCount: 1,
    };
    expect(starts(cycle, 5)).toEqual([
      '2028-02-29T12:00:00.000Z',
      '2029-02-28T12:00:00.000Z',
      '2030-02-28T12:00:00.000Z',
      '2031-02-28T12:00:00.000Z',
      '2032-02-29T12:00:00.000Z',
    ]);
  });

  it('every two weeks', () => {
    const cycle: BillingCycle = {
      anchor: utc('2027-03-01T09:30:00Z'),
      interval: 'week',
      intervalCount: 2,
    };
    expect(starts(cycle, 3)).toEqual([
      '2027-03-01T09:30:00.000Z',
      '2027-03-15T09:30:00.000Z',
      '2027-03-29T09:30:00.000Z',
    ]);
  });

  it('a quarter (3 months) from Nov 30', () => {
    const cycle: BillingCycle = {
      anchor: utc('2026-11-30T00:00:00Z'),
      interval: 'month',
      intervalCount: 3,
    };
    expect(starts(cycle, 3)).toEqual([
      '2026-11-30T00:00:00.000Z',
      '2027-02-28T00:00:00.000Z',
      '2027-05-30T00:00:00.000Z',
    ]);
  });

  it('a trial ending on a month end anchors the cycle there', () => {
    const trialEnd = addDays(utc('2027-01-01T08:00:00Z'), 30);
    expect(trialEnd.toISOString()).toBe('2027-01-31T08:00:00.000Z');
    const cycle: BillingCycle = { anchor: trialEnd, interval: 'month', intervalCount: 1 };
    expect(period(cycle, 0)).toEqual({
      start: utc('2027-01-31T08:00:00Z'),
      end: utc('2027-02-28T08:00:00Z'),
    });
    expect(periodStart(cycle, 2).toISOString()).toBe('2027-03-31T08:00:00.000Z');
  });
});

describe('periodIndexAt', () => {
  const cycles: BillingCycle[] = [
    { anchor: utc('2027-01-31T10:00:00Z'), interval: 'month', intervalCount: 1 },
    { anchor: utc('2028-02-29T12:00:00Z'), interval: 'year', intervalCount: 1 },
    { anchor: utc('2027-03-01T09:30:00Z'), interval: 'week', intervalCount: 2 },
    { anchor: utc('2027-03-01T09:30:00Z'), interval: 'day', intervalCount: 1 },
    { anchor: utc('2027-03-01T09:30:00Z'), interval: 'day', intervalCount: 365 },
  ];

  it.each(cycles)(
    'finds the period containing each boundary and the instant before it',
    (cycle) => {
      expect(periodIndexAt(cycle, new Date(cycle.anchor.getTime() - 1))).toBe(-1);
      for (let n = 0; n < 40; n += 1) {
        const start = periodStart(cycle, n);
        expect(periodIndexAt(cycle, start)).toBe(n);
        expect(periodIndexAt(cycle, new Date(start.getTime() - 1))).toBe(n - 1);
      }
    },
  );
});
