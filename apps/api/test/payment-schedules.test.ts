import { TRPCClientError } from '@trpc/client';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MAX_SCHEDULE_ITEMS, type PaymentSchedule } from '@peasswap/domain';
import { processorDecider } from '../src/billing/charges.js';
import { runBilling } from '../src/billing/engine.js';
import { rowsOf, type Executor } from '../src/db/client.js';
import { paymentScheduleItems, paymentSchedules } from '../src/db/schema/index.js';
import {
  cancelSchedulesOfCustomer,
  listPaymentSchedules,
  refreshScheduleStatus,
  retrievePaymentSchedule,
} from '../src/queries/payment-schedules.js';
import { simulatedProcessor } from '../src/payments/processor.js';
import {
  http,
  newAccount,
  restrictedKey,
  serverWithAccount,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestAccount,
} from './harness.js';

const { server, account } = serverWithAccount();

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

async function newCustomer(key = account.testKey) {
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Scheduled Payer', email: uniqueEmail('sched') },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.id as string;
}

const createSchedule = (body: Record<string, unknown>, key = account.testKey) =>
  http<PaymentSchedule & { error: { code: string; param?: string } }>(
    server,
    'POST',
    '/v1/payment_schedules',
    { key, body },
  );

/** A schedule of `items` for a new customer of the key's account; fails the test if refused. */
async function scheduleFor(
  items: Array<{ amount: number; dueAt: string }>,
  key = account.testKey,
  extra: Record<string, unknown> = {},
) {
  const customer = await newCustomer(key);
  const res = await createSchedule({ customer, currency: 'usd', items, ...extra }, key);
  expect(res.status, res.text).toBe(200);
  return { customer, schedule: res.body as PaymentSchedule };
}

const billingRun = (at: string, key: string) =>
  http(server, 'POST', '/v1/test_helpers/billing/run', { key, body: { at } });

const scopeOf = (of: TestAccount) => ({ accountId: of.accountId, livemode: false });

describe('payment schedules: happy paths', () => {
  it('creates a one-item schedule over REST and retrieves the same object', async () => {
    const customer = await newCustomer();
    const dueAt = inDays(30);
    const created = await createSchedule({
      customer,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      items: [{ amount: 4200, dueAt }],
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^sched_[0-9A-Za-z]{24}$/) as string,
      object: 'payment_schedule',
      customer,
      paymentMethod: 'pm_card_visa',
      currency: 'eur',
      status: 'active',
      items: [{ amount: 4200, dueAt, status: 'scheduled', payment: null }],
      canceledAt: null,
      livemode: false,
      createdAt: expect.any(String) as string,
    });
    const retrieved = await http(server, 'GET', `/v1/payment_schedules/${created.body.id}`, {
      key: account.testKey,
    });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual(created.body);
  });

  it('keeps 100 items in due order, equal times in the order sent; 101 is refused naming items', async () => {
    const customer = await newCustomer();
    // Sent newest first, with amounts telling the input order apart at equal due times.
    const items = Array.from({ length: MAX_SCHEDULE_ITEMS }, (_, i) => ({
      amount: i + 1,
      dueAt: inDays(200 - Math.floor(i / 2)),
    }));
    const created = await createSchedule({ customer, currency: 'usd', items });
    expect(created.status, created.text).toBe(200);
    const stored = created.body.items;
    expect(stored).toHaveLength(MAX_SCHEDULE_ITEMS);
    const dueTimes = stored.map((item) => Date.parse(item.dueAt));
    expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
    expect(stored.slice(0, 4).map((item) => item.amount)).toEqual([99, 100, 97, 98]);
    expect(stored.every((item) => item.status === 'scheduled')).toBe(true);

    const tooMany = await createSchedule({
      customer,
      currency: 'usd',
      items: [...items, { amount: 1, dueAt: inDays(1) }],
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'parameter_invalid', param: 'items' });
  });

  it('accepts a due time in the past, and billing charges it at its next pass', async () => {
    const billed = await newAccount('Schedule billing');
    const { customer, schedule } = await scheduleFor(
      [
        { amount: 500, dueAt: inDays(-1) },
        { amount: 700, dueAt: inDays(10) },
      ],
      billed.testKey,
    );
    expect(schedule.items.map((item) => item.status)).toEqual(['scheduled', 'scheduled']);

    expect((await billingRun(new Date().toISOString(), billed.testKey)).body).toMatchObject({
      charged: 1,
      failed: 0,
    });
    const afterFirst = await http(server, 'GET', `/v1/payment_schedules/${schedule.id}`, {
      key: billed.testKey,
    });
    const [first, second] = afterFirst.body.items;
    expect(first).toMatchObject({ status: 'succeeded', payment: expect.stringMatching(/^pay_/) });
    expect(second).toMatchObject({ status: 'scheduled', payment: null });
    expect(afterFirst.body.status).toBe('active');
    const payment = await http(server, 'GET', `/v1/payments/${first.payment}`, {
      key: billed.testKey,
    });
    expect(payment.body).toMatchObject({ customer, amount: 500, paymentSchedule: schedule.id });

    await billingRun(inDays(11), billed.testKey);
    const done = await http(server, 'GET', `/v1/payment_schedules/${schedule.id}`, {
      key: billed.testKey,
    });
    expect(done.body.status).toBe('completed');
    expect(done.body.items.map((item: { status: string }) => item.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('lists newest first, filters by customer=, and pages by cursor both ways', async () => {
    const customer = await newCustomer();
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await createSchedule({
        customer,
        currency: 'usd',
        items: [{ amount: 100 + i, dueAt: inDays(5) }],
      });
      made.push(res.body.id);
    }
    await scheduleFor([{ amount: 1, dueAt: inDays(5) }]); // someone else's, filtered out
    const list = (query: string) =>
      http(server, 'GET', `/v1/payment_schedules?customer=${customer}&${query}`, {
        key: account.testKey,
      });

    const all = await list('limit=100');
    expect(all.body).toMatchObject({
      object: 'list',
      hasMore: false,
      url: '/v1/payment_schedules',
    });
    expect(all.body.data.map((s: PaymentSchedule) => s.id)).toEqual([...made].reverse());
    expect(all.body.data[0].items).toEqual([
      { amount: 104, dueAt: expect.any(String), status: 'scheduled', payment: null },
    ]);

    const first = await list('limit=2');
    expect(first.body.hasMore).toBe(true);
    expect(first.body.data.map((s: PaymentSchedule) => s.id)).toEqual([made[4], made[3]]);
    const next = await list(`limit=2&startingAfter=${made[3]}`);
    expect(next.body.data.map((s: PaymentSchedule) => s.id)).toEqual([made[2], made[1]]);
    const last = await list(`limit=2&startingAfter=${made[1]}`);
    expect(last.body).toMatchObject({ hasMore: false });
    expect(last.body.data.map((s: PaymentSchedule) => s.id)).toEqual([made[0]]);
    const back = await list(`limit=2&endingBefore=${made[2]}`);
    expect(back.body.data.map((s: PaymentSchedule) => s.id)).toEqual([made[4], made[3]]);

    const unfiltered = await http(server, 'GET', '/v1/payment_schedules?limit=100', {
      key: account.testKey,
    });
    expect(unfiltered.body.data.length).toBeGreaterThan(made.length);
  });

  it('cancels the remaining items; charged ones keep their status and payment; twice is fine', async () => {
    const billed = await newAccount('Schedule cancel');
    const { schedule } = await scheduleFor(
      [
        { amount: 300, dueAt: inDays(-2) },
        { amount: 400, dueAt: inDays(-1) },
        { amount: 500, dueAt: inDays(3) },
        { amount: 600, dueAt: inDays(9) },
      ],
      billed.testKey,
      { paymentMethod: 'pm_card_visa' },
    );
    await billingRun(new Date().toISOString(), billed.testKey);

    const before = Date.now();
    const canceled = await http(server, 'POST', `/v1/payment_schedules/${schedule.id}/cancel`, {
      key: billed.testKey,
    });
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect(Date.parse(canceled.body.canceledAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(canceled.body.items.map((item: { status: string }) => item.status)).toEqual([
      'succeeded',
      'succeeded',
      'canceled',
      'canceled',
    ]);
    expect(canceled.body.items[0].payment).toMatch(/^pay_/);
    expect(canceled.body.items[2].payment).toBeNull();

    const again = await http(server, 'POST', `/v1/payment_schedules/${schedule.id}/cancel`, {
      key: billed.testKey,
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(canceled.body);
    // Nothing canceled is ever charged.
    expect((await billingRun(inDays(30), billed.testKey)).body).toMatchObject({ charged: 0 });
  });

  it('an Idempotency-Key retry replays the first schedule and stores no second one', async () => {
    const customer = await newCustomer();
    const body = { customer, currency: 'usd', items: [{ amount: 250, dueAt: inDays(7) }] };
    const headers = { 'idempotency-key': `sched-${customer}` };
    const send = () =>
      http(server, 'POST', '/v1/payment_schedules', { key: account.testKey, body, headers });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    const listed = await http(server, 'GET', `/v1/payment_schedules?customer=${customer}`, {
      key: account.testKey,
    });
    expect(listed.body.data.map((s: PaymentSchedule) => s.id)).toEqual([first.body.id]);
  });

  it('serves create, list, retrieve and cancel over tRPC with the same objects', async () => {
    const client = trpcClient(server, account.testKey);
    const customer = await newCustomer();
    const created = await client.paymentSchedules.create.mutate({
      customer,
      currency: 'gbp',
      items: [
        { amount: 900, dueAt: inDays(20) },
        { amount: 800, dueAt: inDays(10) },
      ],
    });
    expect(created).toMatchObject({
      object: 'payment_schedule',
      currency: 'gbp',
      status: 'active',
    });
    expect(created.items.map((item) => item.amount)).toEqual([800, 900]);
    expect(await client.paymentSchedules.retrieve.query({ id: created.id })).toEqual(created);
    const listed = await client.paymentSchedules.list.query({ customer });
    expect(listed).toEqual({
      object: 'list',
      data: [created],
      hasMore: false,
      url: '/v1/payment_schedules',
    });
    const rest = await http(server, 'GET', `/v1/payment_schedules/${created.id}`, {
      key: account.testKey,
    });
    expect(rest.body).toEqual(created);
    const canceled = await client.paymentSchedules.cancel.mutate({ id: created.id });
    expect(canceled.items.map((item) => item.status)).toEqual(['canceled', 'canceled']);
    expect(canceled.status).toBe('canceled');
  });
});

describe('payment schedules: errors', () => {
  const valid = { currency: 'usd', items: [{ amount: 100, dueAt: '2030-01-01T00:00:00Z' }] };

  describe.each([
    ['a missing customer', { customer: undefined }, 'parameter_missing', 'customer'],
    ['a bad currency', { currency: 'abc' }, 'parameter_invalid', 'currency'],
    [
      'an amount of 0',
      { items: [{ amount: 0, dueAt: valid.items[0]?.dueAt }] },
      'parameter_invalid',
      'items.0.amount',
    ],
    [
      'a fractional amount',
      { items: [{ amount: 1.5, dueAt: valid.items[0]?.dueAt }] },
      'parameter_invalid',
      'items.0.amount',
    ],
    [
      'a bad dueAt',
      { items: [{ amount: 100, dueAt: 'next tuesday' }] },
      'parameter_invalid',
      'items.0.dueAt',
    ],
    ['a missing dueAt', { items: [{ amount: 100 }] }, 'parameter_missing', 'items.0.dueAt'],
    ['no items', { items: [] }, 'parameter_invalid', 'items'],
    ['an unknown field', { color: 'blue' }, 'parameter_unknown', 'color'],
    [
      'an unknown item field',
      { items: [{ ...valid.items[0], memo: 'x' }] },
      'parameter_unknown',
      'items.0.memo',
    ],
  ])('refuses %s', (_label, change, code, param) => {
    const body = async () => {
      const merged: Record<string, unknown> = {
        customer: await newCustomer(),
        ...valid,
        ...change,
      };
      return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
    };

    it('over REST with 400 naming the field, storing nothing', async () => {
      const input = await body();
      const res = await createSchedule(input);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
      if (typeof input.customer === 'string') {
        const listed = await http(
          server,
          'GET',
          `/v1/payment_schedules?customer=${input.customer}`,
          {
            key: account.testKey,
          },
        );
        expect(listed.body.data).toEqual([]);
      }
    });

    it('over tRPC with the same code and param', async () => {
      const input = await body();
      const call = trpcClient(server, account.testKey).paymentSchedules.create.mutate(
        input as never,
      );
      await expect(call).rejects.toBeInstanceOf(TRPCClientError);
      await expect(call).rejects.toMatchObject({ data: { code, param, httpStatus: 400 } });
    });
  });

  it('refuses a customer that is unknown, deleted or another account’s: 400 resource_missing', async () => {
    const deleted = await newCustomer();
    await http(server, 'DELETE', `/v1/customers/${deleted}`, { key: account.testKey });
    const other = await newAccount('Other merchant');
    const foreign = await newCustomer(other.testKey);
    const liveOne = await newCustomer(account.liveKey);
    for (const customer of ['cus_doesnotexist', deleted, foreign, liveOne]) {
      const res = await createSchedule({ customer, ...valid });
      expect(res.status, customer).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    }
  });

  it('refuses a payment method that may not bill the customer: 400 resource_missing', async () => {
    const customer = await newCustomer();
    for (const paymentMethod of ['pm_doesnotexist', 'card_visa']) {
      const res = await createSchedule({ customer, paymentMethod, ...valid });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'paymentMethod' });
    }
    for (const paymentMethod of [
      'pm_card_chargeDeclined',
      'pm_card_chargeDeclinedInsufficientFunds',
    ]) {
      const res = await createSchedule({ customer, paymentMethod, ...valid });
      expect(res.status).toBe(200);
      expect(res.body.paymentMethod).toBe(paymentMethod);
    }
  });

  it('takes a saved card only when it is attached to that customer, and bills it when due', async () => {
    const billed = await newAccount('Saved cards');
    const card = (number: string) => ({
      number,
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 3,
      cvc: '123',
    });
    const saveCard = async (key: string, number: string, customer?: string) => {
      const res = await http(server, 'POST', '/v1/payment_methods', {
        key,
        body: { type: 'card', card: card(number), ...(customer && { customer }) },
      });
      expect(res.status, res.text).toBe(200);
      return res.body.id as string;
    };
    const holder = await newCustomer(billed.testKey);
    const visa = await saveCard(billed.testKey, '4242424242424242', holder);
    const declinesCharges = await saveCard(billed.testKey, '4000000000000341', holder);
    const unattached = await saveCard(billed.testKey, '4242424242424242');
    const otherCustomers = await saveCard(
      billed.testKey,
      '4242424242424242',
      await newCustomer(billed.testKey),
    );
    const otherAccounts = await saveCard(account.testKey, '4242424242424242', await newCustomer());
    const liveOnes = await saveCard(
      billed.liveKey,
      '4242424242424242',
      await newCustomer(billed.liveKey),
    );

    for (const paymentMethod of [unattached, otherCustomers, otherAccounts, liveOnes]) {
      const refused = await createSchedule(
        {
          customer: holder,
          paymentMethod,
          currency: 'usd',
          items: [{ amount: 1, dueAt: inDays(1) }],
        },
        billed.testKey,
      );
      expect(refused.status, paymentMethod).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 'resource_missing',
        param: 'paymentMethod',
      });
    }

    const schedule = async (paymentMethod: string) => {
      const res = await createSchedule(
        {
          customer: holder,
          paymentMethod,
          currency: 'usd',
          items: [{ amount: 900, dueAt: inDays(-1) }],
        },
        billed.testKey,
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.paymentMethod).toBe(paymentMethod);
      return res.body.id;
    };
    const good = await schedule(visa);
    const bad = await schedule(declinesCharges);
    expect((await billingRun(new Date().toISOString(), billed.testKey)).body).toMatchObject({
      charged: 1,
      failed: 1,
    });
    const read = async (id: string) =>
      (await http(server, 'GET', `/v1/payment_schedules/${id}`, { key: billed.testKey })).body;
    expect(await read(good)).toMatchObject({
      status: 'completed',
      items: [{ status: 'succeeded' }],
    });
    // A failed item is not retried, and it leaves nothing scheduled: the schedule is done.
    expect(await read(bad)).toMatchObject({ status: 'completed', items: [{ status: 'failed' }] });
    expect((await billingRun(inDays(30), billed.testKey)).body).toMatchObject({ failed: 0 });
  });

  it('answers an unknown id with 404 and an unknown cursor with 400', async () => {
    for (const [method, path] of [
      ['GET', '/v1/payment_schedules/sched_doesnotexist'],
      ['POST', '/v1/payment_schedules/sched_doesnotexist/cancel'],
    ] as const) {
      const res = await http(server, method, path, { key: account.testKey });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    const cursor = await http(server, 'GET', '/v1/payment_schedules?startingAfter=sched_nope', {
      key: account.testKey,
    });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error).toMatchObject({ code: 'resource_missing', param: 'startingAfter' });
  });
});

describe('payment schedules: security', () => {
  it('another account’s or environment’s schedule is a 404 like an unknown id', async () => {
    const { customer, schedule } = await scheduleFor([{ amount: 100, dueAt: inDays(3) }]);
    const other = await newAccount('Prying merchant');
    for (const key of [other.testKey, other.liveKey, account.liveKey]) {
      const retrieve = await http(server, 'GET', `/v1/payment_schedules/${schedule.id}`, { key });
      expect(retrieve.status).toBe(404);
      expect(retrieve.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
      const cancel = await http(server, 'POST', `/v1/payment_schedules/${schedule.id}/cancel`, {
        key,
      });
      expect(cancel.status).toBe(404);
      const listed = await http(server, 'GET', `/v1/payment_schedules?customer=${customer}`, {
        key,
      });
      expect(listed.body.data).toEqual([]);
      const cursor = await http(
        server,
        'GET',
        `/v1/payment_schedules?startingAfter=${schedule.id}`,
        { key },
      );
      expect(cursor.status).toBe(400);
      await expect(
        trpcClient(server, key).paymentSchedules.retrieve.query({ id: schedule.id }),
      ).rejects.toMatchObject({ data: { code: 'resource_missing', httpStatus: 404 } });
    }
    const untouched = await http(server, 'GET', `/v1/payment_schedules/${schedule.id}`, {
      key: account.testKey,
    });
    expect(untouched.body.status).toBe('active');
  });

  it('needs subscriptions:read to read and subscriptions:write to write', async () => {
    const { customer, schedule } = await scheduleFor([{ amount: 100, dueAt: inDays(3) }]);
    const calls = [
      [
        'POST',
        '/v1/payment_schedules',
        { customer, ...{ currency: 'usd' }, items: [{ amount: 1, dueAt: inDays(1) }] },
      ],
      ['POST', `/v1/payment_schedules/${schedule.id}/cancel`, undefined],
      ['GET', '/v1/payment_schedules', undefined],
      ['GET', `/v1/payment_schedules/${schedule.id}`, undefined],
    ] as const;
    const noBilling = await restrictedKey(account.accountId, [
      'customers:read',
      'customers:write',
      'payments:read',
      'payments:write',
    ]);
    for (const [method, path, body] of calls) {
      const res = await http(server, method, path, { key: noBilling, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({
        type: 'permission_error',
        code: 'insufficient_permissions',
      });
    }
    await expect(
      trpcClient(server, noBilling).paymentSchedules.list.query({}),
    ).rejects.toMatchObject({ data: { code: 'insufficient_permissions', httpStatus: 403 } });

    const readOnly = await restrictedKey(account.accountId, ['subscriptions:read']);
    const [create, cancel, list, retrieve] = await Promise.all(
      calls.map(([method, path, body]) => http(server, method, path, { key: readOnly, body })),
    );
    expect([create?.status, cancel?.status, list?.status, retrieve?.status]).toEqual([
      403, 403, 200, 200,
    ]);
  });
});

/** Counts the statements a query function starts through its executor. */
function countingExecutor(db: Executor) {
  const counter = { statements: 0 };
  const executor = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.statements += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { executor, counter };
}

describe('payment schedules: queries for billing and customer deletion', () => {
  it('a page of 100 schedules with their items is one statement', async () => {
    const { db } = await testDatabase();
    const bulk = await newAccount('Many schedules');
    const customer = await newCustomer(bulk.testKey);
    await Promise.all(
      Array.from({ length: 101 }, (_, i) =>
        createSchedule(
          {
            customer,
            currency: 'usd',
            items: [
              { amount: i + 1, dueAt: inDays(1) },
              { amount: i + 2, dueAt: inDays(2) },
            ],
          },
          bulk.testKey,
        ),
      ),
    );
    const { executor, counter } = countingExecutor(db);
    const page = await listPaymentSchedules(executor, scopeOf(bulk), { limit: 100 });
    expect(counter.statements).toBe(1);
    expect(page.data).toHaveLength(100);
    expect(page.hasMore).toBe(true);
    expect(page.data.every((s) => s.items.length === 2)).toBe(true);
  });

  it('lists a customer’s schedules on the index that matches, without a sort', async () => {
    const { db } = await testDatabase();
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return rowsOf<Record<string, string>>(
        await tx.execute(sql`explain select id from payment_schedules
          where account_id = ${account.accountId} and livemode = false and customer_id = 'cus_x'
          order by created_at desc, id desc limit 11`),
      );
    });
    const text = plan.map((row) => Object.values(row).join(' ')).join('\n');
    expect(text).toContain('payment_schedules_customer_created_idx');
    expect(text).not.toMatch(/\bSort\b/);
  });

  it('cancelSchedulesOfCustomer cancels only that customer’s active schedules, in scope', async () => {
    const { db } = await testDatabase();
    const owner = await newAccount('Deleting merchant');
    const customer = await newCustomer(owner.testKey);
    const make = async (forCustomer: string) =>
      (
        await createSchedule(
          { customer: forCustomer, currency: 'usd', items: [{ amount: 10, dueAt: inDays(4) }] },
          owner.testKey,
        )
      ).body;
    const [active, alreadyCanceled, bystander] = [
      await make(customer),
      await make(customer),
      await make(await newCustomer(owner.testKey)),
    ];
    await http(server, 'POST', `/v1/payment_schedules/${alreadyCanceled.id}/cancel`, {
      key: owner.testKey,
    });
    const canceledBefore = (
      await http(server, 'GET', `/v1/payment_schedules/${alreadyCanceled.id}`, {
        key: owner.testKey,
      })
    ).body;

    const at = new Date('2031-05-06T07:08:09.000Z');
    // The wrong environment finds nothing: its scope never holds this customer's schedules.
    expect(
      await db.transaction((tx) =>
        cancelSchedulesOfCustomer(tx, { ...scopeOf(owner), livemode: true }, customer, at),
      ),
    ).toEqual([]);
    expect(
      (
        await db.transaction((tx) => cancelSchedulesOfCustomer(tx, scopeOf(owner), customer, at))
      ).map((schedule) => schedule.id),
    ).toEqual([active.id]);

    const scope = scopeOf(owner);
    expect(await retrievePaymentSchedule(db, scope, active.id)).toMatchObject({
      status: 'canceled',
      canceledAt: at.toISOString(),
      items: [{ status: 'canceled' }],
    });
    expect(await retrievePaymentSchedule(db, scope, alreadyCanceled.id)).toEqual(canceledBefore);
    expect(await retrievePaymentSchedule(db, scope, bystander.id)).toEqual(bystander);
  });

  it('refreshScheduleStatus completes an active schedule once no item is scheduled', async () => {
    const { db } = await testDatabase();
    const scope = scopeOf(account);
    const { schedule } = await scheduleFor([
      { amount: 10, dueAt: inDays(1) },
      { amount: 20, dueAt: inDays(2) },
    ]);
    const settle = (position: number, status: 'succeeded' | 'failed') =>
      db
        .update(paymentScheduleItems)
        .set({ status })
        .where(
          sql`${paymentScheduleItems.scheduleId} = ${schedule.id} and ${paymentScheduleItems.position} = ${position}`,
        );

    await settle(0, 'succeeded');
    expect(await refreshScheduleStatus(db, scope.accountId, schedule.id)).toBe(false);
    expect((await retrievePaymentSchedule(db, scope, schedule.id)).status).toBe('active');
    await settle(1, 'failed');
    expect(await refreshScheduleStatus(db, scope.accountId, schedule.id)).toBe(true);
    expect((await retrievePaymentSchedule(db, scope, schedule.id)).status).toBe('completed');
    expect(await refreshScheduleStatus(db, scope.accountId, schedule.id)).toBe(false);

    // A canceled schedule stays canceled, and canceling a completed one changes nothing.
    const { schedule: other } = await scheduleFor([{ amount: 10, dueAt: inDays(1) }]);
    await http(server, 'POST', `/v1/payment_schedules/${other.id}/cancel`, {
      key: account.testKey,
    });
    expect(await refreshScheduleStatus(db, scope.accountId, other.id)).toBe(false);
    expect((await retrievePaymentSchedule(db, scope, other.id)).status).toBe('canceled');
    const completed = await http(server, 'POST', `/v1/payment_schedules/${schedule.id}/cancel`, {
      key: account.testKey,
    });
    expect(completed.body).toMatchObject({ status: 'completed', canceledAt: null });
  });

  it('a charge already in flight when the schedule is canceled is finished by billing', async () => {
    const { db } = await testDatabase();
    const billed = await newAccount('In flight');
    const { schedule } = await scheduleFor(
      [
        { amount: 111, dueAt: inDays(-1) },
        { amount: 222, dueAt: inDays(5) },
      ],
      billed.testKey,
    );
    const options = {
      at: new Date(),
      scope: scopeOf(billed),
      decide: processorDecider(simulatedProcessor),
    };
    // A pass that records its attempt and dies before charging.
    await expect(
      runBilling(db, {
        ...options,
        onAttemptRecorded: () => {
          throw new Error('crash after the attempt was recorded');
        },
      }),
    ).rejects.toThrow('crash');

    const canceled = await http(server, 'POST', `/v1/payment_schedules/${schedule.id}/cancel`, {
      key: billed.testKey,
    });
    expect(canceled.body.status).toBe('canceled');
    expect(canceled.body.items.map((item: { status: string }) => item.status)).toEqual([
      'scheduled',
      'canceled',
    ]);

    expect(await runBilling(db, options)).toMatchObject({ charged: 1, recovered: 1 });
    const after = await retrievePaymentSchedule(db, scopeOf(billed), schedule.id);
    expect(after.status).toBe('canceled');
    expect(after.items.map((item) => item.status)).toEqual(['succeeded', 'canceled']);
    const [row] = await db
      .select({ status: paymentSchedules.status })
      .from(paymentSchedules)
      .where(eq(paymentSchedules.id, schedule.id));
    expect(row?.status).toBe('canceled');
  });
});

describe('payment schedules: OpenAPI', () => {
  it('documents the four routes with described fields', async () => {
    const { body: document } = await http(server, 'GET', '/openapi.json');
    expect(Object.keys(document.paths['/v1/payment_schedules']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/payment_schedules/{id}'])).toEqual(['get']);
    expect(Object.keys(document.paths['/v1/payment_schedules/{id}/cancel'])).toEqual(['post']);
    const list = document.paths['/v1/payment_schedules'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'customer',
      'endingBefore',
      'limit',
      'startingAfter',
    ]);
    for (const parameter of list.parameters) expect(parameter.description).toBeTruthy();
    const schema = document.components.schemas.PaymentSchedule;
    for (const [name, field] of Object.entries<{ description?: string }>(schema.properties)) {
      expect(field.description, name).toBeTruthy();
    }
    const body =
      document.paths['/v1/payment_schedules'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties).sort()).toEqual([
      'currency',
      'customer',
      'items',
      'paymentMethod',
    ]);
    for (const [name, field] of Object.entries<{ description?: string }>(body.properties)) {
      expect(field.description, name).toBeTruthy();
    }
  });
});
