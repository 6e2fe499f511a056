import { beforeEach, describe, expect, it } from 'vitest';
import {
  http,
  newAccount,
  restrictedKey,
  serverWithAccount,
  trpcClient,
  uniqueEmail,
  type TestAccount,
} from './harness.js';

const { server } = serverWithAccount();

// A fresh account per test: a billing run acts on the whole account (its test environment), so
// each test counts only its own charges.
let account: TestAccount;
beforeEach(async () => {
  account = await newAccount('Billing merchant');
});

const DAY = 86_400_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

async function newCustomer(key: string) {
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Subscriber', email: uniqueEmail('sub') },
  });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

async function subscribe(body: Record<string, unknown>, key: string = account.testKey) {
  const customer = await newCustomer(key);
  const res = await http(server, 'POST', '/v1/subscriptions', {
    key,
    body: { customer, amount: 1500, currency: 'usd', interval: 'month', ...body },
  });
  return { customer, res };
}

const billingRun = (at: string, key: string = account.testKey) =>
  http(server, 'POST', '/v1/test_helpers/billing/run', { key, body: { at } });

const retrieve = async (id: string) =>
  (await http(server, 'GET', `/v1/subscriptions/${id}`, { key: account.testKey })).body;

const paymentsOf = async (customer: string) =>
  (
    await http(server, 'GET', `/v1/customers/${customer}/payments?limit=100`, {
      key: account.testKey,
    })
  ).body.data as Array<{ status: string; failureCode: string | null; subscription: string | null }>;

describe('creating a subscription', () => {
  it('without a trial charges the first period at once and is active', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    expect(res.status, res.text).toBe(200);
    const sub = res.body;
    expect(sub).toMatchObject({
      object: 'subscription',
      customer,
      status: 'active',
      amount: 1500,
      currency: 'usd',
      interval: 'month',
      intervalCount: 1,
      cancelAtPeriodEnd: false,
      trialStart: null,
      trialEnd: null,
      livemode: false,
    });
    expect(sub.currentPeriodStart).toBe(sub.billingCycleAnchor);
    const payments = await paymentsOf(customer);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      status: 'succeeded',
      subscription: sub.id,
      paymentSchedule: null,
    });
    expect(sub.latestPayment).toBe((payments[0] as { id?: string }).id);
    const analytics = await http(server, 'GET', `/v1/customers/${customer}/analytics`, {
      key: account.testKey,
    });
    expect(analytics.body).toMatchObject({
      totalPayments: 1,
      volume: [{ currency: 'usd', total: 1500 }],
    });
  });

  it('whose first charge fails is incomplete, never active, never retried', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_chargeDeclined' });
    expect(res.body.status).toBe('incomplete');
    const run = await billingRun(plus(res.body.currentPeriodEnd, 40 * DAY));
    expect(run.status).toBe(200);
    expect((await retrieve(res.body.id)).status).toBe('incomplete');
    expect(await paymentsOf(customer)).toHaveLength(1);
  });

  it.each([
    [{ interval: 'week', intervalCount: 53 }, 'intervalCount'],
    [{ interval: 'day', intervalCount: 366 }, 'intervalCount'],
    [{ interval: 'month', intervalCount: 13 }, 'intervalCount'],
    [{ interval: 'year', intervalCount: 2 }, 'intervalCount'],
    [{ interval: 'fortnight' }, 'interval'],
    [{ amount: 0 }, 'amount'],
    [{ currency: 'xyz' }, 'currency'],
    [{ trialPeriodDays: 0 }, 'trialPeriodDays'],
    [{ defaultPaymentMethod: 'pm_nope' }, 'defaultPaymentMethod'],
    [{ customer: 'cus_missing' }, 'customer'],
    [{ color: 'blue' }, 'color'],
  ])('refuses %j naming %s, and stores nothing', async (body, param) => {
    const before = (
      await http(server, 'GET', '/v1/subscriptions?limit=100', { key: account.testKey })
    ).body.data.length;
    const { res } = await subscribe(body);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
    const after = (
      await http(server, 'GET', '/v1/subscriptions?limit=100', { key: account.testKey })
    ).body.data.length;
    expect(after).toBe(before);
  });
});

describe('billing over time', () => {
  it('a trial ends with the first charge; each period is charged once, from the anchor', async () => {
    const { customer, res } = await subscribe({
      trialPeriodDays: 14,
      defaultPaymentMethod: 'pm_card_visa',
    });
    const sub = res.body;
    expect(sub).toMatchObject({
      status: 'trialing',
      trialEnd: sub.billingCycleAnchor,
      currentPeriodEnd: sub.trialEnd,
    });
    expect(Date.parse(sub.trialEnd) - Date.parse(sub.trialStart)).toBe(14 * DAY);
    expect(await paymentsOf(customer)).toHaveLength(0);

    expect((await billingRun(plus(sub.trialEnd, -1000))).body.charged).toBe(0);
    const first = await billingRun(sub.trialEnd);
    expect(first.body).toMatchObject({ object: 'billing_run', charged: 1, failed: 0 });
    const active = await retrieve(sub.id);
    expect(active).toMatchObject({ status: 'active', currentPeriodStart: sub.trialEnd });

    // The same moment again, and again later in the same period: nothing more to charge.
    expect((await billingRun(sub.trialEnd)).body.charged).toBe(0);
    expect((await billingRun(plus(active.currentPeriodEnd, -1000))).body.charged).toBe(0);
    const second = await billingRun(active.currentPeriodEnd);
    expect(second.body.charged).toBe(1);
    const renewed = await retrieve(sub.id);
    expect(renewed.currentPeriodStart).toBe(active.currentPeriodEnd);
    expect(await paymentsOf(customer)).toHaveLength(2);
  });

  it('concurrent passes charge each period exactly once', async () => {
    const subs = await Promise.all(
      Array.from({ length: 5 }, () =>
        subscribe({ trialPeriodDays: 3, defaultPaymentMethod: 'pm_card_visa' }),
      ),
    );
    const at = plus(
      subs
        .map((s) => s.res.body.trialEnd as string)
        .sort()
        .at(-1) ?? '',
      60_000,
    );
    const runs = await Promise.all(Array.from({ length: 6 }, () => billingRun(at)));
    expect(runs.every((run) => run.status === 200)).toBe(true);
    for (const { customer } of subs) expect(await paymentsOf(customer)).toHaveLength(1);
  });

  it('a failed renewal is past_due, retried 3, 5 and 7 days later, then canceled', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const sub = res.body;
    await http(server, 'PUT', `/v1/subscriptions/${sub.id}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' },
    });
    let at = sub.currentPeriodEnd as string;
    expect((await billingRun(at)).body).toMatchObject({ charged: 0, failed: 1 });
    expect(await retrieve(sub.id)).toMatchObject({
      status: 'past_due',
      currentPeriodStart: sub.currentPeriodEnd,
    });
    for (const days of [3, 5]) {
      expect((await billingRun(plus(at, days * DAY - 1000))).body.failed).toBe(0);
      at = plus(at, days * DAY);
      expect((await billingRun(at)).body.failed).toBe(1);
      expect((await retrieve(sub.id)).status).toBe('past_due');
    }
    at = plus(at, 7 * DAY);
    expect((await billingRun(at)).body).toMatchObject({ failed: 1, canceled: 1 });
    expect(await retrieve(sub.id)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'payment_failed',
      endedAt: at,
    });
    expect((await billingRun(plus(at, 400 * DAY))).body.failed).toBe(0);
    const payments = await paymentsOf(customer);
    expect(payments.map((p) => p.status)).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
      'succeeded',
    ]);
  });

  it('a successful retry makes it active again in the same period', async () => {
    const { res } = await subscribe({
      defaultPaymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
      trialPeriodDays: 1,
    });
    const sub = res.body;
    await billingRun(sub.trialEnd);
    expect((await retrieve(sub.id)).status).toBe('past_due');
    await http(server, 'PUT', `/v1/subscriptions/${sub.id}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: 'pm_card_visa' },
    });
    expect((await billingRun(plus(sub.trialEnd, 3 * DAY))).body.charged).toBe(1);
    const recovered = await retrieve(sub.id);
    expect(recovered).toMatchObject({ status: 'active', currentPeriodStart: sub.trialEnd });
  });

  it('a hard decline is not retried', async () => {
    const { res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    await http(server, 'PUT', `/v1/subscriptions/${res.body.id}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: 'pm_card_chargeDeclined' },
    });
    expect((await billingRun(res.body.currentPeriodEnd)).body).toMatchObject({
      failed: 1,
      canceled: 1,
    });
    expect(await retrieve(res.body.id)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'payment_failed',
    });
  });
});

describe('cancellation', () => {
  it('at period end charges nothing more and ends then; undone before, it renews', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const sub = res.body;
    const asked = await http(server, 'PUT', `/v1/subscriptions/${sub.id}`, {
      key: account.testKey,
      body: { cancelAtPeriodEnd: true },
    });
    expect(asked.body).toMatchObject({ cancelAtPeriodEnd: true, status: 'active' });
    expect(asked.body.canceledAt).not.toBeNull();
    const undone = await http(server, 'PUT', `/v1/subscriptions/${sub.id}`, {
      key: account.testKey,
      body: { cancelAtPeriodEnd: false },
    });
    expect(undone.body).toMatchObject({ cancelAtPeriodEnd: false, canceledAt: null });
    await http(server, 'PUT', `/v1/subscriptions/${sub.id}`, {
      key: account.testKey,
      body: { cancelAtPeriodEnd: true },
    });
    expect((await billingRun(sub.currentPeriodEnd)).body).toMatchObject({
      charged: 0,
      canceled: 1,
    });
    expect(await retrieve(sub.id)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'requested',
      endedAt: sub.currentPeriodEnd,
    });
    expect(await paymentsOf(customer)).toHaveLength(1);
  });

  it('now, over REST and tRPC', async () => {
    const { res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const canceled = await http(server, 'DELETE', `/v1/subscriptions/${res.body.id}`, {
      key: account.testKey,
    });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancellationReason: 'requested' });
    expect((await billingRun(plus(res.body.currentPeriodEnd, DAY))).body.charged).toBe(0);
    const other = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const viaTrpc = await trpcClient(server, account.testKey).subscriptions.cancel.mutate({
      id: other.res.body.id,
    });
    expect(viaTrpc.status).toBe('canceled');
  });

  it('when the customer is deleted', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    await http(server, 'DELETE', `/v1/customers/${customer}`, { key: account.testKey });
    expect(await retrieve(res.body.id)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'customer_deleted',
    });
    expect((await billingRun(plus(res.body.currentPeriodEnd, DAY))).body.charged).toBe(0);
  });
});

describe('lists, scope and permissions', () => {
  it('lists newest first, filtered by customer and status', async () => {
    const { customer, res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const trialing = await subscribe({ defaultPaymentMethod: 'pm_card_visa', trialPeriodDays: 7 });
    const canceled = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    await http(server, 'DELETE', `/v1/subscriptions/${canceled.res.body.id}`, {
      key: account.testKey,
    });
    const ids = async (query: string) =>
      (
        await http(server, 'GET', `/v1/subscriptions?${query}`, { key: account.testKey })
      ).body.data.map((s: { id: string }) => s.id);
    expect(await ids('')).toEqual([canceled.res.body.id, trialing.res.body.id, res.body.id]);
    expect(await ids(`customer=${customer}`)).toEqual([res.body.id]);
    expect(await ids('status=canceled')).toEqual([canceled.res.body.id]);
    expect(await ids('status=trialing')).toEqual([trialing.res.body.id]);
    expect(await ids(`limit=1&startingAfter=${trialing.res.body.id}`)).toEqual([res.body.id]);
  });

  it('another account’s or environment’s subscription is a 404', async () => {
    const { res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' });
    const other = await newAccount('Other billing merchant');
    for (const key of [other.testKey, other.liveKey, account.liveKey]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', { cancelAtPeriodEnd: true }],
        ['DELETE', undefined],
      ] as const) {
        const answer = await http(server, method, `/v1/subscriptions/${res.body.id}`, {
          key,
          body,
        });
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('resource_missing');
      }
    }
    // Another account's test billing run does not touch this account's subscriptions.
    expect(
      (await billingRun(plus(res.body.currentPeriodEnd, DAY), other.testKey)).body.charged,
    ).toBe(0);
    expect((await retrieve(res.body.id)).latestPayment).toBe(res.body.latestPayment);
  });

  it('the billing test helper is test mode only: a live key gets 404', async () => {
    const live = await billingRun(new Date().toISOString(), account.liveKey);
    expect(live.status).toBe(404);
    expect(live.body.error.code).toBe('route_missing');
  });

  it('needs subscriptions:read and subscriptions:write', async () => {
    const readOnly = await restrictedKey(account.accountId, [
      'subscriptions:read',
      'customers:write',
    ]);
    const { res } = await subscribe({ defaultPaymentMethod: 'pm_card_visa' }, readOnly);
    expect(res.status).toBe(403);
    expect((await http(server, 'GET', '/v1/subscriptions', { key: readOnly })).status).toBe(200);
    const none = await restrictedKey(account.accountId, ['customers:read']);
    expect((await http(server, 'GET', '/v1/subscriptions', { key: none })).status).toBe(403);
  });
});

describe('payment schedules, billed', () => {
  async function schedule(items: Array<{ amount: number; dueAt: string }>, paymentMethod?: string) {
    const customer = await newCustomer(account.testKey);
    const res = await http(server, 'POST', '/v1/payment_schedules', {
      key: account.testKey,
      body: { customer, currency: 'eur', items, ...(paymentMethod && { paymentMethod }) },
    });
    expect(res.status, res.text).toBe(200);
    return { customer, id: res.body.id as string };
  }
  const retrieveSchedule = async (id: string) =>
    (await http(server, 'GET', `/v1/payment_schedules/${id}`, { key: account.testKey })).body;
  const soon = (days: number) => new Date(Date.now() + days * DAY).toISOString();

  it('charges each item once when it is due, then completes', async () => {
    const items = [
      { amount: 1000, dueAt: soon(1) },
      { amount: 2000, dueAt: soon(10) },
    ];
    const { customer, id } = await schedule(items, 'pm_card_visa');
    expect((await billingRun(soon(0.5))).body.charged).toBe(0);
    for (let i = 0; i < 2; i += 1) await billingRun(plus(items[0]?.dueAt ?? '', 1000));
    let current = await retrieveSchedule(id);
    expect(current.items.map((item: { status: string }) => item.status)).toEqual([
      'succeeded',
      'scheduled',
    ]);
    expect((await billingRun(soon(11))).body.charged).toBe(1);
    current = await retrieveSchedule(id);
    expect(current.status).toBe('completed');
    const payments = await paymentsOf(customer);
    expect(payments).toHaveLength(2);
    expect(payments.every((p) => p.status === 'succeeded')).toBe(true);
    expect(current.items.map((item: { payment: string }) => item.payment).sort()).toEqual(
      (payments as unknown as Array<{ id: string }>).map((p) => p.id).sort(),
    );
  });

  it('a failed item is not retried', async () => {
    const { customer, id } = await schedule(
      [{ amount: 500, dueAt: soon(1) }],
      'pm_card_chargeDeclinedInsufficientFunds',
    );
    expect((await billingRun(soon(2))).body.failed).toBe(1);
    expect((await billingRun(soon(30))).body.failed).toBe(0);
    expect((await retrieveSchedule(id)).items[0]).toMatchObject({ status: 'failed' });
    expect(await paymentsOf(customer)).toHaveLength(1);
  });

  it('deleting the customer cancels the remaining items', async () => {
    const { customer, id } = await schedule([{ amount: 700, dueAt: soon(3) }], 'pm_card_visa');
    await http(server, 'DELETE', `/v1/customers/${customer}`, { key: account.testKey });
    expect(await retrieveSchedule(id)).toMatchObject({ status: 'canceled' });
    expect((await billingRun(soon(5))).body.charged).toBe(0);
  });
});

describe('billing with saved cards', () => {
  async function customerWithDefaultCard(number: string) {
    const customer = await newCustomer(account.testKey);
    const card = await http(server, 'POST', '/v1/payment_methods', {
      key: account.testKey,
      body: { type: 'card', card: { number, expMonth: 12, expYear: 2034, cvc: '123' }, customer },
    });
    expect(card.status, card.text).toBe(200);
    const updated = await http(server, 'PUT', `/v1/customers/${customer}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: card.body.id },
    });
    expect(updated.status, updated.text).toBe(200);
    return { customer, card: card.body.id as string };
  }

  const subscribeWithout = async (customer: string, extra: Record<string, unknown> = {}) => {
    const res = await http(server, 'POST', '/v1/subscriptions', {
      key: account.testKey,
      body: { customer, amount: 990, currency: 'usd', interval: 'week', ...extra },
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('charges the customer’s default card when the subscription names none', async () => {
    const { customer, card } = await customerWithDefaultCard('4242424242424242');
    const sub = await subscribeWithout(customer);
    expect(sub).toMatchObject({ status: 'active', defaultPaymentMethod: null });
    const [first] = (
      await http(server, 'GET', `/v1/customers/${customer}/payments`, { key: account.testKey })
    ).body.data;
    expect(first).toMatchObject({ paymentMethod: card, status: 'succeeded', subscription: sub.id });
  });

  it('a default card that declines every charge (4000000000000341) ends the trial canceled', async () => {
    const { customer, card } = await customerWithDefaultCard('4000000000000341');
    const sub = await subscribeWithout(customer, { trialPeriodDays: 7 });
    expect((await billingRun(sub.trialEnd)).body).toMatchObject({ failed: 1, canceled: 1 });
    expect(await retrieve(sub.id)).toMatchObject({
      status: 'canceled',
      cancellationReason: 'payment_failed',
    });
    const [payment] = await paymentsOf(customer);
    expect(payment).toMatchObject({
      status: 'failed',
      failureCode: 'card_declined',
      paymentMethod: card,
    });
  });

  it('a schedule without its own card charges the customer’s default when each item is due', async () => {
    const { customer, card } = await customerWithDefaultCard('4242424242424242');
    const dueAt = new Date(Date.now() + DAY).toISOString();
    const created = await http(server, 'POST', '/v1/payment_schedules', {
      key: account.testKey,
      body: { customer, currency: 'usd', items: [{ amount: 1200, dueAt }] },
    });
    expect(created.status, created.text).toBe(200);
    expect((await billingRun(plus(dueAt, 1000))).body.charged).toBe(1);
    const [payment] = await paymentsOf(customer);
    expect(payment).toMatchObject({
      status: 'succeeded',
      paymentMethod: card,
      paymentSchedule: created.body.id,
    });
  });
});
