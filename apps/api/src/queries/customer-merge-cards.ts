import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PaymentMethod } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import {
  billingAttempts,
  paymentMethods,
  paymentSchedules,
  subscriptions,
} from '../db/schema/index.js';
import { retrievePaymentMethod } from './payment-methods.js';
import { inScope, type Scope } from './scope.js';

/** A card the merge detached: as the API answers it now, and the customer it was attached to. */
export interface DetachedCard {
  paymentMethod: PaymentMethod;
  customerId: string | null;
}

/** A customer of a merge, as its cards' move needs it. */
interface CardOwner {
  id: string;
  defaultPaymentMethodId: string | null;
}

/**
 * Attached cards move to the survivor, except one whose fingerprint the survivor already has (or
 * an earlier merged customer brought): that one is detached, and whatever named it (a
 * subscription, a schedule, a pending charge, now all the survivor's) names the survivor's copy.
 * The survivor's default wins; without one it takes the first merged customer's that has one.
 * Answers the detached cards as the API shows them after the detach, for their events.
 */
export async function moveCards(
  tx: Executor,
  scope: Scope,
  survivor: CardOwner,
  merging: CardOwner[],
) {
  const attached = await tx
    .select({
      id: paymentMethods.id,
      customerId: paymentMethods.customerId,
      fingerprint: paymentMethods.fingerprint,
    })
    .from(paymentMethods)
    .where(
      and(
        inScope(paymentMethods, scope),
        inArray(paymentMethods.customerId, [survivor.id, ...merging.map((c) => c.id)]),
        isNull(paymentMethods.detachedAt),
      ),
    )
    .orderBy(asc(paymentMethods.createdAt), asc(paymentMethods.id))
    .for('update');
  const kept = new Map<string, string>();
  for (const card of attached) {
    if (card.customerId === survivor.id) kept.set(card.fingerprint, card.id);
  }
  const order = merging.map((customer) => customer.id);
  const theirs = attached
    .filter((card) => card.customerId !== survivor.id)
    .sort((a, b) => order.indexOf(a.customerId ?? '') - order.indexOf(b.customerId ?? ''));
  const replacement = new Map<string, string>();
  const duplicates: typeof theirs = [];
  const moved: string[] = [];
  for (const card of theirs) {
    const copy = kept.get(card.fingerprint);
    if (copy === undefined) {
      kept.set(card.fingerprint, card.id);
      moved.push(card.id);
    } else {
      replacement.set(card.id, copy);
      duplicates.push(card);
    }
  }
  if (moved.length > 0) {
    await tx
      .update(paymentMethods)
      .set({ customerId: survivor.id })
      .where(and(inScope(paymentMethods, scope), inArray(paymentMethods.id, moved)));
  }
  const detached = [...replacement.keys()];
  if (detached.length > 0) {
    await tx
      .update(paymentMethods)
      .set({ detachedAt: sql`now()` })
      .where(and(inScope(paymentMethods, scope), inArray(paymentMethods.id, detached)));
    await pointAtCopies(tx, scope, survivor.id, replacement);
  }
  const detachedCards: DetachedCard[] = [];
  for (const card of duplicates) {
    detachedCards.push({
      paymentMethod: await retrievePaymentMethod(tx, scope, card.id),
      customerId: card.customerId,
    });
  }
  const inherited = merging
    .map((customer) => customer.defaultPaymentMethodId)
    .find((id): id is string => id !== null);
  const defaultPaymentMethod =
    survivor.defaultPaymentMethodId ??
    (inherited === undefined ? null : (replacement.get(inherited) ?? inherited));
  return { moved, detached: detachedCards, defaultPaymentMethod };
}

/** What named a detached duplicate card names the survivor's card with the same fingerprint. */
async function pointAtCopies(
  tx: Executor,
  scope: Scope,
  survivorId: string,
  replacement: Map<string, string>,
) {
  for (const [duplicate, copy] of replacement) {
    await tx
      .update(subscriptions)
      .set({ defaultPaymentMethodId: copy, updatedAt: sql`now()` })
      .where(
        and(
          inScope(subscriptions, scope),
          eq(subscriptions.customerId, survivorId),
          eq(subscriptions.defaultPaymentMethodId, duplicate),
        ),
      );
    await tx
      .update(paymentSchedules)
      .set({ paymentMethodId: copy, updatedAt: sql`now()` })
      .where(
        and(
          inScope(paymentSchedules, scope),
          eq(paymentSchedules.customerId, survivorId),
          eq(paymentSchedules.paymentMethodId, duplicate),
        ),
      );
    await tx
      .update(billingAttempts)
      .set({ paymentMethodId: copy })
      .where(
        and(
          inScope(billingAttempts, scope),
          eq(billingAttempts.customerId, survivorId),
          eq(billingAttempts.state, 'pending'),
          eq(billingAttempts.paymentMethodId, duplicate),
        ),
      );
  }
}
