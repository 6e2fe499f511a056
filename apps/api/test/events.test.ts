import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventSchema } from '@peasswap/domain';
import { events } from '../src/db/schema/index.js';
import { purgeExpiredEvents } from '../src/queries/events.js';
import {
  http,
  newAccount,
  restrictedKey,
  startServer,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';

let server: TestServer;
/** Fails an idempotent request after its writes, before its answer is stored, when armed. */
let failAnswering = false;

beforeAll(async () => {
  server = await startServer({
    idempotencyFaults: (step) => {
      if (failAnswering && step === 'answering') throw new Error('injected fault');
    },
  });
});
afterAll(() => server.close());

// A fresh account per test: its event list holds only that test's changes.
let account: TestAccount;
beforeEach(async () => {
  failAnswering = false;
  account = await newAccount('Events merchant');
});

const VISA = '4242424242424242';
const EXP_YEAR = new Date().getUTCFullYear() + 3;

interface EventJson {
  id: string;
  type: string;
  createdAt: string;
  livemode: boolean;
  data: { object: Record<string, unknown>; previousAttributes?: Record<string, unknown> };
  request: { id: string | null; idempotencyKey: string | null };
}

async function eventsOf(key = account.testKey, query = ''): Promise<EventJson[]> {
  const res = await http<{ data: EventJson[] }>(server, 'GET', `/v1/events?limit=100${query}`, {
    key,
  });
  expect(res.status).toBe(200);
  return res.body.data;
}

function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

const typesOf = async (key = account.testKey, query = '') =>
  (await eventsOf(key, query)).map((event) => event.type).reverse();

async function newCustomer(key = account.testKey, headers: Record<string, string> = {}) {
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    headers,
    body: { name: 'Ada Lovelace', email: uniqueEmail('ada') },
  });
  expect(res.status).toBe(200);
  return res;
}

describe('every change writes its event', () => {
  it('customer.created carries the customer as answered, the request id and its Idempotency-Key', async () => {
    const created = await newCustomer(account.testKey, { 'idempotency-key': 'create-ada-1' });
    const [event] = await eventsOf();
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[0-9A-Za-z]{24}$/),
      object: 'event',
      type: 'customer.created',
      createdAt: expect.any(String),
      livemode: false,
      data: { object: created.body },
      request: { id: created.headers.get('request-id'), idempotencyKey: 'create-ada-1' },
    });
    expect(EventSchema.safeParse(event).success).toBe(true);
  });

  it('customer.updated names the changed fields with their old values; a no-op update writes nothing', async () => {
    const customer = (await newCustomer()).body;
    const updated = await http(server, 'PUT', `/v1/customers/${customer.id}`, {
      key: account.testKey,
      body: { name: 'Ada King', metadata: { plan: 'pro' } },
    });
    expect(updated.status).toBe(200);
    await http(server, 'PUT', `/v1/customers/${customer.id}`, {
      key: account.testKey,
      body: { name: 'Ada King' },
    });
    const list = await eventsOf();
    expect(list.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect(list[0]?.data).toEqual({
      object: updated.body,
      previousAttributes: { name: 'Ada Lovelace', metadata: {} },
    });
    expect(list[0]?.request.idempotencyKey).toBeNull();
  });

  it('payments, cards, subscriptions and schedules each record theirs; a delete records what it cancels', async () => {
    const customer = (await newCustomer()).body.id as string;
    const card = await http(server, 'POST', '/v1/payment_methods', {
      key: account.testKey,
      body: {
        type: 'card',
        card: { number: VISA, expMonth: 12, expYear: EXP_YEAR, cvc: '123' },
        customer,
      },
    });
    expect(card.status).toBe(200);
    await http(server, 'PUT', `/v1/customers/${customer}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: card.body.id },
    });
    const pay = (paymentMethod: string) =>
      http(server, 'POST', '/v1/payments', {
        key: account.testKey,
        body: { amount: 1200, currency: 'usd', customer, paymentMethod },
      });
    expect((await pay(card.body.id)).body.status).toBe('succeeded');
    expect((await pay('pm_card_chargeDeclined')).body.status).toBe('failed');
    const subscription = await http(server, 'POST', '/v1/subscriptions', {
      key: account.testKey,
      body: { customer, amount: 1500, currency: 'usd', interval: 'month' },
    });
    expect(subscription.body.status).toBe('active');
    const schedule = await http(server, 'POST', '/v1/payment_schedules', {
      key: account.testKey,
      body: {
        customer,
        currency: 'usd',
        items: [{ amount: 500, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }],
      },
    });
    expect(schedule.status).toBe(200);
    const detached = await http(server, 'POST', `/v1/payment_methods/${card.body.id}/detach`, {
      key: account.testKey,
    });
    expect(detached.status).toBe(200);
    expect(
      (await http(server, 'DELETE', `/v1/customers/${customer}`, { key: account.testKey })).status,
    ).toBe(200);

    const list = await eventsOf();
    expect(list.map((e) => e.type).reverse()).toEqual([
      'customer.created',
      'payment_method.attached',
      'customer.updated',
      'payment.succeeded',
      'payment.failed',
      // The first period is charged inside the create: its payment, then the subscription as
      // the charge left it.
      'payment.succeeded',
      'subscription.created',
      'payment_schedule.created',
      'payment_method.detached',
      'customer.updated',
      'subscription.canceled',
      'payment_schedule.canceled',
      'customer.deleted',
    ]);
    const byType = (type: string) => list.filter((e) => e.type === type);
    expect(byType('subscription.created')[0]?.data.object).toEqual(subscription.body);
    expect(byType('payment_schedule.created')[0]?.data.object).toEqual(schedule.body);
    expect(byType('payment_method.detached')[0]?.data.object).toEqual(detached.body);
    // Detaching the default card changed the customer too.
    expect(byType('customer.updated')[0]?.data.previousAttributes).toEqual({
      defaultPaymentMethod: card.body.id,
    });
    expect(byType('subscription.canceled')[0]?.data.object).toMatchObject({
      id: subscription.body.id,
      status: 'canceled',
      cancellationReason: 'customer_deleted',
    });
    expect(byType('customer.deleted')[0]?.data.object).toMatchObject({ id: customer });
    // Every one of them is on the customer's timeline.
    expect((await eventsOf(account.testKey, `&customer=${customer}`)).length).toBe(list.length);
  });

  it('billing records its renewals with no request: payment.succeeded then subscription.updated', async () => {
    const customer = (await newCustomer()).body.id as string;
    const subscription = await http(server, 'POST', '/v1/subscriptions', {
      key: account.testKey,
      body: {
        customer,
        amount: 1500,
        currency: 'usd',
        interval: 'month',
        defaultPaymentMethod: 'pm_card_visa',
      },
    });
    expect(subscription.status).toBe(200);
    const { db } = await testDatabase();
    const { runBilling } = await import('../src/billing/engine.js');
    const { processorDecider } = await import('../src/billing/charges.js');
    const { simulatedProcessor } = await import('../src/payments/processor.js');
    const at = new Date(Date.parse(subscription.body.currentPeriodEnd as string) + 1000);
    await runBilling(db, {
      at,
      scope: { accountId: account.accountId, livemode: false },
      decide: processorDecider(simulatedProcessor),
    });
    const list = await eventsOf();
    expect(list.slice(0, 2).map((e) => e.type)).toEqual([
      'subscription.updated',
      'payment.succeeded',
    ]);
    const [updated, paid] = list;
    expect(updated?.request).toEqual({ id: null, idempotencyKey: null });
    expect(paid?.request).toEqual({ id: null, idempotencyKey: null });
    expect(updated?.data.previousAttributes).toEqual({
      currentPeriodStart: subscription.body.currentPeriodStart,
      currentPeriodEnd: subscription.body.currentPeriodEnd,
      latestPayment: subscription.body.latestPayment,
    });
    expect(updated?.data.object.latestPayment).toBe(paid?.data.object.id);
  });
});

describe('the event and its change commit together', () => {
  it('a change rolled back after its writes leaves no event (and no customer)', async () => {
    failAnswering = true;
    const email = uniqueEmail('rolled-back');
    const res = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      headers: { 'idempotency-key': 'rolled-back-1' },
      body: { name: 'Never', email },
    });
    expect(res.status).toBe(500);
    failAnswering = false;
    expect(await eventsOf()).toEqual([]);
    const customers = await http(
      server,
      'GET',
      `/v1/customers?email=${encodeURIComponent(email)}`,
      {
        key: account.testKey,
      },
    );
    expect(customers.body.data).toEqual([]);

    // The retry runs as new: one customer, one event.
    const retry = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      headers: { 'idempotency-key': 'rolled-back-1' },
      body: { name: 'Never', email },
    });
    expect(retry.status).toBe(200);
    expect(await typesOf()).toEqual(['customer.created']);
  });

  it('a refused change (a taken email, a declined attach) writes no event', async () => {
    const first = (await newCustomer()).body;
    const again = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Twin', email: first.email },
    });
    expect(again.status).toBe(409);
    const declined = await http(server, 'POST', '/v1/payment_methods', {
      key: account.testKey,
      body: {
        type: 'card',
        card: { number: '4000000000000002', expMonth: 12, expYear: EXP_YEAR, cvc: '123' },
        customer: first.id,
      },
    });
    expect(declined.body.error.code).toBe('card_declined');
    expect(await typesOf()).toEqual(['customer.created']);
  });

  it('an event written inside a transaction that rolls back is gone with it', async () => {
    const { db } = await testDatabase();
    const { BILLING_ORIGIN, recordEvents } = await import('../src/events/outbox.js');
    const scope = { accountId: account.accountId, livemode: false };
    await expect(
      db.transaction(async (tx) => {
        await recordEvents(tx, scope, BILLING_ORIGIN, [
          { type: 'customer.created', object: { id: 'cus_x' }, customerId: 'cus_x' },
        ]);
        throw new Error('the change failed after its event was written');
      }),
    ).rejects.toThrow('the change failed');
    expect(await eventsOf()).toEqual([]);
  });
});

describe('GET /v1/events', () => {
  it('filters by type, by a whole object’s types, by customer and by time, newest first', async () => {
    const a = (await newCustomer()).body.id as string;
    const b = (await newCustomer()).body.id as string;
    await http(server, 'PUT', `/v1/customers/${a}`, { key: account.testKey, body: { name: 'A' } });
    await http(server, 'POST', '/v1/payments', {
      key: account.testKey,
      body: { amount: 100, currency: 'usd', customer: b, paymentMethod: 'pm_card_visa' },
    });

    expect(await typesOf(account.testKey, '&type=customer.created')).toEqual([
      'customer.created',
      'customer.created',
    ]);
    expect(await typesOf(account.testKey, '&type=customer.*')).toEqual([
      'customer.created',
      'customer.created',
      'customer.updated',
    ]);
    expect(await typesOf(account.testKey, `&customer=${b}`)).toEqual([
      'customer.created',
      'payment.succeeded',
    ]);
    const all = await eventsOf();
    const oldest = defined(all.at(-1));
    const newest = defined(all[0]);
    expect(
      (await eventsOf(account.testKey, `&createdLte=${oldest.createdAt}`)).map((e) => e.id),
    ).toEqual([oldest.id]);
    expect(
      (await eventsOf(account.testKey, `&createdGte=${newest.createdAt}`)).map((e) => e.id),
    ).toEqual([newest.id]);
    const page = await http(server, 'GET', '/v1/events?limit=2', { key: account.testKey });
    expect(page.body).toMatchObject({ object: 'list', hasMore: true, url: '/v1/events' });
    const next = await http(
      server,
      'GET',
      `/v1/events?limit=2&startingAfter=${page.body.data[1].id}`,
      { key: account.testKey },
    );
    expect([...page.body.data, ...next.body.data].map((e: EventJson) => e.id)).toEqual(
      all.map((e) => e.id),
    );
  });

  it('refuses an unknown type, naming `type`', async () => {
    const res = await http(server, 'GET', '/v1/events?type=customer.exploded', {
      key: account.testKey,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'type' });
  });

  it('is the same over tRPC', async () => {
    await newCustomer();
    const client = trpcClient(server, account.testKey);
    const list = await client.events.list.query({ type: 'customer.created' });
    expect(list.data.map((e) => e.type)).toEqual(['customer.created']);
    expect(await client.events.retrieve.query({ id: defined(list.data[0]).id })).toEqual(
      list.data[0],
    );
  });
});

describe('scoping and permissions', () => {
  it('another account’s or environment’s event is a 404 like one that never existed, and never listed', async () => {
    await newCustomer();
    const event = defined((await eventsOf())[0]);
    const other = await newAccount('Other merchant');
    for (const key of [other.testKey, account.liveKey]) {
      const res = await http(server, 'GET', `/v1/events/${event.id}`, { key });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
      expect(await eventsOf(key)).toEqual([]);
      const redeliver = await http(server, 'POST', `/v1/events/${event.id}/redeliver`, {
        key,
        body: {},
      });
      expect(redeliver.status).toBe(404);
    }
    const missing = await http(server, 'GET', '/v1/events/evt_000000000000000000000000', {
      key: account.testKey,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe("No such event: 'evt_000000000000000000000000'.");
  });

  it('needs events:read', async () => {
    const key = await restrictedKey(account.accountId, ['customers:read']);
    const res = await http(server, 'GET', '/v1/events', { key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_permissions');
    const reader = await restrictedKey(account.accountId, ['events:read']);
    expect((await http(server, 'GET', '/v1/events', { key: reader })).status).toBe(200);
  });
});

describe('retention', () => {
  it('events older than 30 days are purged, newer ones kept', async () => {
    await newCustomer();
    await newCustomer();
    const [newer, older] = (await eventsOf()).map((e) => e.id);
    const { db } = await testDatabase();
    await db
      .update(events)
      .set({ createdAt: sql`now() - interval '30 days 1 minute'` })
      .where(and(eq(events.id, defined(older)), eq(events.accountId, account.accountId)));
    const purged = await purgeExpiredEvents(db, new Date());
    expect(purged).toBeGreaterThanOrEqual(1);
    expect((await eventsOf()).map((e) => e.id)).toEqual([defined(newer)]);
    // 30 days exactly is still kept.
    await db
      .update(events)
      .set({ createdAt: sql`now() - interval '29 days 23 hours'` })
      .where(eq(events.id, defined(newer)));
    await purgeExpiredEvents(db, new Date());
    expect((await eventsOf()).map((e) => e.id)).toEqual([defined(newer)]);
  });
});
