import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  emailIdentity,
  newId,
  previousAttributes,
  type Customer,
  type CustomerMerge,
  type CustomerMergeField,
} from '@peasswap/domain';
import { rowsOf, sqlStateOf, type Executor } from '../db/client.js';
import { updateOf, type Change, type Outbox } from '../events/outbox.js';
import {
  billingAttempts,
  customerMerges,
  customerPaymentTotals,
  customers,
  paymentScheduleItems,
  paymentSchedules,
  payments,
  subscriptions,
} from '../db/schema/index.js';
import { moveCards, type DetachedCard } from './customer-merge-cards.js';
import { duplicateKeysOf } from './duplicate-keys.js';
import { customerColumns, customerMerged, customerMissing, toCustomer } from './customers.js';
import { inScope, type Scope } from './scope.js';
import { subscriptionColumns, toSubscription } from './subscriptions.js';

/** Who merged, for the merge's record: the API key or dashboard user, and the request. */
export interface MergeActor {
  actor: string | null;
  requestId: string | null;
}

const lockedColumns = {
  ...customerColumns,
  deletedAt: customers.deletedAt,
  mergedInto: customers.mergedInto,
};
type LockedCustomer = Awaited<ReturnType<typeof lockCustomers>>[number];

/**
 * Merge `input.from` into the survivor `input.id`, in one transaction (SPEC §8): their payments,
 * payment methods, subscriptions, schedules and pending charges move to the survivor, its
 * analytics are recomputed, it takes the chosen fields, and the others are soft-deleted with
 * `merged_into`. A retry of a merge already done answers the survivor and changes nothing.
 */
export async function mergeCustomers(
  db: Executor,
  scope: Scope,
  input: CustomerMerge,
  by: MergeActor,
  outbox: Outbox,
): Promise<Customer> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await mergeOnce(db, scope, input, by, outbox);
    } catch (error) {
      // Rolled back, its locks released: the charge in flight finishes, and the next try's first
      // sweep waits for it like any other.
      if (sqlStateOf(error) !== LOCK_NOT_AVAILABLE || tries === MAX_TRIES) throw error;
    }
  }
}

const LOCK_NOT_AVAILABLE = '55P03';
const MAX_TRIES = 5;

async function mergeOnce(
  db: Executor,
  scope: Scope,
  input: CustomerMerge,
  by: MergeActor,
  outbox: Outbox,
): Promise<Customer> {
  return db.transaction(async (tx) => {
    const locked = await lockCustomers(tx, scope, [input.id, ...input.from]);
    const survivor = checkSurvivor(locked, input.id);
    const merging = checkOthers(locked, input);
    const before = toCustomer(survivor);
    if (merging.length === 0) return before;
    const fromIds = merging.map((customer) => customer.id);

    const moved = await moveBelongings(tx, scope, survivor, merging);
    await recomputeTotals(tx, scope, survivor.id, fromIds);
    await tx
      .update(customers)
      .set({
        deletedAt: sql`now()`,
        updatedAt: sql`now()`,
        mergedInto: survivor.id,
        defaultPaymentMethodId: null,
      })
      .where(and(inScope(customers, scope), inArray(customers.id, fromIds)));
    const after = await applyFields(tx, scope, survivor, locked, input, moved.defaultPaymentMethod);

    await tx.insert(customerMerges).values({
      id: newId('customerMerge'),
      ...scope,
      survivorId: survivor.id,
      mergedIds: fromIds,
      moved: moved.ids,
      fields: input.fields ?? {},
      actor: by.actor,
      requestId: by.requestId,
    });
    const previous = previousAttributes(before, after);
    // The events of what changed that has an event type of its own (SPEC §7): a detached card, as
    // DELETE-ing it would record (the customer it left is deleted, so no customer.updated for its
    // default), and a moved subscription. Then the merge, whose previousAttributes are the
    // survivor's changes, its default included: no customer.updated beside it. Payments, cards
    // and schedules that moved have no `.updated` type; the merge's record lists them.
    await outbox.record(tx, scope, [
      ...moved.detached.map((card) => ({
        type: 'payment_method.detached' as const,
        object: card.paymentMethod,
        customerId: card.customerId,
      })),
      ...moved.subscriptionChanges,
      {
        type: 'customer.merged',
        object: after,
        ...(Object.keys(previous).length > 0 && { previousAttributes: previous }),
        customerId: survivor.id,
      },
    ]);
    // Each merged customer is gone into the survivor: a change of its own, with no event type.
    await outbox.audit(
      tx,
      scope,
      fromIds.map((id) => ({
        action: 'customer.merged_into',
        objectId: id,
        customerId: id,
        before: { mergedInto: null },
        after: { mergedInto: survivor.id },
      })),
    );
    return after;
  });
}

/**
 * Lock every customer of the merge, in id order whatever order the request named them in: two
 * merges over the same customers then queue on the first row they share instead of deadlocking.
 * `no key update` rather than `update`: billing inserts a payment for a customer (a foreign-key
 * check, `key share`) while holding its charge's row, which the merge then moves; the stronger
 * lock would make the two wait on each other.
 */
async function lockCustomers(tx: Executor, scope: Scope, ids: string[]) {
  return tx
    .select(lockedColumns)
    .from(customers)
    .where(and(inScope(customers, scope), inArray(customers.id, ids)))
    .orderBy(asc(customers.id))
    .for('no key update');
}

function checkSurvivor(locked: LockedCustomer[], id: string): LockedCustomer {
  const survivor = locked.find((row) => row.id === id);
  if (!survivor) throw customerMissing(id);
  if (survivor.mergedInto !== null) throw customerMerged(id, survivor.mergedInto);
  if (survivor.deletedAt !== null) throw customerMissing(id);
  return survivor;
}

/**
 * The customers still to merge. One merged into this survivor already is a retry's (skipped); one
 * gone, merged elsewhere, or of another account or environment is a 404 naming `from.N`.
 */
function checkOthers(locked: LockedCustomer[], input: CustomerMerge): LockedCustomer[] {
  return input.from.flatMap((id, index) => {
    const param = `from.${index}`;
    const row = locked.find((candidate) => candidate.id === id);
    if (!row) throw customerMissing(id, param);
    if (row.mergedInto === input.id) return [];
    if (row.mergedInto !== null) throw customerMerged(id, row.mergedInto, param);
    if (row.deletedAt !== null) throw customerMissing(id, param);
    return [row];
  });
}

interface Moved {
  ids: Record<string, string[]>;
  /** Duplicate cards detached from the merged customers, for their `payment_method.detached`. */
  detached: DetachedCard[];
  /** `subscription.updated` of each moved subscription: its customer, maybe its default card. */
  subscriptionChanges: Change[];
  /** The survivor's default payment method after the move. */
  defaultPaymentMethod: string | null;
}

/**
 * Move what the merged customers own. The order matters against billing running at the same
 * time: pending charges first (waiting for any being finished, whose payment is then moved
 * below), then subscriptions and schedule items (waiting for any being claimed), then the charges
 * those claims recorded meanwhile (never waited for: see there), then the payments.
 */
async function moveBelongings(
  tx: Executor,
  scope: Scope,
  survivor: LockedCustomer,
  merging: LockedCustomer[],
): Promise<Moved> {
  const fromIds = merging.map((customer) => customer.id);
  const pendingOfMerged = and(
    inScope(billingAttempts, scope),
    inArray(billingAttempts.customerId, fromIds),
    eq(billingAttempts.state, 'pending'),
  );
  const attempts = await tx
    .update(billingAttempts)
    .set({ customerId: survivor.id })
    .where(pendingOfMerged)
    .returning({ id: billingAttempts.id });

  // Locked and read first: their `subscription.updated` needs them as they were.
  const subscriptionsBefore = await tx
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(and(inScope(subscriptions, scope), inArray(subscriptions.customerId, fromIds)))
    .orderBy(asc(subscriptions.id))
    .for('update');
  const movedSubscriptions = await tx
    .update(subscriptions)
    .set({ customerId: survivor.id, updatedAt: sql`now()` })
    .where(and(inScope(subscriptions, scope), inArray(subscriptions.customerId, fromIds)))
    .returning({ id: subscriptions.id });

  const schedulesOfMerged = and(
    inScope(paymentSchedules, scope),
    inArray(paymentSchedules.customerId, fromIds),
  );
  await tx
    .select({ id: paymentScheduleItems.id })
    .from(paymentScheduleItems)
    .innerJoin(
      paymentSchedules,
      and(
        eq(paymentSchedules.accountId, paymentScheduleItems.accountId),
        eq(paymentSchedules.id, paymentScheduleItems.scheduleId),
      ),
    )
    .where(and(schedulesOfMerged, eq(paymentScheduleItems.status, 'scheduled')))
    .orderBy(asc(paymentScheduleItems.id))
    .for('update', { of: paymentScheduleItems });
  const movedSchedules = await tx
    .update(paymentSchedules)
    .set({ customerId: survivor.id, updatedAt: sql`now()` })
    .where(schedulesOfMerged)
    .returning({ id: paymentSchedules.id });

  // Charges recorded by a claim that committed since the first sweep. One being finished right
  // now cannot be waited for (its finisher may be waiting for a row locked above) nor skipped (its
  // payment would land on a merged customer): NOWAIT fails the attempt, and the merge starts over.
  const lateAttempts = await tx.execute(sql`
    update billing_attempts set customer_id = ${survivor.id}
    where account_id = ${scope.accountId} and id in (
      select id from billing_attempts
      where account_id = ${scope.accountId} and livemode = ${scope.livemode}
        and customer_id in ${fromIds} and state = 'pending'
      for update nowait)
    returning id`);

  const cards = await moveCards(tx, scope, survivor, merging);

  // After the cards: a subscription that named a detached duplicate now names the survivor's copy.
  const subscriptionsAfter = await tx
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(
      and(
        inScope(subscriptions, scope),
        inArray(
          subscriptions.id,
          movedSubscriptions.map((row) => row.id),
        ),
      ),
    );
  const subscriptionChanges = subscriptionsBefore.flatMap((row) => {
    const after = subscriptionsAfter.find((candidate) => candidate.id === row.id);
    if (!after) return [];
    return updateOf(
      'subscription.updated',
      toSubscription(row),
      toSubscription(after),
      survivor.id,
    );
  });

  const movedPayments = await tx
    .update(payments)
    .set({ customerId: survivor.id })
    .where(and(inScope(payments, scope), inArray(payments.customerId, fromIds)))
    .returning({ id: payments.id });

  return {
    ids: {
      payments: movedPayments.map((row) => row.id),
      paymentMethods: cards.moved,
      detachedPaymentMethods: cards.detached.map((card) => card.paymentMethod.id),
      subscriptions: movedSubscriptions.map((row) => row.id),
      paymentSchedules: movedSchedules.map((row) => row.id),
      billingAttempts: [
        ...attempts.map((row) => row.id),
        ...rowsOf<{ id: string }>(lateAttempts).map((row) => row.id),
      ],
    },
    detached: cards.detached,
    subscriptionChanges,
    defaultPaymentMethod: cards.defaultPaymentMethod,
  };
}

/**
 * The survivor's analytics from its payments, now including the merged customers': its totals
 * rows are rewritten and the merged customers' removed (their payments are all the survivor's).
 */
async function recomputeTotals(tx: Executor, scope: Scope, survivorId: string, fromIds: string[]) {
  await tx
    .delete(customerPaymentTotals)
    .where(
      and(
        inScope(customerPaymentTotals, scope),
        inArray(customerPaymentTotals.customerId, [survivorId, ...fromIds]),
      ),
    );
  await tx.execute(sql`
    insert into customer_payment_totals
      (account_id, livemode, customer_id, currency, succeeded_count, total, last_payment_at)
    select account_id, livemode, customer_id, currency, count(*), sum(amount), max(created_at)
    from payments
    where account_id = ${scope.accountId} and livemode = ${scope.livemode}
      and customer_id = ${survivorId} and status = 'succeeded'
    group by account_id, livemode, customer_id, currency`);
}

/**
 * The survivor takes each field from the customer named for it (its own when none is), and the
 * default payment method the cards' move settled on. The others are deleted by now, so an email
 * taken from one of them is free under the live-email unique index.
 */
async function applyFields(
  tx: Executor,
  scope: Scope,
  survivor: LockedCustomer,
  locked: LockedCustomer[],
  input: CustomerMerge,
  defaultPaymentMethod: string | null,
): Promise<Customer> {
  const sourceOf = (field: CustomerMergeField) =>
    locked.find((row) => row.id === input.fields?.[field]) ?? survivor;
  const name = sourceOf('name').name;
  const email = sourceOf('email').email;
  const [row] = await tx
    .update(customers)
    .set({
      name,
      email,
      emailIdentity: emailIdentity(email),
      ...duplicateKeysOf({ name, email }),
      phone: sourceOf('phone').phone,
      description: sourceOf('description').description,
      metadata: sourceOf('metadata').metadata,
      defaultPaymentMethodId: defaultPaymentMethod,
      updatedAt: sql`now()`,
    })
    .where(and(inScope(customers, scope), eq(customers.id, survivor.id)))
    .returning(customerColumns);
  // The survivor is locked and live: an update that finds no row is a broken invariant.
  if (!row) throw new Error(`merge survivor ${survivor.id} vanished under its lock`);
  return toCustomer(row);
}
