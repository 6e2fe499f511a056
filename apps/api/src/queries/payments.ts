import { and, eq, isNull, sql } from 'drizzle-orm';
import {
  DomainError,
  newId,
  type Payment,
  type PaymentCreate,
  type ListParams,
} from '@peasswap/domain';
import { preparedStatement, rowsOf, type Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import { customerPaymentTotals, customers, payments } from '../db/schema/index.js';
import type { PaymentProcessor } from '../payments/processor.js';
import { customerGone, lockLiveCustomer } from './customers.js';
import { chargeablePaymentMethod } from './payment-methods.js';
import { assertCursorExists, cursorOf, keysetFor, toPage } from './pagination.js';
import { prepared, SCOPE_PLACEHOLDERS, selectedAs } from './prepared.js';
import { inScope, type Scope } from './scope.js';
import { isoOfTimestamptz } from './timestamps.js';

export const paymentColumns = {
  id: payments.id,
  livemode: payments.livemode,
  customerId: payments.customerId,
  amount: payments.amount,
  currency: payments.currency,
  paymentMethodId: payments.paymentMethodId,
  status: payments.status,
  failureCode: payments.failureCode,
  description: payments.description,
  metadata: payments.metadata,
  subscriptionId: payments.subscriptionId,
  paymentScheduleId: payments.paymentScheduleId,
  createdAt: payments.createdAt,
};

/** A payment as read from its table: the selected columns, typed by the schema. */
export type PaymentRow = Pick<typeof payments.$inferSelect, keyof typeof paymentColumns>;

export function toPayment(row: PaymentRow): Payment {
  return paymentOf(row, row.createdAt.toISOString());
}

/** The API's payment of a row's fields, its creation time already printed. */
function paymentOf(row: Omit<PaymentRow, 'createdAt'>, createdAt: string): Payment {
  return {
    id: row.id,
    object: 'payment',
    amount: row.amount,
    currency: row.currency,
    customer: row.customerId,
    paymentMethod: row.paymentMethodId,
    status: row.status,
    failureCode: row.failureCode as Payment['failureCode'],
    description: row.description,
    metadata: row.metadata,
    subscription: row.subscriptionId,
    paymentSchedule: row.paymentScheduleId,
    livemode: row.livemode,
    createdAt,
  };
}

/**
 * Record a payment and, when it succeeds, add it to the customer's running totals — in one
 * transaction, so analytics never disagree with the payments they summarise. The customer row is
 * share-locked so it cannot be deleted while its payment is being written, and a saved card so it
 * cannot be detached; the processor decides the outcome from the card as saved.
 */
export async function createPayment(
  db: Executor,
  scope: Scope,
  input: PaymentCreate,
  processor: PaymentProcessor,
  outbox: Outbox,
): Promise<Payment> {
  return db.transaction(async (tx) => {
    if (input.customer !== undefined) await lockLiveCustomer(tx, scope, input.customer);
    // After the customer: locks are taken customer first, payment method second, everywhere.
    const paymentMethod =
      input.paymentMethod === undefined
        ? null
        : await chargeablePaymentMethod(tx, scope, input.paymentMethod, input.customer ?? null);
    const outcome = processor.charge({
      amount: input.amount,
      currency: input.currency,
      paymentMethod,
      livemode: scope.livemode,
    });
    const [row] = await tx
      .insert(payments)
      .values({
        id: newId('payment'),
        ...scope,
        customerId: input.customer ?? null,
        amount: input.amount,
        currency: input.currency,
        paymentMethodId: paymentMethod?.id ?? null,
        status: outcome.status,
        failureCode: outcome.failureCode,
        description: input.description ?? null,
        metadata: input.metadata ?? {},
      })
      .returning(paymentColumns);
    if (!row) throw new Error('payment insert returned no row');
    if (row.status === 'succeeded' && row.customerId !== null) {
      await addToCustomerTotals(tx, scope, row);
    }
    const payment = toPayment(row);
    await outbox.record(tx, scope, [
      {
        type: payment.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
        object: payment,
        customerId: payment.customer,
      },
    ]);
    return payment;
  });
}

/** Count a succeeded payment in its customer's totals, in the payment's own transaction. */
export async function addToCustomerTotals(tx: Executor, scope: Scope, payment: PaymentRow) {
  await tx
    .insert(customerPaymentTotals)
    .values({
      ...scope,
      customerId: payment.customerId ?? '',
      currency: payment.currency,
      succeededCount: 1n,
      total: String(payment.amount),
      lastPaymentAt: payment.createdAt,
    })
    .onConflictDoUpdate({
      target: [
        customerPaymentTotals.accountId,
        customerPaymentTotals.livemode,
        customerPaymentTotals.customerId,
        customerPaymentTotals.currency,
      ],
      set: {
        succeededCount: sql`${customerPaymentTotals.succeededCount} + 1`,
        total: sql`${customerPaymentTotals.total} + excluded.total`,
        lastPaymentAt: sql`greatest(${customerPaymentTotals.lastPaymentAt}, excluded.last_payment_at)`,
      },
    });
}

export async function retrievePayment(db: Executor, scope: Scope, id: string): Promise<Payment> {
  const [row] = await db
    .select(paymentColumns)
    .from(payments)
    .where(and(eq(payments.id, id), inScope(payments, scope)));
  if (!row) throw new DomainError('resource_missing', `No such payment: '${id}'.`, { param: 'id' });
  return toPayment(row);
}

/** Payments newest first; with `customerId`, that customer's (deleted customers' included). */
export async function listPayments(
  db: Executor,
  scope: Scope,
  params: ListParams & { customerId?: string | undefined },
) {
  const rows = await selectPaymentsPage(db, scope, params, { liveCustomerOnly: false });
  if (rows.length === 0) await assertCursorExists(db, payments, scope, params);
  return pageOfPayments(rows, params);
}

/**
 * A live customer's payments, as for every /customers/{id} path a deleted or unknown customer is
 * a 404. The customer check rides in the page query; only an empty page needs a second look.
 */
export async function listCustomerPayments(
  db: Executor,
  scope: Scope,
  params: ListParams & { id: string },
) {
  const rows = await selectPaymentsPage(
    db,
    scope,
    { ...params, customerId: params.id },
    { liveCustomerOnly: true },
  );
  if (rows.length === 0) {
    const [customer] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(
        and(eq(customers.id, params.id), inScope(customers, scope), isNull(customers.deletedAt)),
      );
    if (!customer) throw await customerGone(db, scope, params.id);
    await assertCursorExists(db, payments, scope, params);
  }
  return pageOfPayments(rows, params);
}

/** One prepared statement per shape: direction, customer filter, live-customer check. */
async function selectPaymentsPage(
  db: Executor,
  scope: Scope,
  params: ListParams & { customerId?: string | undefined },
  options: { liveCustomerOnly: boolean },
): Promise<Payment[]> {
  const byCustomer = params.customerId !== undefined;
  const shape = [
    params.endingBefore !== undefined
      ? 'before'
      : params.startingAfter !== undefined
        ? 'after'
        : 'head',
    byCustomer ? 'customer' : '',
    options.liveCustomerOnly ? 'live' : '',
  ].join(':');
  const query = prepared(db, `payments.list:${shape}`, () => {
    const keyset = keysetFor(payments, SCOPE_PLACEHOLDERS, params, sql.placeholder('cursor'));
    const customerIsLive = sql`exists (select 1 from ${customers} where ${and(
      eq(customers.id, sql.placeholder('customerId')),
      inScope(customers, SCOPE_PLACEHOLDERS),
      isNull(customers.deletedAt),
    )})`;
    const statement = db
      .select(selectedAs(paymentColumns))
      .from(payments)
      .where(
        and(
          inScope(payments, SCOPE_PLACEHOLDERS),
          byCustomer ? eq(payments.customerId, sql.placeholder('customerId')) : undefined,
          keyset.where,
          options.liveCustomerOnly ? customerIsLive : undefined,
        ),
      )
      .orderBy(...keyset.orderBy)
      .limit(sql.placeholder('limit'))
      .getSQL();
    // Prepared as a raw statement, its rows read as they come: Drizzle's row mapping (an entity
    // check and a decoder call per column per row) was a tenth of the API's CPU on a page of
    // payments, the one list that reads 11 rows of 13 columns on every call.
    return preparedStatement(db, statement);
  });
  const rows = await query.execute({
    ...scope,
    customerId: params.customerId,
    cursor: cursorOf(params),
    limit: params.limit + 1,
  });
  // As toPayment prints a row Drizzle read (`new Date` of the text, then ISO).
  return rowsOf<PaymentDriverRow>(rows).map((row) =>
    paymentOf(row, isoOfTimestamptz(row.createdAt)),
  );
}

/** A `paymentColumns` row as the driver reads it (selectedAs): its creation time as text. */
type PaymentDriverRow = Omit<PaymentRow, 'createdAt'> & { createdAt: string };

function pageOfPayments(payments: Payment[], params: ListParams) {
  return toPage(payments, params.limit, params.endingBefore !== undefined);
}
