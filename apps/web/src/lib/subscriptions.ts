import { SUBSCRIPTION_STATUSES, type BillingInterval } from '@peasswap/domain';
import { formatMoney } from './money';
import type { Subscription, SubscriptionStatus } from './types';

export const STATUS_LABELS: Record<SubscriptionStatus, string> = {
  trialing: 'Trialing',
  active: 'Active',
  past_due: 'Past due',
  canceled: 'Canceled',
  incomplete: 'Incomplete',
};

/** The filter's values, `all` first, as the Subscriptions screen offers them. */
export const STATUS_FILTERS = ['all', ...SUBSCRIPTION_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function parseStatusFilter(value: string | null): StatusFilter {
  return (STATUS_FILTERS as readonly string[]).includes(value ?? '')
    ? (value as StatusFilter)
    : 'all';
}

const UNITS: Record<BillingInterval, [string, string]> = {
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  year: ['year', 'years'],
};

/** "every month", "every 2 weeks". */
export function describeInterval(interval: BillingInterval, count: number): string {
  const [one, many] = UNITS[interval];
  return count === 1 ? `every ${one}` : `every ${count} ${many}`;
}

/** "$25.00 every month": the amount in the currency's minor unit, and how often. */
export function describePrice(
  subscription: Pick<Subscription, 'amount' | 'currency' | 'interval' | 'intervalCount'>,
): string {
  const amount = formatMoney(subscription.amount, subscription.currency);
  return `${amount} ${describeInterval(subscription.interval, subscription.intervalCount)}`;
}

/** Still billing (or about to): these can be canceled at period end, and that undone. */
export function isRenewing(status: SubscriptionStatus): boolean {
  return status === 'trialing' || status === 'active' || status === 'past_due';
}

export type Renewal =
  { kind: 'renews'; at: string } | { kind: 'cancels'; at: string } | { kind: 'none' };

/**
 * What happens when the current period ends: it renews (the next charge, or the first one after
 * a trial), it cancels as asked, or nothing more happens (canceled; incomplete, whose first
 * charge failed and is never tried again).
 */
export function renewalOf(
  subscription: Pick<Subscription, 'status' | 'cancelAtPeriodEnd' | 'currentPeriodEnd'>,
): Renewal {
  if (!isRenewing(subscription.status)) return { kind: 'none' };
  return {
    kind: subscription.cancelAtPeriodEnd ? 'cancels' : 'renews',
    at: subscription.currentPeriodEnd,
  };
}
