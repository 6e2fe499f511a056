import { describe, expect, it } from 'vitest';
import {
  afterCharge,
  afterPeriodEnd,
  cancelNow,
  dueAction,
  startSubscription,
  type SubscriptionState,
} from './lifecycle.js';

const at = (iso: string) => new Date(iso);
const monthly = (trialPeriodDays?: number) =>
  startSubscription({
    at: at('2027-01-31T10:00:00Z'),
    interval: 'month',
    intervalCount: 1,
    trialPeriodDays,
  });

/** Charge whatever is due at `when` with `failureCode`, as the billing engine would. */
function bill(
  state: SubscriptionState,
  when: string,
  failureCode: 'card_declined' | 'insufficient_funds' | null = null,
) {
  const action = dueAction(state, at(when));
  if (action.kind !== 'charge') throw new Error(`nothing to charge at ${when}: ${action.kind}`);
  return { action, state: afterCharge(state, { ...action, failureCode }, at(when)) };
}

describe('a subscription without a trial', () => {
  it('charges period 0 at once and renews at each period end from the anchor', () => {
    const start = monthly();
    expect(start).toMatchObject({
      status: 'incomplete',
      nextBillingAt: at('2027-01-31T10:00:00Z'),
    });
    const first = bill(start, '2027-01-31T10:00:00Z');
    expect(first.action).toEqual({ kind: 'charge', periodIndex: 0, attempt: 1 });
    expect(first.state).toMatchObject({
      status: 'active',
      currentPeriodStart: at('2027-01-31T10:00:00Z'),
      currentPeriodEnd: at('2027-02-28T10:00:00Z'),
      nextBillingAt: at('2027-02-28T10:00:00Z'),
    });
    expect(dueAction(first.state, at('2027-02-28T09:59:59Z'))).toEqual({ kind: 'none' });
    const second = bill(first.state, '2027-02-28T10:00:00Z');
    expect(second.action).toEqual({ kind: 'charge', periodIndex: 1, attempt: 1 });
    const third = bill(second.state, '2027-03-31T10:00:00Z');
    expect(third.state.currentPeriodEnd).toEqual(at('2027-04-30T10:00:00Z'));
  });

  it('stays incomplete, never active and never retried, when the first charge fails', () => {
    const { state } = bill(monthly(), '2027-01-31T10:00:00Z', 'insufficient_funds');
    expect(state).toMatchObject({ status: 'incomplete', nextBillingAt: null, attemptCount: 1 });
    expect(dueAction(state, at('2030-01-01T00:00:00Z'))).toEqual({ kind: 'none' });
  });
});

describe('a trial', () => {
  it('ends on the anchor, where the first charge falls', () => {
    const start = startSubscription({
      at: at('2027-01-01T08:00:00Z'),
      interval: 'month',
      intervalCount: 1,
      trialPeriodDays: 30,
    });
    expect(start).toMatchObject({
      status: 'trialing',
      trialStart: at('2027-01-01T08:00:00Z'),
      trialEnd: at('2027-01-31T08:00:00Z'),
      anchor: at('2027-01-31T08:00:00Z'),
      currentPeriodEnd: at('2027-01-31T08:00:00Z'),
    });
    expect(dueAction(start, at('2027-01-31T07:59:59Z'))).toEqual({ kind: 'none' });
    const { state } = bill(start, '2027-01-31T08:00:00Z');
    expect(state).toMatchObject({ status: 'active', currentPeriodEnd: at('2027-02-28T08:00:00Z') });
  });

  it('a failed charge at the end of a trial is past_due and retried', () => {
    const { state } = bill(monthly(14), '2027-02-14T10:00:00Z', 'insufficient_funds');
    expect(state).toMatchObject({
      status: 'past_due',
      attemptCount: 1,
      nextBillingAt: at('2027-02-17T10:00:00Z'),
    });
  });
});

describe('a failed renewal', () => {
  const active = bill(monthly(), '2027-01-31T10:00:00Z').state;

  it('is retried 3, 5 and 7 days after the previous try, then canceled for payment_failed', () => {
    let state = bill(active, '2027-02-28T10:00:00Z', 'insufficient_funds').state;
    expect(state).toMatchObject({
      status: 'past_due',
      periodIndex: 1,
      nextBillingAt: at('2027-03-03T10:00:00Z'),
    });
    const tries = [
      ['2027-03-03T10:00:00Z', 2, '2027-03-08T10:00:00Z'],
      ['2027-03-08T10:00:00Z', 3, '2027-03-15T10:00:00Z'],
    ] as const;
    for (const [when, attempt, next] of tries) {
      const result = bill(state, when, 'insufficient_funds');
      expect(result.action).toEqual({ kind: 'charge', periodIndex: 1, attempt });
      state = result.state;
      expect(state).toMatchObject({ status: 'past_due', nextBillingAt: at(next) });
    }
    const last = bill(state, '2027-03-15T10:00:00Z', 'insufficient_funds');
    expect(last.action.attempt).toBe(4);
    expect(last.state).toMatchObject({
      status: 'canceled',
      cancellationReason: 'payment_failed',
      nextBillingAt: null,
      endedAt: at('2027-03-15T10:00:00Z'),
    });
  });

  it('a successful retry is active again in the same period', () => {
    const pastDue = bill(active, '2027-02-28T10:00:00Z', 'insufficient_funds').state;
    const { action, state } = bill(pastDue, '2027-03-03T10:00:00Z');
    expect(action).toEqual({ kind: 'charge', periodIndex: 1, attempt: 2 });
    expect(state).toMatchObject({
      status: 'active',
      periodIndex: 1,
      attemptCount: 0,
      currentPeriodEnd: at('2027-03-31T10:00:00Z'),
      nextBillingAt: at('2027-03-31T10:00:00Z'),
    });
  });

  it('a hard decline is not retried', () => {
    const { state } = bill(active, '2027-02-28T10:00:00Z', 'card_declined');
    expect(state).toMatchObject({
      status: 'canceled',
      cancellationReason: 'payment_failed',
      attemptCount: 1,
    });
  });
});

describe('cancellation', () => {
  const active = bill(monthly(), '2027-01-31T10:00:00Z').state;

  it('at period end: no charge, canceled when the period ends, undoable before', () => {
    const asked = { ...active, cancelAtPeriodEnd: true };
    expect(dueAction(asked, at('2027-02-28T10:00:00Z'))).toEqual({ kind: 'end' });
    expect(afterPeriodEnd(asked)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'requested',
      endedAt: at('2027-02-28T10:00:00Z'),
      nextBillingAt: null,
    });
    const undone = { ...asked, cancelAtPeriodEnd: false };
    expect(dueAction(undone, at('2027-02-28T10:00:00Z'))).toEqual({
      kind: 'charge',
      periodIndex: 1,
      attempt: 1,
    });
  });

  it('now, as requested or because the customer was deleted', () => {
    expect(cancelNow(active, at('2027-02-10T00:00:00Z'), 'customer_deleted')).toMatchObject({
      status: 'canceled',
      cancellationReason: 'customer_deleted',
      canceledAt: at('2027-02-10T00:00:00Z'),
      endedAt: at('2027-02-10T00:00:00Z'),
      nextBillingAt: null,
    });
  });
});
