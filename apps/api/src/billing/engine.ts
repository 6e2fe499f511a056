import { and, asc, eq, lte, notExists, sql } from 'drizzle-orm';
import {
  afterCharge,
  afterPeriodEnd,
  dueAction,
  newId,
  type BillingRun,
  type ChargeOutcome,
  type FailureCode,
} from '@peasswap/domain';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import { BILLING_ORIGIN, outboxFor, updateOf, type Change, type Outbox } from '../events/outbox.js';
import {
  billingAttempts,
  customers,
  paymentScheduleItems,
  paymentSchedules,
  payments,
  subscriptions,
} from '../db/schema/index.js';
import { refreshScheduleStatus } from '../queries/payment-schedules.js';
import { addToCustomerTotals, paymentColumns, toPayment } from '../queries/payments.js';
import { inScope, type Scope } from '../queries/scope.js';
import {
  stateColumns,
  stateOf,
  subscriptionColumns,
  toSubscription,
  type SubscriptionRow,
} from '../queries/subscriptions.js';

/** Decides a charge: the processor, asked with the attempt's idempotency key. */
export type ChargeDecider = (
  tx: Executor,
  charge: {
    idempotencyKey: string;
    scope: Scope;
    paymentMethod: string | null;
    amount: number;
    currency: string;
  },
) => Promise<ChargeOutcome>;

export interface BillingOptions {
  /** The time billing acts as if it were. */
  at: Date;
  /** One account and environment (the test helper); every one when absent. */
  scope?: Scope | undefined;
  decide: ChargeDecider;
  /** Where its changes' events go; a pass's own have no request (BILLING_ORIGIN). */
  outbox?: Outbox | undefined;
  batchSize?: number;
  /**
   * Called once the pass has recorded its attempts and before it finishes any: tests fail a
   * pass there, the bench times the two steps apart.
   */
  onAttemptRecorded?: (() => void | Promise<void>) | undefined;
}

type Attempt = typeof billingAttempts.$inferSelect;

/**
 * A subscription as billing reads it: with its account, since a pass may span every account, and
 * its customer's default payment method, charged when the subscription names none (SPEC §6).
 */
const dueColumns = {
  ...subscriptionColumns,
  accountId: subscriptions.accountId,
  customerDefaultPaymentMethodId: customers.defaultPaymentMethodId,
};
type DueRow = SubscriptionRow & {
  accountId: string;
  customerDefaultPaymentMethodId: string | null;
};

/**
 * A join of two of an account's rows by id: keys lead with account_id (migration 0013), so the
 * join names the account too, and stays on one shard when tables are distributed by account.
 */
const sameAccount = (
  child: { accountId: PgColumn },
  childId: PgColumn,
  parent: { accountId: PgColumn; id: PgColumn },
) => and(eq(parent.accountId, child.accountId), eq(parent.id, childId));

/** One of an account's rows by id, as its primary key (account_id, id) finds it. */
const byKey = (table: { accountId: PgColumn; id: PgColumn }, accountId: string, id: string) =>
  and(eq(table.accountId, accountId), eq(table.id, id));

/** The pass's scope as a condition: one account and environment, or every one. */
const scoped = (table: { accountId: PgColumn; livemode: PgColumn }, scope: Scope | undefined) =>
  scope ? inScope(table, scope) : undefined;

/**
 * One billing pass. Exactly once comes from the database, in three steps that any process may
 * run at the same time as any other, and that a crash may interrupt anywhere:
 *
 * 1. Claim what is due (`FOR UPDATE SKIP LOCKED` on the due index) and record each charge as a
 *    `pending` billing attempt, unique per (subscription, period, try) or schedule item, taking
 *    the subscription off the queue in the same transaction. A second claimer finds it taken.
 * 2. Finish every pending attempt — this pass's, and any an earlier crash left behind — one
 *    transaction each, holding the attempt's row lock while the processor is asked with the
 *    attempt's idempotency key, then recording the payment (unique per attempt), the customer's
 *    totals and the subscription's next state. A dead process's lock dies with its connection, so
 *    its attempt is finished by the next pass with the same key; a live one's is skipped.
 */
export async function runBilling(db: Executor, passOptions: BillingOptions): Promise<BillingRun> {
  const options = { ...passOptions, outbox: passOptions.outbox ?? outboxFor(BILLING_ORIGIN) };
  const result = { charged: 0, failed: 0, canceled: 0, recovered: 0 };
  const batchSize = options.batchSize ?? 200;
  const mine = new Set<string>();

  for (;;) {
    const claimed = await claimDueSubscriptions(db, options, batchSize);
    for (const id of claimed.attempts) mine.add(id);
    result.canceled += claimed.canceled;
    if (claimed.seen < batchSize) break;
  }
  for (;;) {
    const claimed = await claimDueScheduleItems(db, options, batchSize);
    for (const id of claimed) mine.add(id);
    if (claimed.length < batchSize) break;
  }
  await options.onAttemptRecorded?.();

  for (;;) {
    const finished = await finishPendingAttempts(db, options, batchSize);
    for (const attempt of finished) {
      if (!mine.has(attempt.id)) result.recovered += 1;
      if (attempt.failureCode === null) result.charged += 1;
      else result.failed += 1;
      if (attempt.canceledSubscription) result.canceled += 1;
    }
    if (finished.length < batchSize) break;
  }
  return { object: 'billing_run', at: options.at.toISOString(), ...result };
}

async function claimDueSubscriptions(
  db: Executor,
  options: BillingOptions & { outbox: Outbox },
  limit: number,
) {
  return db.transaction(async (tx) => {
    const due = await tx
      .select(dueColumns)
      .from(subscriptions)
      .innerJoin(customers, sameAccount(subscriptions, subscriptions.customerId, customers))
      .where(
        and(scoped(subscriptions, options.scope), lte(subscriptions.nextBillingAt, options.at)),
      )
      .orderBy(asc(subscriptions.nextBillingAt))
      .limit(limit)
      .for('update', { of: subscriptions, skipLocked: true });
    const attempts: string[] = [];
    let canceled = 0;
    for (const row of due) {
      const state = stateOf(row);
      const action = dueAction(state, options.at);
      if (action.kind === 'end') {
        const [ended] = await tx
          .update(subscriptions)
          .set(stateColumns(afterPeriodEnd(state)))
          .where(byKey(subscriptions, row.accountId, row.id))
          .returning(subscriptionColumns);
        if (ended) {
          const scope = { accountId: row.accountId, livemode: row.livemode };
          await options.outbox.record(tx, scope, subscriptionChanges(row, ended));
        }
        canceled += 1;
      } else if (action.kind === 'charge') {
        const id = await recordAttempt(tx, row, action.periodIndex, action.attempt, options.at);
        if (id) attempts.push(id);
        // Off the queue until its attempt is finished, which sets the next billing time.
        await tx
          .update(subscriptions)
          .set({ nextBillingAt: null, updatedAt: sql`now()` })
          .where(byKey(subscriptions, row.accountId, row.id));
      }
    }
    return { seen: due.length, attempts, canceled };
  });
}

/**
 * Charge a new subscription's first period now, inside the caller's transaction (its create
 * request), through the same attempt record a billing pass would use.
 */
export async function chargeFirstPeriod(
  tx: Executor,
  scope: Scope,
  subscriptionId: string,
  options: Pick<BillingOptions, 'at' | 'decide'> & { outbox: Outbox },
): Promise<void> {
  const [row] = await tx
    .select(dueColumns)
    .from(subscriptions)
    .innerJoin(customers, sameAccount(subscriptions, subscriptions.customerId, customers))
    .where(and(inScope(subscriptions, scope), eq(subscriptions.id, subscriptionId)))
    .for('update', { of: subscriptions });
  if (!row) throw new Error(`subscription ${subscriptionId} vanished before its first charge`);
  const action = dueAction(stateOf(row), options.at);
  if (action.kind !== 'charge') return;
  const attemptId = await recordAttempt(tx, row, action.periodIndex, action.attempt, options.at);
  const [attempt] = attemptId
    ? await tx
        .select()
        .from(billingAttempts)
        .where(byKey(billingAttempts, scope.accountId, attemptId))
    : [];
  if (!attempt) throw new Error(`first charge of ${subscriptionId} was already recorded`);
  // The caller announces the subscription as this leaves it (`subscription.created`).
  await finishAttempt(tx, attempt, { ...options, announceSubscription: false });
}

async function recordAttempt(
  tx: Executor,
  row: DueRow,
  periodIndex: number,
  attempt: number,
  at: Date,
): Promise<string | undefined> {
  const [inserted] = await tx
    .insert(billingAttempts)
    .values({
      id: newId('billingAttempt'),
      accountId: row.accountId,
      livemode: row.livemode,
      subscriptionId: row.id,
      periodIndex,
      attempt,
      idempotencyKey: `${row.id}:${periodIndex}:${attempt}`,
      customerId: row.customerId,
      paymentMethodId: row.defaultPaymentMethodId ?? row.customerDefaultPaymentMethodId,
      amount: row.amount,
      currency: row.currency,
      state: 'pending',
      billedAt: at,
    })
    .onConflictDoNothing()
    .returning({ id: billingAttempts.id });
  return inserted?.id;
}

async function claimDueScheduleItems(db: Executor, options: BillingOptions, limit: number) {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: paymentScheduleItems.id,
        accountId: paymentScheduleItems.accountId,
        livemode: paymentScheduleItems.livemode,
        amount: paymentScheduleItems.amount,
        customerId: paymentSchedules.customerId,
        // The schedule's payment method, else the customer's default when the item is due.
        paymentMethodId: sql<
          string | null
        >`coalesce(${paymentSchedules.paymentMethodId}, ${customers.defaultPaymentMethodId})`,
        currency: paymentSchedules.currency,
      })
      .from(paymentScheduleItems)
      .innerJoin(
        paymentSchedules,
        sameAccount(paymentScheduleItems, paymentScheduleItems.scheduleId, paymentSchedules),
      )
      .innerJoin(customers, sameAccount(paymentSchedules, paymentSchedules.customerId, customers))
      .where(
        and(
          scoped(paymentScheduleItems, options.scope),
          eq(paymentScheduleItems.status, 'scheduled'),
          lte(paymentScheduleItems.dueAt, options.at),
          // An item whose attempt is recorded waits for it to be finished, not for a second one.
          notExists(
            tx
              .select({ one: sql`1` })
              .from(billingAttempts)
              .where(
                and(
                  eq(billingAttempts.accountId, paymentScheduleItems.accountId),
                  eq(billingAttempts.scheduleItemId, paymentScheduleItems.id),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(paymentScheduleItems.dueAt))
      .limit(limit)
      .for('update', { of: paymentScheduleItems, skipLocked: true });
    const attempts: string[] = [];
    for (const item of due) {
      const [inserted] = await tx
        .insert(billingAttempts)
        .values({
          id: newId('billingAttempt'),
          accountId: item.accountId,
          livemode: item.livemode,
          scheduleItemId: item.id,
          idempotencyKey: item.id,
          customerId: item.customerId,
          paymentMethodId: item.paymentMethodId,
          amount: item.amount,
          currency: item.currency,
          state: 'pending',
          billedAt: options.at,
        })
        .onConflictDoNothing()
        .returning({ id: billingAttempts.id });
      if (inserted) attempts.push(inserted.id);
    }
    return attempts;
  });
}

interface FinishedAttempt {
  id: string;
  failureCode: FailureCode | null;
  canceledSubscription: boolean;
}

/** Finish up to `limit` pending attempts, one transaction each; locked ones are someone else's. */
async function finishPendingAttempts(
  db: Executor,
  options: BillingOptions & { outbox: Outbox },
  limit: number,
): Promise<FinishedAttempt[]> {
  const finished: FinishedAttempt[] = [];
  for (let i = 0; i < limit; i += 1) {
    const done = await db.transaction(async (tx) => {
      const [attempt] = await tx
        .select()
        .from(billingAttempts)
        .where(and(scoped(billingAttempts, options.scope), eq(billingAttempts.state, 'pending')))
        .orderBy(asc(billingAttempts.createdAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!attempt) return undefined;
      return finishAttempt(tx, attempt, options);
    });
    if (!done) break;
    finished.push(done);
  }
  return finished;
}

async function finishAttempt(
  tx: Executor,
  attempt: Attempt,
  options: Pick<BillingOptions, 'decide'> & { outbox: Outbox; announceSubscription?: boolean },
): Promise<FinishedAttempt> {
  const scope = { accountId: attempt.accountId, livemode: attempt.livemode };
  const outcome = await options.decide(tx, {
    idempotencyKey: attempt.idempotencyKey,
    scope,
    paymentMethod: attempt.paymentMethodId,
    amount: attempt.amount,
    currency: attempt.currency,
  });
  const scheduleId = attempt.scheduleItemId
    ? await scheduleOfItem(tx, attempt.accountId, attempt.scheduleItemId)
    : null;
  const [payment] = await tx
    .insert(payments)
    .values({
      id: newId('payment'),
      ...scope,
      customerId: attempt.customerId,
      amount: attempt.amount,
      currency: attempt.currency,
      paymentMethodId: attempt.paymentMethodId,
      status: outcome.status,
      failureCode: outcome.failureCode,
      description: null,
      metadata: {},
      subscriptionId: attempt.subscriptionId,
      paymentScheduleId: scheduleId,
      billingAttemptId: attempt.id,
    })
    .returning(paymentColumns);
  if (!payment) throw new Error('payment insert returned no row');
  if (payment.status === 'succeeded') await addToCustomerTotals(tx, scope, payment);
  // The attempt's events, written together at its end: the payment, then what it did to the
  // subscription (one outbox statement a renewal, not two).
  const changes: Change[] = [
    {
      type: payment.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
      object: toPayment(payment),
      customerId: payment.customerId,
    },
  ];
  await tx
    .update(billingAttempts)
    .set({
      state: outcome.status,
      failureCode: outcome.failureCode,
      paymentId: payment.id,
      completedAt: sql`now()`,
    })
    .where(byKey(billingAttempts, attempt.accountId, attempt.id));

  let canceledSubscription = false;
  if (attempt.subscriptionId !== null && attempt.periodIndex !== null && attempt.attempt !== null) {
    const advanced = await advanceSubscription(tx, attempt.accountId, attempt.subscriptionId, {
      periodIndex: attempt.periodIndex,
      attempt: attempt.attempt,
      failureCode: outcome.failureCode,
      at: attempt.billedAt,
      paymentId: payment.id,
    });
    canceledSubscription = advanced.canceled;
    if (options.announceSubscription !== false) changes.push(...advanced.changes);
  }
  if (attempt.scheduleItemId !== null && scheduleId !== null) {
    await tx
      .update(paymentScheduleItems)
      .set({ status: outcome.status, paymentId: payment.id })
      .where(byKey(paymentScheduleItems, attempt.accountId, attempt.scheduleItemId));
    await refreshScheduleStatus(tx, attempt.accountId, scheduleId);
  }
  await options.outbox.record(tx, scope, changes);
  return { id: attempt.id, failureCode: outcome.failureCode, canceledSubscription };
}

/**
 * Apply the charge to the subscription's lifecycle: whether that cancels it, and the events of
 * what it changed.
 */
async function advanceSubscription(
  tx: Executor,
  accountId: string,
  subscriptionId: string,
  charge: {
    periodIndex: number;
    attempt: number;
    failureCode: FailureCode | null;
    at: Date;
    paymentId: string;
  },
): Promise<{ canceled: boolean; changes: Change[] }> {
  const [row] = await tx
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(byKey(subscriptions, accountId, subscriptionId))
    .for('update');
  if (!row) throw new Error(`billing attempt for a missing subscription ${subscriptionId}`);
  // Canceled while its charge was in flight: the payment is recorded, the subscription stays ended.
  if (row.status === 'canceled') {
    const [after] = await tx
      .update(subscriptions)
      .set({ latestPaymentId: charge.paymentId, updatedAt: sql`now()` })
      .where(byKey(subscriptions, accountId, subscriptionId))
      .returning(subscriptionColumns);
    return { canceled: false, changes: after ? subscriptionChanges(row, after) : [] };
  }
  const next = afterCharge(stateOf(row), charge, charge.at);
  const [after] = await tx
    .update(subscriptions)
    .set({ ...stateColumns(next), latestPaymentId: charge.paymentId })
    .where(byKey(subscriptions, accountId, subscriptionId))
    .returning(subscriptionColumns);
  return {
    canceled: next.status === 'canceled',
    changes: after ? subscriptionChanges(row, after) : [],
  };
}

/**
 * The event of what billing did to a subscription: `subscription.canceled` when this change ended
 * it, else `subscription.updated` with what changed (nothing visible changed: no event).
 */
function subscriptionChanges(beforeRow: SubscriptionRow, afterRow: SubscriptionRow): Change[] {
  const [before, after] = [toSubscription(beforeRow), toSubscription(afterRow)];
  if (after.status === 'canceled' && before.status !== 'canceled') {
    return [{ type: 'subscription.canceled', object: after, customerId: after.customer }];
  }
  return updateOf('subscription.updated', before, after, after.customer);
}

async function scheduleOfItem(
  tx: Executor,
  accountId: string,
  itemId: string,
): Promise<string | null> {
  const [item] = await tx
    .select({ scheduleId: paymentScheduleItems.scheduleId })
    .from(paymentScheduleItems)
    .where(byKey(paymentScheduleItems, accountId, itemId));
  return item?.scheduleId ?? null;
}
