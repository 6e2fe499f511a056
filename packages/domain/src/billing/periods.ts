import { Temporal } from 'temporal-polyfill';

export const BILLING_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** At most one year in all: 365 days, 52 weeks, 12 months, 1 year (SPEC §6). */
export const MAX_INTERVAL_COUNT: Record<BillingInterval, number> = {
  day: 365,
  week: 52,
  month: 12,
  year: 1,
};

export interface BillingCycle {
  /** Period 0 starts here; every other period is computed from it, never from the previous one. */
  anchor: Date;
  interval: BillingInterval;
  intervalCount: number;
}

const UNIT = { day: 'days', week: 'weeks', month: 'months', year: 'years' } as const;

function inUtc(instant: Date): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO('UTC');
}

/**
 * When period `n` starts: the anchor plus n × interval, in UTC, a month past the end of a shorter
 * month clamped to its last day (Jan 31 → Feb 28/29 → Mar 31 → Apr 30; Feb 29 yearly → Feb 28,
 * and Feb 29 again in leap years). Always from the anchor, so the day never drifts.
 */
export function periodStart(cycle: BillingCycle, n: number): Date {
  const step = { [UNIT[cycle.interval]]: n * cycle.intervalCount };
  return new Date(inUtc(cycle.anchor).add(step).epochMilliseconds);
}

/** Period n as [start, end): it ends where period n + 1 starts. */
export function period(cycle: BillingCycle, n: number): { start: Date; end: Date } {
  return { start: periodStart(cycle, n), end: periodStart(cycle, n + 1) };
}

/** The period that contains `at` (the last one that has started); -1 before the anchor. */
export function periodIndexAt(cycle: BillingCycle, at: Date): number {
  if (at < cycle.anchor) return -1;
  const approxDays = { day: 1, week: 7, month: 30.436875, year: 365.2425 }[cycle.interval];
  const elapsedDays = (at.getTime() - cycle.anchor.getTime()) / 86_400_000;
  let n = Math.max(0, Math.floor(elapsedDays / (approxDays * cycle.intervalCount)) - 1);
  while (periodStart(cycle, n + 1) <= at) n += 1;
  while (n > 0 && periodStart(cycle, n) > at) n -= 1;
  return n;
}

/** `at` plus whole days, in UTC (trials, retries). */
export function addDays(at: Date, days: number): Date {
  return new Date(inUtc(at).add({ days }).epochMilliseconds);
}
