import type { FailureCode } from '../payments/processing.js';
import { addDays, periodStart, type BillingCycle } from './periods.js';

/**
 * A subscription's billing state and how it moves, as pure functions of the state, the time
 * billing acts at and a charge's outcome. The database stores exactly these fields; the billing
 * engine asks `dueAction` what to do and applies `afterCharge` / `afterPeriodEnd` in the
 * transaction that records the charge.
 */
export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'incomplete',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const CANCELLATION_REASONS = ['requested', 'payment_failed', 'customer_deleted'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** Days after the previous try that a failed renewal is tried again: 4 tries over 15 days. */
export const RETRY_DELAYS_DAYS = [3, 5, 7] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_DAYS.length + 1;

/** A decline no retry can fix (the card refused outright), unlike running short of funds. */
export function isHardDecline(code: FailureCode): boolean {
  return code === 'card_declined';
}

export interface SubscriptionState extends BillingCycle {
  status: SubscriptionStatus;
  /** The period being billed or served: period n of the cycle; -1 while trialing. */
  periodIndex: number;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  /** Tries made for the current period's charge (0 once it is paid). */
  attemptCount: number;
  /** When billing must next act on this subscription; null when it never will again. */
  nextBillingAt: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  endedAt: Date | null;
  cancellationReason: CancellationReason | null;
}

/** What billing does for a subscription at `at`. */
export type DueAction =
  { kind: 'none' } | { kind: 'charge'; periodIndex: number; attempt: number } | { kind: 'end' };

/** The state a new subscription starts in; without a trial its first charge follows at once. */
export function startSubscription(params: {
  at: Date;
  interval: BillingCycle['interval'];
  intervalCount: number;
  trialPeriodDays?: number | undefined;
}): SubscriptionState & { trialStart: Date | null; trialEnd: Date | null } {
  const trialEnd = params.trialPeriodDays ? addDays(params.at, params.trialPeriodDays) : null;
  const anchor = trialEnd ?? params.at;
  const cycle = { anchor, interval: params.interval, intervalCount: params.intervalCount };
  return {
    ...cycle,
    status: trialEnd ? 'trialing' : 'incomplete',
    periodIndex: trialEnd ? -1 : 0,
    // While trialing, the current period is the trial.
    currentPeriodStart: trialEnd ? params.at : anchor,
    currentPeriodEnd: trialEnd ?? periodStart(cycle, 1),
    attemptCount: 0,
    nextBillingAt: trialEnd ?? params.at,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    cancellationReason: null,
    trialStart: trialEnd ? params.at : null,
    trialEnd,
  };
}

export function dueAction(state: SubscriptionState, at: Date): DueAction {
  if (state.nextBillingAt === null || state.nextBillingAt > at) return { kind: 'none' };
  switch (state.status) {
    case 'trialing':
      return state.cancelAtPeriodEnd
        ? { kind: 'end' }
        : { kind: 'charge', periodIndex: 0, attempt: 1 };
    case 'active':
      return state.cancelAtPeriodEnd
        ? { kind: 'end' }
        : { kind: 'charge', periodIndex: state.periodIndex + 1, attempt: 1 };
    case 'past_due':
    case 'incomplete':
      return { kind: 'charge', periodIndex: state.periodIndex, attempt: state.attemptCount + 1 };
    case 'canceled':
      return { kind: 'none' };
  }
}

function withPeriod(state: SubscriptionState, n: number): SubscriptionState {
  return {
    ...state,
    periodIndex: n,
    currentPeriodStart: periodStart(state, n),
    currentPeriodEnd: periodStart(state, n + 1),
  };
}

/** The state after trying to charge `periodIndex` (its `attempt`-th try) at `at`. */
export function afterCharge(
  state: SubscriptionState,
  charge: { periodIndex: number; attempt: number; failureCode: FailureCode | null },
  at: Date,
): SubscriptionState {
  const inPeriod = withPeriod(state, charge.periodIndex);
  if (charge.failureCode === null) {
    return {
      ...inPeriod,
      status: 'active',
      attemptCount: 0,
      nextBillingAt: inPeriod.currentPeriodEnd,
    };
  }
  // The first charge of a subscription without a trial: it never becomes active.
  if (state.status === 'incomplete') {
    return { ...inPeriod, attemptCount: charge.attempt, nextBillingAt: null };
  }
  const delay = RETRY_DELAYS_DAYS[charge.attempt - 1];
  if (isHardDecline(charge.failureCode) || delay === undefined) {
    return {
      ...inPeriod,
      status: 'canceled',
      attemptCount: charge.attempt,
      nextBillingAt: null,
      canceledAt: at,
      endedAt: at,
      cancellationReason: 'payment_failed',
    };
  }
  return {
    ...inPeriod,
    status: 'past_due',
    attemptCount: charge.attempt,
    nextBillingAt: addDays(at, delay),
  };
}

/** Canceled at the end of its period, as asked (`cancelAtPeriodEnd`). */
export function afterPeriodEnd(state: SubscriptionState): SubscriptionState {
  return {
    ...state,
    status: 'canceled',
    nextBillingAt: null,
    canceledAt: state.canceledAt ?? state.currentPeriodEnd,
    endedAt: state.currentPeriodEnd,
    cancellationReason: 'requested',
  };
}

/** Canceled now: by the merchant (`requested`) or because the customer was deleted. */
export function cancelNow(
  state: SubscriptionState,
  at: Date,
  reason: Extract<CancellationReason, 'requested' | 'customer_deleted'>,
): SubscriptionState {
  if (state.status === 'canceled') return state;
  return {
    ...state,
    status: 'canceled',
    nextBillingAt: null,
    canceledAt: at,
    endedAt: at,
    cancellationReason: reason,
  };
}
