import { and, eq, sql } from 'drizzle-orm';
import {
  cancelNow,
  DomainError,
  mergeMetadata,
  newId,
  startSubscription,
  type Subscription,
  type SubscriptionCreate,
  type SubscriptionListQuery,
  type SubscriptionState,
  type SubscriptionUpdate,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { updateOf, type Outbox } from '../events/outbox.js';
import { subscriptions } from '../db/schema/index.js';
import { assertCursorExists, keysetFor, toPage } from './pagination.js';
import { inScope, type Scope } from './scope.js';

export const subscriptionColumns = {
  id: subscriptions.id,
  livemode: subscriptions.livemode,
  customerId: subscriptions.customerId,
  defaultPaymentMethodId: subscriptions.defaultPaymentMethodId,
  amount: subscriptions.amount,
  currency: subscriptions.currency,
  interval: subscriptions.interval,
  intervalCount: subscriptions.intervalCount,
  status: subscriptions.status,
  billingCycleAnchor: subscriptions.billingCycleAnchor,
  periodIndex: subscriptions.periodIndex,
  currentPeriodStart: subscriptions.currentPeriodStart,
  currentPeriodEnd: subscriptions.currentPeriodEnd,
  trialStart: subscriptions.trialStart,
  trialEnd: subscriptions.trialEnd,
  attemptCount: subscriptions.attemptCount,
  nextBillingAt: subscriptions.nextBillingAt,
  cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
  canceledAt: subscriptions.canceledAt,
  endedAt: subscriptions.endedAt,
  cancellationReason: subscriptions.cancellationReason,
  latestPaymentId: subscriptions.latestPaymentId,
  metadata: subscriptions.metadata,
  createdAt: subscriptions.createdAt,
};

export type SubscriptionRow = Pick<
  typeof subscriptions.$inferSelect,
  keyof typeof subscriptionColumns
>;

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    object: 'subscription',
    customer: row.customerId,
    defaultPaymentMethod: row.defaultPaymentMethodId,
    amount: row.amount,
    currency: row.currency,
    interval: row.interval,
    intervalCount: row.intervalCount,
    status: row.status,
    billingCycleAnchor: row.billingCycleAnchor.toISOString(),
    currentPeriodStart: row.currentPeriodStart.toISOString(),
    currentPeriodEnd: row.currentPeriodEnd.toISOString(),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    canceledAt: iso(row.canceledAt),
    endedAt: iso(row.endedAt),
    cancellationReason: row.cancellationReason,
    trialStart: iso(row.trialStart),
    trialEnd: iso(row.trialEnd),
    latestPayment: row.latestPaymentId,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The lifecycle's view of a stored subscription (packages/domain/src/billing/lifecycle.ts). */
export function stateOf(row: SubscriptionRow): SubscriptionState {
  return {
    anchor: row.billingCycleAnchor,
    interval: row.interval,
    intervalCount: row.intervalCount,
    status: row.status,
    periodIndex: row.periodIndex,
    currentPeriodStart: row.currentPeriodStart,
    currentPeriodEnd: row.currentPeriodEnd,
    attemptCount: row.attemptCount,
    nextBillingAt: row.nextBillingAt,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    canceledAt: row.canceledAt,
    endedAt: row.endedAt,
    cancellationReason: row.cancellationReason,
  };
}

/** The columns a lifecycle state is stored in. */
export function stateColumns(state: SubscriptionState) {
  return {
    status: state.status,
    billingCycleAnchor: state.anchor,
    periodIndex: state.periodIndex,
    currentPeriodStart: state.currentPeriodStart,
    currentPeriodEnd: state.currentPeriodEnd,
    attemptCount: state.attemptCount,
    nextBillingAt: state.nextBillingAt,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    canceledAt: state.canceledAt,
    endedAt: state.endedAt,
    cancellationReason: state.cancellationReason,
    updatedAt: sql`now()`,
  };
}

export function subscriptionMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such subscription: '${id}'.`, { param: 'id' });
}

/** Insert a new subscription in its starting state; its first charge (if due now) is billing's. */
export async function insertSubscription(
  tx: Executor,
  scope: Scope,
  input: Omit<SubscriptionCreate, 'defaultPaymentMethod'> & { defaultPaymentMethod: string | null },
  at: Date,
): Promise<SubscriptionRow> {
  const start = startSubscription({
    at,
    interval: input.interval,
    intervalCount: input.intervalCount,
    trialPeriodDays: input.trialPeriodDays,
  });
  const [row] = await tx
    .insert(subscriptions)
    .values({
      id: newId('subscription'),
      ...scope,
      customerId: input.customer,
      defaultPaymentMethodId: input.defaultPaymentMethod,
      amount: input.amount,
      currency: input.currency,
      interval: input.interval,
      intervalCount: input.intervalCount,
      ...stateColumns(start),
      trialStart: start.trialStart,
      trialEnd: start.trialEnd,
      metadata: input.metadata ?? {},
    })
    .returning(subscriptionColumns);
  if (!row) throw new Error('subscription insert returned no row');
  return row;
}

async function lockSubscription(tx: Executor, scope: Scope, id: string) {
  const [row] = await tx
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(and(eq(subscriptions.id, id), inScope(subscriptions, scope)))
    .for('update');
  if (!row) throw subscriptionMissing(id);
  return row;
}

export async function retrieveSubscription(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<Subscription> {
  const [row] = await db
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(and(eq(subscriptions.id, id), inScope(subscriptions, scope)));
  if (!row) throw subscriptionMissing(id);
  return toSubscription(row);
}

export async function listSubscriptions(db: Executor, scope: Scope, params: SubscriptionListQuery) {
  const keyset = keysetFor(subscriptions, scope, params);
  const rows = await db
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(
      and(
        inScope(subscriptions, scope),
        keyset.where,
        params.customer !== undefined ? eq(subscriptions.customerId, params.customer) : undefined,
        params.status !== undefined ? eq(subscriptions.status, params.status) : undefined,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) await assertCursorExists(db, subscriptions, scope, params);
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map(toSubscription), hasMore: page.hasMore };
}

/**
 * `cancelAtPeriodEnd` (and undoing it before the end), the payment method and metadata. A
 * canceled subscription only takes metadata.
 */
export async function updateSubscription(
  db: Executor,
  scope: Scope,
  { id, ...fields }: SubscriptionUpdate,
  resolvePaymentMethod: (tx: Executor, customerId: string, id: string) => Promise<string>,
  outbox: Outbox,
): Promise<Subscription> {
  return db.transaction(async (tx) => {
    const current = await lockSubscription(tx, scope, id);
    const ended = current.status === 'canceled' || current.status === 'incomplete';
    if (ended && (fields.cancelAtPeriodEnd !== undefined || fields.defaultPaymentMethod)) {
      throw new DomainError(
        'parameter_invalid',
        `This subscription is ${current.status}; only its metadata can change.`,
        {
          param:
            fields.cancelAtPeriodEnd !== undefined ? 'cancelAtPeriodEnd' : 'defaultPaymentMethod',
        },
      );
    }
    let metadata: Record<string, string> | undefined;
    if (fields.metadata !== undefined) {
      const merged = mergeMetadata(current.metadata, fields.metadata);
      if (!merged.ok) throw merged.error;
      metadata = merged.value;
    }
    const paymentMethod =
      fields.defaultPaymentMethod === undefined || fields.defaultPaymentMethod === null
        ? fields.defaultPaymentMethod
        : await resolvePaymentMethod(tx, current.customerId, fields.defaultPaymentMethod);
    const [row] = await tx
      .update(subscriptions)
      .set({
        ...(fields.cancelAtPeriodEnd !== undefined && {
          cancelAtPeriodEnd: fields.cancelAtPeriodEnd,
          canceledAt: fields.cancelAtPeriodEnd ? sql`now()` : null,
        }),
        ...(paymentMethod !== undefined && { defaultPaymentMethodId: paymentMethod }),
        ...(metadata !== undefined && { metadata }),
        updatedAt: sql`now()`,
      })
      .where(and(inScope(subscriptions, scope), eq(subscriptions.id, id)))
      .returning(subscriptionColumns);
    if (!row) throw subscriptionMissing(id);
    const after = toSubscription(row);
    await outbox.record(
      tx,
      scope,
      updateOf('subscription.updated', toSubscription(current), after, after.customer),
    );
    return after;
  });
}

/** Cancel now (`DELETE`); canceling a canceled subscription answers it as it is. */
export async function cancelSubscription(
  db: Executor,
  scope: Scope,
  id: string,
  at: Date,
  outbox: Outbox,
): Promise<Subscription> {
  return db.transaction(async (tx) => {
    const current = await lockSubscription(tx, scope, id);
    if (current.status === 'canceled') return toSubscription(current);
    const state = cancelNow(stateOf(current), at, 'requested');
    const [row] = await tx
      .update(subscriptions)
      .set(stateColumns(state))
      .where(and(inScope(subscriptions, scope), eq(subscriptions.id, id)))
      .returning(subscriptionColumns);
    if (!row) throw subscriptionMissing(id);
    const canceled = toSubscription(row);
    await outbox.record(tx, scope, [
      { type: 'subscription.canceled', object: canceled, customerId: canceled.customer },
    ]);
    return canceled;
  });
}

/**
 * A deleted customer's subscriptions end with them (`customer_deleted`), in the same transaction.
 * Answers the subscriptions it canceled, for their events.
 */
export async function cancelSubscriptionsOfCustomer(
  tx: Executor,
  scope: Scope,
  customerId: string,
  at: Date,
): Promise<Subscription[]> {
  const rows = await tx
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(
      and(
        inScope(subscriptions, scope),
        eq(subscriptions.customerId, customerId),
        sql`${subscriptions.status} <> 'canceled'`,
      ),
    )
    .for('update');
  const canceled: Subscription[] = [];
  for (const row of rows) {
    const [after] = await tx
      .update(subscriptions)
      .set(stateColumns(cancelNow(stateOf(row), at, 'customer_deleted')))
      .where(and(inScope(subscriptions, scope), eq(subscriptions.id, row.id)))
      .returning(subscriptionColumns);
    if (after) canceled.push(toSubscription(after));
  }
  return canceled;
}
