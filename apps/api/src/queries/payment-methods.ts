import { and, eq, isNull, sql } from 'drizzle-orm';
import {
  attachDeclined,
  DomainError,
  isTestPaymentMethod,
  newId,
  type CardToSave,
  type ChargeablePaymentMethod,
  type ListParams,
  type PaymentMethod,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import { customers, paymentMethods } from '../db/schema/index.js';
// customers.ts imports this file too; only functions cross, called long after both load.
import { customerGone, retrieveCustomer } from './customers.js';
import { assertCursorExists, keysetFor, toPage } from './pagination.js';
import { inScope, type Scope } from './scope.js';

/**
 * Saved payment methods. Every transaction here that locks both a customer and a payment method
 * locks the customer first (as payments and customer updates do), so no two of them can wait on
 * each other.
 */
const paymentMethodColumns = {
  id: paymentMethods.id,
  livemode: paymentMethods.livemode,
  customerId: paymentMethods.customerId,
  type: paymentMethods.type,
  brand: paymentMethods.brand,
  last4: paymentMethods.last4,
  expMonth: paymentMethods.expMonth,
  expYear: paymentMethods.expYear,
  fingerprint: paymentMethods.fingerprint,
  attachFailureCode: paymentMethods.attachFailureCode,
  chargeFailureCode: paymentMethods.chargeFailureCode,
  createdAt: paymentMethods.createdAt,
  detachedAt: paymentMethods.detachedAt,
};

type PaymentMethodRow = Pick<typeof paymentMethods.$inferSelect, keyof typeof paymentMethodColumns>;

function toPaymentMethod(row: PaymentMethodRow): PaymentMethod {
  return {
    id: row.id,
    object: 'payment_method',
    type: row.type,
    card: {
      brand: row.brand as PaymentMethod['card']['brand'],
      last4: row.last4,
      expMonth: row.expMonth,
      expYear: row.expYear,
      fingerprint: row.fingerprint,
    },
    customer: row.detachedAt === null ? row.customerId : null,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
  };
}

function paymentMethodMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such payment method: '${id}'.`, { param: 'id' });
}

function customerParamMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such customer: '${id}'.`, {
    param: 'customer',
    status: 400,
  });
}

const detached = (param: string) =>
  new DomainError(
    'payment_method_unexpected_state',
    'This payment method was detached from its customer and cannot be used again.',
    { param },
  );

/** A live customer of the scope, share-locked so it cannot be deleted under the caller. */
async function lockLiveCustomer(tx: Executor, scope: Scope, id: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, id), inScope(customers, scope), isNull(customers.deletedAt)))
    .for('share');
  return row !== undefined;
}

async function selectPaymentMethod(
  tx: Executor,
  scope: Scope,
  id: string,
  lock?: 'update' | 'share',
): Promise<PaymentMethodRow | undefined> {
  const query = tx
    .select(paymentMethodColumns)
    .from(paymentMethods)
    .where(and(eq(paymentMethods.id, id), inScope(paymentMethods, scope)));
  const [row] = await (lock ? query.for(lock) : query);
  return row;
}

/**
 * Save a checked card (its number already reduced to what may be kept), attached at once to
 * `customer` when one is named. A card that declines outright cannot be attached: refused before
 * anything is written.
 */
export async function createPaymentMethod(
  db: Executor,
  scope: Scope,
  input: { card: CardToSave & { fingerprint: string }; customer?: string | undefined },
  outbox: Outbox,
): Promise<PaymentMethod> {
  const { card, customer } = input;
  return db.transaction(async (tx) => {
    if (customer !== undefined) {
      if (!(await lockLiveCustomer(tx, scope, customer))) throw customerParamMissing(customer);
      if (card.attachFailureCode !== null) throw attachDeclined(card.attachFailureCode);
    }
    const [row] = await tx
      .insert(paymentMethods)
      .values({
        id: newId('paymentMethod'),
        ...scope,
        customerId: customer ?? null,
        type: 'card',
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        fingerprint: card.fingerprint,
        attachFailureCode: card.attachFailureCode,
        chargeFailureCode: card.chargeFailureCode,
      })
      .returning(paymentMethodColumns);
    if (!row) throw new Error('payment method insert returned no row');
    const paymentMethod = toPaymentMethod(row);
    if (customer !== undefined) {
      await outbox.record(tx, scope, [
        { type: 'payment_method.attached', object: paymentMethod, customerId: customer },
      ]);
    } else {
      // No event type for a card saved alone (SPEC §7), but it is a write: the audit log has it.
      await outbox.audit(tx, scope, [
        { action: 'payment_method.created', objectId: paymentMethod.id, after: paymentMethod },
      ]);
    }
    return paymentMethod;
  });
}

export async function retrievePaymentMethod(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<PaymentMethod> {
  const row = await selectPaymentMethod(db, scope, id);
  if (!row) throw paymentMethodMissing(id);
  return toPaymentMethod(row);
}

/**
 * Attach to a live customer of the scope. Attaching to the customer it is attached to already
 * answers it as it is; a card attached elsewhere, or detached once, is refused (as at Stripe).
 */
export async function attachPaymentMethod(
  db: Executor,
  scope: Scope,
  id: string,
  customerId: string,
  outbox: Outbox,
): Promise<PaymentMethod> {
  return db.transaction(async (tx) => {
    // The object in the URL first: an unknown card is a 404 whatever the customer.
    if (!(await selectPaymentMethod(tx, scope, id))) throw paymentMethodMissing(id);
    if (!(await lockLiveCustomer(tx, scope, customerId))) throw customerParamMissing(customerId);
    const row = await selectPaymentMethod(tx, scope, id, 'update');
    if (!row) throw paymentMethodMissing(id);
    if (row.detachedAt !== null) throw detached('id');
    if (row.customerId === customerId) return toPaymentMethod(row);
    if (row.customerId !== null) {
      throw new DomainError(
        'payment_method_unexpected_state',
        'This payment method is already attached to a customer; detach it first.',
        { param: 'id' },
      );
    }
    if (row.attachFailureCode !== null) throw attachDeclined(row.attachFailureCode);
    const [attached] = await tx
      .update(paymentMethods)
      .set({ customerId })
      .where(and(inScope(paymentMethods, scope), eq(paymentMethods.id, id)))
      .returning(paymentMethodColumns);
    if (!attached) throw paymentMethodMissing(id);
    const paymentMethod = toPaymentMethod(attached);
    await outbox.record(tx, scope, [
      { type: 'payment_method.attached', object: paymentMethod, customerId },
    ]);
    return paymentMethod;
  });
}

/**
 * Detach from its customer for good, clearing the customer's default if it was this card, in the
 * same transaction. The row keeps its customer for history; the API shows `customer: null`.
 */
export async function detachPaymentMethod(
  db: Executor,
  scope: Scope,
  id: string,
  outbox: Outbox,
): Promise<PaymentMethod> {
  return db.transaction(async (tx) => {
    const seen = await selectPaymentMethod(tx, scope, id);
    if (!seen) throw paymentMethodMissing(id);
    if (seen.customerId === null || seen.detachedAt !== null) {
      throw new DomainError(
        'payment_method_unexpected_state',
        'This payment method is not attached to a customer.',
        { param: 'id' },
      );
    }
    // The customer's row first (see the top of this file); a card's customer never changes
    // while it stays attached, so the one read above is the one locked here.
    await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.id, seen.customerId), inScope(customers, scope)))
      .for('update');
    const row = await selectPaymentMethod(tx, scope, id, 'update');
    if (!row || row.detachedAt !== null) throw detached('id');
    const [done] = await tx
      .update(paymentMethods)
      .set({ detachedAt: sql`now()` })
      .where(and(inScope(paymentMethods, scope), eq(paymentMethods.id, id)))
      .returning(paymentMethodColumns);
    if (!done) throw paymentMethodMissing(id);
    const cleared = await tx
      .update(customers)
      .set({ defaultPaymentMethodId: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(customers.id, seen.customerId),
          inScope(customers, scope),
          eq(customers.defaultPaymentMethodId, id),
        ),
      )
      .returning({ id: customers.id });
    const paymentMethod = toPaymentMethod(done);
    await outbox.record(tx, scope, [
      { type: 'payment_method.detached', object: paymentMethod, customerId: seen.customerId },
      // The customer's default was this card: that is a change of the customer too.
      ...(cleared.length > 0
        ? [
            {
              type: 'customer.updated' as const,
              object: await retrieveCustomer(tx, scope, seen.customerId),
              previousAttributes: { defaultPaymentMethod: id },
              customerId: seen.customerId,
            },
          ]
        : []),
    ]);
    return paymentMethod;
  });
}

/** A live customer's attached payment methods, newest first; an unknown customer is a 404. */
export async function listCustomerPaymentMethods(
  db: Executor,
  scope: Scope,
  params: ListParams & { id: string },
) {
  const keyset = keysetFor(paymentMethods, scope, params);
  const customerIsLive = sql`exists (select 1 from ${customers} where ${and(
    eq(customers.id, params.id),
    inScope(customers, scope),
    isNull(customers.deletedAt),
  )})`;
  const rows = await db
    .select(paymentMethodColumns)
    .from(paymentMethods)
    .where(
      and(
        inScope(paymentMethods, scope),
        eq(paymentMethods.customerId, params.id),
        isNull(paymentMethods.detachedAt),
        keyset.where,
        customerIsLive,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) {
    if (!(await locklessLiveCustomer(db, scope, params.id))) {
      throw await customerGone(db, scope, params.id);
    }
    await assertCursorExists(db, paymentMethods, scope, params);
  }
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map(toPaymentMethod), hasMore: page.hasMore };
}

async function locklessLiveCustomer(db: Executor, scope: Scope, id: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, id), inScope(customers, scope), isNull(customers.deletedAt)));
  return row !== undefined;
}

/**
 * Check that `id` may be a customer's default: attached to that customer (and not detached).
 * Share-locked, so it cannot be detached before the caller's transaction ends.
 */
export async function assertAttachedTo(
  tx: Executor,
  scope: Scope,
  id: string,
  customerId: string,
  param: string,
): Promise<void> {
  const row = await selectPaymentMethod(tx, scope, id, 'share');
  if (!row || row.customerId !== customerId || row.detachedAt !== null) {
    throw notAttachedTo(id, customerId, param);
  }
}

function notAttachedTo(id: string, customerId: string, param: string): DomainError {
  return new DomainError(
    'resource_missing',
    `No such payment method attached to customer '${customerId}': '${id}'.`,
    { param, status: 400 },
  );
}

/**
 * The payment method a charge may use, as the processor is to see it. A test method
 * (`pm_card_visa`, ...) goes as its name. A saved card must be in the scope and not detached;
 * with a customer it must be attached to that customer, and without one it must not be attached
 * to anybody (a customer's card is charged as that customer's, as at Stripe). Share-locked: the
 * caller locked the customer first.
 */
export async function chargeablePaymentMethod(
  tx: Executor,
  scope: Scope,
  id: string,
  customerId: string | null,
  param = 'paymentMethod',
): Promise<ChargeablePaymentMethod> {
  if (isTestPaymentMethod(id)) return { id };
  const row = await selectPaymentMethod(tx, scope, id, 'share');
  if (!row) {
    throw new DomainError('resource_missing', `No such payment method: '${id}'.`, {
      param,
      status: 400,
    });
  }
  if (row.detachedAt !== null) throw detached(param);
  if (customerId !== null && row.customerId !== customerId) {
    throw notAttachedTo(id, customerId, param);
  }
  if (customerId === null && row.customerId !== null) {
    throw new DomainError(
      'parameter_missing',
      'This payment method is attached to a customer: name that customer to charge it.',
      { param: 'customer' },
    );
  }
  return { id, savedCard: { chargeFailureCode: row.chargeFailureCode } };
}

/**
 * What billing's processor is to charge for a stored payment method id. A saved card that can no
 * longer be used (detached since it was chosen) is charged as the network would answer a removed
 * card: declined.
 */
export async function paymentMethodForCharge(
  tx: Executor,
  scope: Scope,
  id: string,
): Promise<ChargeablePaymentMethod> {
  if (isTestPaymentMethod(id)) return { id };
  const row = await selectPaymentMethod(tx, scope, id);
  const usable = row !== undefined && row.detachedAt === null;
  return {
    id,
    savedCard: { chargeFailureCode: usable ? row.chargeFailureCode : 'card_declined' },
  };
}
