import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import {
  DomainError,
  newId,
  type PaymentSchedule,
  type PaymentScheduleCreate,
  type PaymentScheduleListQuery,
} from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import { billingAttempts, paymentScheduleItems, paymentSchedules } from '../db/schema/index.js';
import { assertCursorExists, keysetFor, toPage } from './pagination.js';
import { inScope, type Scope } from './scope.js';
import { lockLiveCustomer } from './customers.js';

type ItemStatus = PaymentSchedule['items'][number]['status'];

/** An item as the aggregate below spells it; `dueAt` is PostgreSQL's JSON text of a timestamptz. */
interface ItemJson {
  amount: number;
  dueAt: string;
  status: ItemStatus;
  payment: string | null;
}

/** `table.column`, spelled out: Drizzle leaves columns unqualified in a single-table select. */
const qualified = (table: string, column: PgColumn) =>
  sql`${sql.identifier(table)}.${sql.identifier(column.name)}`;
const item = (column: PgColumn) => qualified('item', column);
const schedule = (column: PgColumn) => qualified('payment_schedules', column);

/**
 * A schedule's items, in due order, as one JSON array computed in the schedule's own row: a page
 * of 100 schedules is one statement, not 101. The (schedule_id, position) unique index serves it.
 */
const itemsOfSchedule = sql<ItemJson[] | string>`(
  select coalesce(json_agg(json_build_object(
      'amount', ${item(paymentScheduleItems.amount)},
      'dueAt', ${item(paymentScheduleItems.dueAt)},
      'status', ${item(paymentScheduleItems.status)},
      'payment', ${item(paymentScheduleItems.paymentId)}
    ) order by ${item(paymentScheduleItems.position)}), '[]'::json)
  from ${paymentScheduleItems} as item
  where ${item(paymentScheduleItems.scheduleId)} = ${schedule(paymentSchedules.id)}
    and ${item(paymentScheduleItems.accountId)} = ${schedule(paymentSchedules.accountId)}
    and ${item(paymentScheduleItems.livemode)} = ${schedule(paymentSchedules.livemode)}
)`;

const scheduleColumns = {
  id: paymentSchedules.id,
  livemode: paymentSchedules.livemode,
  customerId: paymentSchedules.customerId,
  paymentMethodId: paymentSchedules.paymentMethodId,
  currency: paymentSchedules.currency,
  status: paymentSchedules.status,
  canceledAt: paymentSchedules.canceledAt,
  createdAt: paymentSchedules.createdAt,
  items: itemsOfSchedule,
};

type ScheduleRow = Pick<
  typeof paymentSchedules.$inferSelect,
  Exclude<keyof typeof scheduleColumns, 'items'>
> & { items: ItemJson[] | string };

function toPaymentSchedule(row: ScheduleRow): PaymentSchedule {
  // postgres.js and PGlite both parse json, but a driver that does not would hand back the text.
  const items = typeof row.items === 'string' ? (JSON.parse(row.items) as ItemJson[]) : row.items;
  return {
    id: row.id,
    object: 'payment_schedule',
    customer: row.customerId,
    paymentMethod: row.paymentMethodId,
    currency: row.currency,
    status: row.status,
    items: items.map((item) => ({
      amount: item.amount,
      dueAt: new Date(item.dueAt).toISOString(),
      status: item.status,
      payment: item.payment,
    })),
    canceledAt: row.canceledAt?.toISOString() ?? null,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
  };
}

export function scheduleMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such payment schedule: '${id}'.`, { param: 'id' });
}

/** Checks that `paymentMethod` may bill `customerId` and answers the id to store. */
export type PaymentMethodResolver = (
  tx: Executor,
  customerId: string,
  paymentMethod: string,
) => Promise<string>;

/**
 * Items in due order; equal times keep the order they were sent in (the sort is stable), so the
 * position is a fact of the input, not of the sort's mood.
 */
function inDueOrder(items: PaymentScheduleCreate['items']) {
  return items
    .map((item) => ({ amount: item.amount, dueAt: new Date(item.dueAt) }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * A schedule and its items in one transaction. The customer is share-locked (as payments do), so
 * a concurrent delete either waits for the schedule, and then cancels it, or wins and this is a
 * 400. An item already due is charged by the next billing pass.
 */
export async function createPaymentSchedule(
  db: Executor,
  scope: Scope,
  input: PaymentScheduleCreate,
  resolvePaymentMethod: PaymentMethodResolver,
  outbox: Outbox,
): Promise<PaymentSchedule> {
  return db.transaction(async (tx) => {
    await lockLiveCustomer(tx, scope, input.customer);
    const paymentMethod =
      input.paymentMethod === undefined
        ? null
        : await resolvePaymentMethod(tx, input.customer, input.paymentMethod);
    const id = newId('schedule');
    await tx.insert(paymentSchedules).values({
      id,
      ...scope,
      customerId: input.customer,
      paymentMethodId: paymentMethod,
      currency: input.currency,
      status: 'active',
    });
    await tx.insert(paymentScheduleItems).values(
      inDueOrder(input.items).map((item, position) => ({
        id: newId('scheduleItem'),
        ...scope,
        scheduleId: id,
        position,
        amount: item.amount,
        dueAt: item.dueAt,
        status: 'scheduled' as const,
      })),
    );
    const schedule = await retrievePaymentSchedule(tx, scope, id);
    await outbox.record(tx, scope, [
      { type: 'payment_schedule.created', object: schedule, customerId: schedule.customer },
    ]);
    return schedule;
  });
}

export async function retrievePaymentSchedule(
  db: Executor,
  scope: Scope,
  id: string,
): Promise<PaymentSchedule> {
  const [row] = await db
    .select(scheduleColumns)
    .from(paymentSchedules)
    .where(and(eq(paymentSchedules.id, id), inScope(paymentSchedules, scope)));
  if (!row) throw scheduleMissing(id);
  return toPaymentSchedule(row);
}

/** Several schedules at once, in one statement (their items ride along). */
async function retrievePaymentSchedules(
  db: Executor,
  scope: Scope,
  ids: string[],
): Promise<PaymentSchedule[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(scheduleColumns)
    .from(paymentSchedules)
    .where(and(inArray(paymentSchedules.id, ids), inScope(paymentSchedules, scope)));
  return rows.map(toPaymentSchedule);
}

/**
 * Newest first on (created_at, id): payment_schedules_created_idx, or with `customer=`
 * payment_schedules_customer_created_idx. Items ride in the same statement.
 */
export async function listPaymentSchedules(
  db: Executor,
  scope: Scope,
  params: PaymentScheduleListQuery,
) {
  const keyset = keysetFor(paymentSchedules, scope, params);
  const rows = await db
    .select(scheduleColumns)
    .from(paymentSchedules)
    .where(
      and(
        inScope(paymentSchedules, scope),
        params.customer !== undefined
          ? eq(paymentSchedules.customerId, params.customer)
          : undefined,
        keyset.where,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(params.limit + 1);
  if (rows.length === 0) await assertCursorExists(db, paymentSchedules, scope, params);
  const page = toPage(rows, params.limit, keyset.reversed);
  return { data: page.data.map(toPaymentSchedule), hasMore: page.hasMore };
}

/**
 * Cancel what remains of these (row-locked, in-scope) schedules: their `scheduled` items become
 * `canceled` and the schedules `canceled` at `at`. Charged items keep their status. An item whose
 * billing attempt is already recorded is a charge in flight that billing will finish with its
 * key, so it is left to that: its outcome is the truth, not this cancel.
 */
async function cancelRemaining(tx: Executor, scope: Scope, scheduleIds: string[], at: Date) {
  if (scheduleIds.length === 0) return;
  const remaining = and(
    inScope(paymentScheduleItems, scope),
    inArray(paymentScheduleItems.scheduleId, scheduleIds),
    eq(paymentScheduleItems.status, 'scheduled'),
  );
  // Lock first, then look for attempts in a new statement: a billing pass that claimed an item
  // commits its attempt before this lock is granted, and only a later snapshot sees it.
  await tx
    .select({ id: paymentScheduleItems.id })
    .from(paymentScheduleItems)
    .where(remaining)
    .for('update');
  await tx
    .update(paymentScheduleItems)
    .set({ status: 'canceled' })
    .where(
      and(
        remaining,
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
    );
  await tx
    .update(paymentSchedules)
    .set({ status: 'canceled', canceledAt: at, updatedAt: sql`now()` })
    .where(and(inScope(paymentSchedules, scope), inArray(paymentSchedules.id, scheduleIds)));
}

/**
 * Cancel the remaining items. Canceling a canceled schedule answers it as it is; so does
 * canceling a completed one, which has nothing left to cancel.
 */
export async function cancelPaymentSchedule(
  db: Executor,
  scope: Scope,
  id: string,
  at: Date,
  outbox: Outbox,
): Promise<PaymentSchedule> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: paymentSchedules.status })
      .from(paymentSchedules)
      .where(and(eq(paymentSchedules.id, id), inScope(paymentSchedules, scope)))
      .for('update');
    if (!current) throw scheduleMissing(id);
    if (current.status !== 'active') return retrievePaymentSchedule(tx, scope, id);
    await cancelRemaining(tx, scope, [id], at);
    const schedule = await retrievePaymentSchedule(tx, scope, id);
    await outbox.record(tx, scope, [
      { type: 'payment_schedule.canceled', object: schedule, customerId: schedule.customer },
    ]);
    return schedule;
  });
}

/**
 * A deleted customer's active schedules are canceled with them, in the delete's transaction (the
 * caller's `tx`). Answers the schedules it canceled, for their events.
 */
export async function cancelSchedulesOfCustomer(
  tx: Executor,
  scope: Scope,
  customerId: string,
  at: Date,
): Promise<PaymentSchedule[]> {
  const active = await tx
    .select({ id: paymentSchedules.id })
    .from(paymentSchedules)
    .where(
      and(
        inScope(paymentSchedules, scope),
        eq(paymentSchedules.customerId, customerId),
        eq(paymentSchedules.status, 'active'),
      ),
    )
    .for('update');
  await cancelRemaining(
    tx,
    scope,
    active.map((row) => row.id),
    at,
  );
  return retrievePaymentSchedules(
    tx,
    scope,
    active.map((row) => row.id),
  );
}

/**
 * For billing, after it settles an item: an active schedule with no `scheduled` item left is
 * `completed` (a canceled one stays canceled). Answers whether it completed the schedule now.
 */
export async function refreshScheduleStatus(
  tx: Executor,
  accountId: string,
  scheduleId: string,
): Promise<boolean> {
  const completed = await tx
    .update(paymentSchedules)
    .set({ status: 'completed', updatedAt: sql`now()` })
    .where(
      and(
        eq(paymentSchedules.accountId, accountId),
        eq(paymentSchedules.id, scheduleId),
        eq(paymentSchedules.status, 'active'),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(paymentScheduleItems)
            .where(
              and(
                eq(paymentScheduleItems.accountId, accountId),
                eq(paymentScheduleItems.scheduleId, scheduleId),
                eq(paymentScheduleItems.status, 'scheduled'),
              ),
            ),
        ),
      ),
    )
    .returning({ id: paymentSchedules.id });
  return completed.length > 0;
}
