import { TRPCClientError } from '@trpc/client';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mailboxIdentity, nameKey, type Customer, type CustomerAnalytics } from '@peasswap/domain';
import { processorDecider } from '../src/billing/charges.js';
import { runBilling } from '../src/billing/engine.js';
import { rowsOf } from '../src/db/client.js';
import { customerMerges, customers } from '../src/db/schema/index.js';
import { simulatedProcessor } from '../src/payments/processor.js';
import { createUser } from '../src/queries/users.js';
import {
  engine,
  http,
  newAccount,
  restrictedKey,
  serverWithAccount,
  testDatabase,
  trpcClient,
  uniqueEmail,
} from './harness.js';

const { server, account } = serverWithAccount();

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

async function newCustomer(fields: Record<string, unknown> = {}, key = account.testKey) {
  const res = await http<Customer>(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Ada Lovelace', email: uniqueEmail('merge'), ...fields },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function pay(customer: string, amount: number, currency = 'usd', paymentMethod?: string) {
  const res = await http(server, 'POST', '/v1/payments', {
    key: account.testKey,
    body: { customer, amount, currency, paymentMethod: paymentMethod ?? 'pm_card_visa' },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.id as string;
}

async function card(customer: string, number: string) {
  const res = await http(server, 'POST', '/v1/payment_methods', {
    key: account.testKey,
    body: { type: 'card', card: { number, expMonth: 12, expYear: 2040, cvc: '123' }, customer },
  });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; card: { fingerprint: string } };
}

const setDefault = async (customer: string, paymentMethod: string) => {
  const res = await http(server, 'PUT', `/v1/customers/${customer}`, {
    key: account.testKey,
    body: { defaultPaymentMethod: paymentMethod },
  });
  expect(res.status, res.text).toBe(200);
};

const merge = (id: string, body: unknown, key = account.testKey) =>
  http(server, 'POST', `/v1/customers/${id}/merge`, { key, body });

const get = (path: string, key = account.testKey) => http(server, 'GET', path, { key });

const analytics = async (id: string) =>
  (await get(`/v1/customers/${id}/analytics`)).body as CustomerAnalytics;

const paymentIdsOf = async (id: string) =>
  ((await get(`/v1/customers/${id}/payments?limit=100`)).body.data as Array<{ id: string }>)
    .map((payment) => payment.id)
    .sort();

async function eventsOf(type: string, customer: string) {
  const res = await get(`/v1/events?type=${type}&limit=100`);
  expect(res.status, res.text).toBe(200);
  return (
    res.body.data as Array<{ data: { object: { id: string }; previousAttributes?: object } }>
  ).filter((event) => event.data.object.id === customer);
}

async function mergeRecords(survivor: string) {
  const { db } = await testDatabase();
  return db
    .select()
    .from(customerMerges)
    .where(
      and(eq(customerMerges.accountId, account.accountId), eq(customerMerges.survivorId, survivor)),
    );
}

describe('merge: what moves', () => {
  it('moves payments, cards, subscriptions and schedules; recomputes analytics; takes fields', async () => {
    const survivor = await newCustomer({ name: 'Ada Lovelace', phone: '+14155550100' });
    const other = await newCustomer({
      name: 'Ada  lovelace',
      phone: '+14155550199',
      description: 'from the old CRM',
      metadata: { crm: 'old-42' },
    });
    // Payments on both: two currencies, and a failed one that counts nowhere.
    const survivorPayments = [await pay(survivor.id, 1000), await pay(survivor.id, 700, 'eur')];
    const otherPayments = [
      await pay(other.id, 2500),
      await pay(other.id, 333, 'eur'),
      await pay(other.id, 4000, 'usd', 'pm_card_chargeDeclined'),
    ];
    // The same card on both (detached from the merged one), and a card only the other has.
    const survivorVisa = await card(survivor.id, '4242424242424242');
    const otherVisa = await card(other.id, '4242424242424242');
    const otherMastercard = await card(other.id, '5555555555554444');
    expect(otherVisa.card.fingerprint).toBe(survivorVisa.card.fingerprint);
    await setDefault(other.id, otherVisa.id);
    const subscription = await http(server, 'POST', '/v1/subscriptions', {
      key: account.testKey,
      body: { customer: other.id, amount: 990, currency: 'usd', interval: 'month' },
    });
    expect(subscription.status, subscription.text).toBe(200);
    const schedule = await http(server, 'POST', '/v1/payment_schedules', {
      key: account.testKey,
      body: { customer: other.id, currency: 'usd', items: [{ amount: 1200, dueAt: inDays(3) }] },
    });
    expect(schedule.status, schedule.text).toBe(200);
    // The subscription's first charge is a payment of the other's too.
    const otherAllPayments = await paymentIdsOf(other.id);
    expect(otherAllPayments).toHaveLength(4);

    const [before, otherBefore] = [await analytics(survivor.id), await analytics(other.id)];
    expect(otherBefore.totalPayments).toBe(3);

    const res = await merge(survivor.id, {
      from: [other.id],
      fields: { email: other.id, description: other.id, metadata: other.id, name: survivor.id },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: survivor.id,
      object: 'customer',
      name: 'Ada Lovelace',
      email: other.email,
      phone: '+14155550100',
      description: 'from the old CRM',
      metadata: { crm: 'old-42' },
      // The survivor had no default: the other's card was a duplicate, so its own copy is.
      defaultPaymentMethod: survivorVisa.id,
    });
    expect(await get(`/v1/customers/${survivor.id}`)).toMatchObject({ body: res.body });

    // The duplicate finder's keys follow the email and name taken.
    const { db } = await testDatabase();
    const [keys] = await db
      .select({ mailbox: customers.mailboxIdentity, nameKey: customers.nameKey })
      .from(customers)
      .where(eq(customers.id, survivor.id));
    expect(keys).toEqual({
      mailbox: mailboxIdentity(other.email),
      nameKey: nameKey('Ada Lovelace'),
    });

    // Payments.
    expect(await paymentIdsOf(survivor.id)).toEqual(
      [...survivorPayments, ...otherAllPayments].sort(),
    );
    expect(otherPayments.every((id) => otherAllPayments.includes(id))).toBe(true);
    const payment = await get(`/v1/payments/${otherPayments[0]}`);
    expect(payment.body.customer).toBe(survivor.id);

    // Analytics: the sum of both, per currency.
    const after = await analytics(survivor.id);
    expect(after.totalPayments).toBe(before.totalPayments + otherBefore.totalPayments);
    expect(after.totalPayments).toBe(5);
    const volume = Object.fromEntries(after.volume.map((line) => [line.currency, line]));
    expect(volume).toEqual({
      usd: { currency: 'usd', total: 1000 + 2500 + 990, average: 1497 },
      eur: { currency: 'eur', total: 700 + 333, average: 517 },
    });

    // Cards: the survivor's visa and the other's mastercard; the duplicate visa detached.
    const cards = await get(`/v1/customers/${survivor.id}/payment_methods`);
    expect((cards.body.data as Array<{ id: string }>).map((pm) => pm.id).sort()).toEqual(
      [survivorVisa.id, otherMastercard.id].sort(),
    );
    expect((await get(`/v1/payment_methods/${otherVisa.id}`)).body.customer).toBeNull();
    expect((await get(`/v1/payment_methods/${otherMastercard.id}`)).body.customer).toBe(
      survivor.id,
    );

    // Subscriptions and schedules.
    const sub = await get(`/v1/subscriptions/${subscription.body.id}`);
    expect(sub.body.customer).toBe(survivor.id);
    const sched = await get(`/v1/payment_schedules/${schedule.body.id}`);
    expect(sched.body.customer).toBe(survivor.id);

    // The merged customer: 404 customer_merged naming the survivor, on REST and tRPC.
    const gone = await get(`/v1/customers/${other.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toEqual({
      type: 'invalid_request_error',
      code: 'customer_merged',
      message: `Customer '${other.id}' was merged into '${survivor.id}'.`,
      param: 'id',
      customer: survivor.id,
      requestId: gone.headers.get('request-id'),
    });
    const client = trpcClient(server, account.testKey);
    const error = await client.customers.retrieve.query({ id: other.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({
      code: 'customer_merged',
      customer: survivor.id,
      httpStatus: 404,
    });
    for (const [method, body] of [
      ['PUT', { name: 'Again' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await http(server, method, `/v1/customers/${other.id}`, {
        key: account.testKey,
        ...(body && { body }),
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'customer_merged', customer: survivor.id });
    }
    // Its sub-resources say the same, rather than a bare "no such customer".
    for (const sub of ['analytics', 'payments', 'payment_methods']) {
      const res = await get(`/v1/customers/${other.id}/${sub}`);
      expect(res.status, sub).toBe(404);
      expect(res.body.error, sub).toMatchObject({ code: 'customer_merged', customer: survivor.id });
    }

    // The event: the survivor after, and what it had before.
    const [event] = await eventsOf('customer.merged', survivor.id);
    expect(event?.data).toEqual({
      object: res.body,
      previousAttributes: {
        email: survivor.email,
        description: null,
        metadata: {},
        defaultPaymentMethod: null,
      },
    });

    // The record: who, and what moved.
    const [record] = await mergeRecords(survivor.id);
    expect(record).toMatchObject({
      mergedIds: [other.id],
      actor: expect.stringMatching(/^key_/) as string,
      requestId: res.headers.get('request-id'),
      fields: { email: other.id, description: other.id, metadata: other.id, name: survivor.id },
    });
    expect(record?.moved).toMatchObject({
      paymentMethods: [otherMastercard.id],
      detachedPaymentMethods: [otherVisa.id],
      subscriptions: [subscription.body.id],
      paymentSchedules: [schedule.body.id],
    });
    expect(record?.moved.payments?.sort()).toEqual(otherAllPayments);

    // Billing afterwards charges the moved schedule as the survivor's, in its analytics.
    const run = await http(server, 'POST', '/v1/test_helpers/billing/run', {
      key: account.testKey,
      body: { at: inDays(4) },
    });
    expect(run.status, run.text).toBe(200);
    const charged = await get(`/v1/payment_schedules/${schedule.body.id}`);
    expect(charged.body.items[0]).toMatchObject({ status: 'succeeded' });
    const chargedPayment = await get(`/v1/payments/${charged.body.items[0].payment}`);
    expect(chargedPayment.body.customer).toBe(survivor.id);
    expect((await analytics(survivor.id)).totalPayments).toBeGreaterThanOrEqual(6);
  });

  it('keeps the survivor’s default, moves every other’s cards, and frees the merged emails', async () => {
    const survivor = await newCustomer();
    const first = await newCustomer();
    const second = await newCustomer();
    const own = await card(survivor.id, '4000056655665556');
    await setDefault(survivor.id, own.id);
    const firstCard = await card(first.id, '5555555555554444');
    await setDefault(first.id, firstCard.id);
    // Both merged customers hold the same card: the first keeps it, the second's is detached.
    const secondCard = await card(second.id, '5555555555554444');
    const res = await merge(survivor.id, { from: [first.id, second.id] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.defaultPaymentMethod).toBe(own.id);
    expect((await get(`/v1/payment_methods/${firstCard.id}`)).body.customer).toBe(survivor.id);
    expect((await get(`/v1/payment_methods/${secondCard.id}`)).body.customer).toBeNull();
    // Their emails are free again, like a deleted customer's.
    expect((await newCustomer({ email: second.email })).email).toBe(second.email);
    const [event] = await eventsOf('customer.merged', survivor.id);
    expect(event?.data).toEqual({ object: res.body });
  });

  it('records payment_method.detached for a duplicate card and subscription.updated for a moved subscription', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    const kept = await card(survivor.id, '4242424242424242');
    const duplicate = await card(other.id, '4242424242424242');
    const moved = await card(other.id, '5555555555554444');
    await setDefault(other.id, duplicate.id);
    const subscription = await http(server, 'POST', '/v1/subscriptions', {
      key: account.testKey,
      body: {
        customer: other.id,
        amount: 500,
        currency: 'usd',
        interval: 'month',
        defaultPaymentMethod: duplicate.id,
      },
    });
    expect(subscription.status, subscription.text).toBe(200);
    const res = await http(server, 'POST', `/v1/customers/${survivor.id}/merge`, {
      key: account.testKey,
      body: { from: [other.id] },
      headers: { 'idempotency-key': `detach-${survivor.id}` },
    });
    expect(res.status, res.text).toBe(200);
    // The survivor inherits the default through its own copy of the card.
    expect(res.body.defaultPaymentMethod).toBe(kept.id);

    const detachedEvents = async (id: string) =>
      (await get('/v1/events?type=payment_method.detached&limit=100')).body.data.filter(
        (event: { data: { object: { id: string } } }) => event.data.object.id === id,
      ) as Array<{ id: string; data: object }>;
    const [event, ...more] = await detachedEvents(duplicate.id);
    expect(more).toHaveLength(0);
    const answered = await get(`/v1/payment_methods/${duplicate.id}`);
    expect(answered.body.customer).toBeNull();
    expect(event).toMatchObject({
      type: 'payment_method.detached',
      data: { object: answered.body },
      request: { id: res.headers.get('request-id'), idempotencyKey: `detach-${survivor.id}` },
    });
    expect(event?.data).not.toHaveProperty('previousAttributes');
    // It is on the timeline of the customer it left, like a detach through the API.
    const timeline = await get(`/v1/events?type=payment_method.detached&customer=${other.id}`);
    expect(timeline.status, timeline.text).toBe(200);
    expect(timeline.body.data.map((e: { id: string }) => e.id)).toEqual([event?.id]);
    // Cards that moved, or stayed, were not detached.
    expect(await detachedEvents(moved.id)).toHaveLength(0);
    expect(await detachedEvents(kept.id)).toHaveLength(0);
    // The moved subscription: its customer, and the survivor's copy of the card it charged.
    const [movedEvent, ...moreMoves] = await eventsOf('subscription.updated', subscription.body.id);
    expect(moreMoves).toHaveLength(0);
    const movedSubscription = await get(`/v1/subscriptions/${subscription.body.id}`);
    expect(movedSubscription.body).toMatchObject({
      customer: survivor.id,
      defaultPaymentMethod: kept.id,
    });
    expect(movedEvent).toMatchObject({
      data: {
        object: movedSubscription.body,
        previousAttributes: { customer: other.id, defaultPaymentMethod: duplicate.id },
      },
      request: { id: res.headers.get('request-id') },
    });
    expect(Object.keys(movedEvent?.data.previousAttributes ?? {}).sort()).toEqual([
      'customer',
      'defaultPaymentMethod',
    ]);
    // The merge's event comes from the same request; no customer.updated beside it.
    const [merged] = await eventsOf('customer.merged', survivor.id);
    expect(merged).toMatchObject({ request: { id: res.headers.get('request-id') } });
    expect(await eventsOf('customer.updated', survivor.id)).toHaveLength(0);
  });

  it('a deleted customer that was not merged stays a plain resource_missing', async () => {
    const customer = await newCustomer();
    await http(server, 'DELETE', `/v1/customers/${customer.id}`, { key: account.testKey });
    const res = await get(`/v1/customers/${customer.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    expect(res.body.error.customer).toBeUndefined();
  });
});

describe('merge: retries and refusals', () => {
  it('a retry of a merge done answers the survivor unchanged and records nothing', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    await pay(other.id, 500);
    const first = await merge(survivor.id, { from: [other.id], fields: { email: other.id } });
    expect(first.status, first.text).toBe(200);
    const again = await merge(survivor.id, { from: [other.id], fields: { email: other.id } });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await eventsOf('customer.merged', survivor.id)).toHaveLength(1);
    expect(await mergeRecords(survivor.id)).toHaveLength(1);
    expect((await analytics(survivor.id)).totalPayments).toBe(1);
  });

  it('an Idempotency-Key replay answers the first response byte for byte', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    await pay(other.id, 250);
    const send = () =>
      http(server, 'POST', `/v1/customers/${survivor.id}/merge`, {
        key: account.testKey,
        body: { from: [other.id] },
        headers: { 'idempotency-key': `merge-${survivor.id}` },
      });
    const first = await send();
    expect(first.status, first.text).toBe(200);
    const replay = await send();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(await mergeRecords(survivor.id)).toHaveLength(1);
    expect((await analytics(survivor.id)).totalPayments).toBe(1);
  });

  it('merges through the typed tRPC client too, with the same errors in its data', async () => {
    const client = trpcClient(server, account.testKey);
    const survivor = await newCustomer();
    const other = await newCustomer({ phone: '+442071838750' });
    const merged = await client.customers.merge.mutate({
      id: survivor.id,
      from: [other.id],
      fields: { phone: other.id },
    });
    expect(merged).toMatchObject({ id: survivor.id, phone: '+442071838750' });
    const refused = await client.customers.merge
      .mutate({ id: survivor.id, from: [other.id, survivor.id] })
      .catch((e: unknown) => e);
    expect((refused as TRPCClientError<never>).data).toMatchObject({
      code: 'parameter_invalid',
      param: 'from.1',
      httpStatus: 400,
    });
  });

  it('merges for a signed-in dashboard user with write access, recording the user', async () => {
    const { db } = await testDatabase();
    const password = 'correct horse battery staple';
    const dashboard = { 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': 'test' };
    const clientAs = async (role: 'support' | 'viewer') => {
      const email = uniqueEmail(role);
      const user = await createUser(db, { accountId: account.accountId, email, password, role });
      const signIn = await http(server, 'POST', '/trpc/session.signIn', {
        body: { email, password },
        headers: dashboard,
      });
      expect(signIn.status, signIn.text).toBe(200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      return { user, client: trpcClient(server, undefined, { ...dashboard, cookie }) };
    };
    const survivor = await newCustomer();
    const other = await newCustomer({ phone: '+14155550123' });

    // A viewer reads customers but may not merge them: nothing moves, nothing is recorded.
    const viewer = await clientAs('viewer');
    const refused = await viewer.client.customers.merge
      .mutate({ id: survivor.id, from: [other.id] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).data).toMatchObject({
      type: 'permission_error',
      code: 'insufficient_permissions',
      httpStatus: 403,
    });
    expect((await get(`/v1/customers/${other.id}`)).status).toBe(200);
    expect(await mergeRecords(survivor.id)).toHaveLength(0);

    // Support may write customers (SPEC §2): the merge is done, and its record names the user.
    const support = await clientAs('support');
    const merged = await support.client.customers.merge.mutate({
      id: survivor.id,
      from: [other.id],
      fields: { phone: other.id },
    });
    expect(merged).toMatchObject({ id: survivor.id, phone: '+14155550123' });
    expect((await get(`/v1/customers/${other.id}`)).body.error.code).toBe('customer_merged');
    const [record, ...more] = await mergeRecords(survivor.id);
    expect(more).toHaveLength(0);
    expect(record).toMatchObject({ actor: support.user.id, mergedIds: [other.id] });
    expect(record?.requestId).toMatch(/^req_/);
  });

  it('refuses to merge into a merged customer, naming where it went', async () => {
    const [a, b, c] = [await newCustomer(), await newCustomer(), await newCustomer()];
    expect((await merge(a.id, { from: [b.id] })).status).toBe(200);
    const into = await merge(b.id, { from: [c.id] });
    expect(into.status).toBe(404);
    expect(into.body.error).toMatchObject({ code: 'customer_merged', param: 'id', customer: a.id });
    const elsewhere = await merge(c.id, { from: [b.id] });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error).toMatchObject({
      code: 'customer_merged',
      param: 'from.0',
      customer: a.id,
    });
  });

  it('another account’s or environment’s customer is a 404 like an unknown one, and nothing changes', async () => {
    const survivor = await newCustomer();
    const mine = await newCustomer();
    const paymentId = await pay(mine.id, 100);
    const stranger = await newAccount('Someone else');
    const theirs = await newCustomer({}, stranger.testKey);
    const live = await newCustomer({}, account.liveKey);
    for (const [id, body, param] of [
      [survivor.id, { from: [mine.id, theirs.id] }, 'from.1'],
      [survivor.id, { from: [live.id, mine.id] }, 'from.0'],
      [survivor.id, { from: [mine.id, 'cus_doesnotexist'] }, 'from.1'],
      [theirs.id, { from: [mine.id] }, 'id'],
      [live.id, { from: [mine.id] }, 'id'],
    ] as const) {
      const res = await merge(id, body);
      expect(res.status, res.text).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param });
      expect(res.body.error.message).toMatch(/^No such customer: 'cus_/);
    }
    expect((await get(`/v1/customers/${mine.id}`)).status).toBe(200);
    expect((await get(`/v1/payments/${paymentId}`)).body.customer).toBe(mine.id);
    expect((await get(`/v1/customers/${theirs.id}`, stranger.testKey)).status).toBe(200);
    expect((await get(`/v1/customers/${live.id}`, account.liveKey)).status).toBe(200);
    expect(await mergeRecords(survivor.id)).toHaveLength(0);
  });

  describe.each([
    ['the survivor in from', (id: string, o: string) => ({ from: [o, id] }), 'from.1'],
    ['an empty from', () => ({ from: [] }), 'from'],
    [
      'eleven in from',
      (_: string, o: string) => ({ from: Array.from({ length: 11 }, (_x, i) => `${o}${i}`) }),
      'from',
    ],
    ['one customer twice', (_: string, o: string) => ({ from: [o, o] }), 'from.1'],
    ['no from', () => ({}), 'from'],
    [
      'a field from neither',
      (_: string, o: string) => ({ from: [o], fields: { email: 'cus_other' } }),
      'fields.email',
    ],
    [
      'an unknown field',
      (_: string, o: string) => ({ from: [o], fields: { createdAt: o } }),
      'fields.createdAt',
    ],
    ['a number for an id', () => ({ from: [42] }), 'from.0'],
  ])('validation: %s', (_, body, param) => {
    it(`is a 400 naming ${param}, and nothing changes`, async () => {
      const survivor = await newCustomer();
      const other = await newCustomer();
      const res = await merge(survivor.id, body(survivor.id, other.id));
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
      expect((await get(`/v1/customers/${other.id}`)).status).toBe(200);
    });
  });

  it('needs customers:write', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    const readOnly = await restrictedKey(account.accountId, ['customers:read']);
    const res = await merge(survivor.id, { from: [other.id] }, readOnly);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_permissions');
    const writer = await restrictedKey(account.accountId, ['customers:write']);
    expect((await merge(survivor.id, { from: [other.id] }, writer)).status).toBe(200);
  });
});

describe('merge: concurrency', () => {
  it('A←B and B←A at once: one wins, the other is a clean 404, no payment lost', async () => {
    for (let round = 0; round < 8; round += 1) {
      const [a, b] = [await newCustomer(), await newCustomer()];
      const payments = [await pay(a.id, 100), await pay(a.id, 200), await pay(b.id, 400)];
      const [ab, ba] = await Promise.all([
        merge(a.id, { from: [b.id] }),
        merge(b.id, { from: [a.id] }),
      ]);
      const statuses = [ab.status, ba.status].sort();
      expect(statuses, `${ab.text} ${ba.text}`).toEqual([200, 404]);
      const [winner, loser] = ab.status === 200 ? [a, b] : [b, a];
      const lost = ab.status === 200 ? ba : ab;
      expect(lost.body.error).toMatchObject({ code: 'customer_merged', customer: winner.id });
      expect(await paymentIdsOf(winner.id)).toEqual([...payments].sort());
      expect(await analytics(winner.id)).toMatchObject({
        totalPayments: 3,
        volume: [{ currency: 'usd', total: 700 }],
      });
      expect((await get(`/v1/customers/${loser.id}`)).status).toBe(404);
    }
  });

  it('A←B and C←B at once: B goes to exactly one of them', async () => {
    for (let round = 0; round < 8; round += 1) {
      const [a, b, c] = [await newCustomer(), await newCustomer(), await newCustomer()];
      const payment = await pay(b.id, 900);
      const [intoA, intoC] = await Promise.all([
        merge(a.id, { from: [b.id] }),
        merge(c.id, { from: [b.id] }),
      ]);
      expect([intoA.status, intoC.status].sort(), `${intoA.text} ${intoC.text}`).toEqual([
        200, 404,
      ]);
      const winner = intoA.status === 200 ? a : c;
      const lost = intoA.status === 200 ? intoC : intoA;
      expect(lost.body.error).toMatchObject({
        code: 'customer_merged',
        param: 'from.0',
        customer: winner.id,
      });
      expect((await get(`/v1/payments/${payment}`)).body.customer).toBe(winner.id);
      expect((await analytics(winner.id)).totalPayments).toBe(1);
    }
  });

  it('merges and payments racing on the same customers lose no payment', async () => {
    const [a, b] = [await newCustomer(), await newCustomer()];
    const made: Array<Promise<{ status: number; body: any }>> = [];
    for (let i = 0; i < 10; i += 1) {
      made.push(
        http(server, 'POST', '/v1/payments', {
          key: account.testKey,
          body: { customer: i % 2 === 0 ? a.id : b.id, amount: 10 + i, currency: 'usd' },
        }),
      );
    }
    const merged = merge(a.id, { from: [b.id] });
    const results = await Promise.all(made);
    expect((await merged).status).toBe(200);
    const accepted = results.filter((res) => res.status === 200);
    // A payment to B after the merge is refused (B is gone), never stored under B.
    for (const res of results) expect([200, 400]).toContain(res.status);
    expect((await paymentIdsOf(a.id)).length).toBe(accepted.length);
    const total = accepted.reduce((sum, res) => sum + (res.body.amount as number), 0);
    expect(await analytics(a.id)).toMatchObject({
      totalPayments: accepted.length,
      volume: [{ currency: 'usd', total }],
    });
  });

  it('a charge billing is finishing while the merge runs: no deadlock, its payment is the survivor’s', async () => {
    const { db } = await testDatabase();
    const billed = await newAccount('Billing in flight');
    const [a, b] = [await newCustomer({}, billed.testKey), await newCustomer({}, billed.testKey)];
    const schedule = await http(server, 'POST', '/v1/payment_schedules', {
      key: billed.testKey,
      body: {
        customer: b.id,
        currency: 'usd',
        paymentMethod: 'pm_card_visa',
        items: [{ amount: 321, dueAt: inDays(-1) }],
      },
    });
    expect(schedule.status, schedule.text).toBe(200);

    // Billing holds the charge's row while the processor is asked: it is asked to wait there.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered = () => {};
    const charging = new Promise<void>((resolve) => (entered = resolve));
    const charge = processorDecider(simulatedProcessor);
    const billing = runBilling(db, {
      at: new Date(),
      scope: { accountId: billed.accountId, livemode: false },
      decide: async (tx, attempt) => {
        entered();
        await released;
        return charge(tx, attempt);
      },
    });
    await charging;
    const merging = merge(a.id, { from: [b.id] }, billed.testKey);
    if (engine === 'postgres') {
      // The merge reaches the charge's row and waits for it (PGlite has one connection: the
      // merge simply waits for billing's transaction to end).
      let waiting = 0;
      for (let i = 0; i < 400 && waiting === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const result = await db.execute(
          sql`select count(*)::int as n from pg_stat_activity
              where wait_event_type = 'Lock' and datname = current_database()`,
        );
        waiting = rowsOf<{ n: number }>(result)[0]?.n ?? 0;
      }
      expect(waiting).toBeGreaterThan(0);
    }
    release();
    const [run, merged] = await Promise.all([billing, merging]);
    expect(run).toMatchObject({ charged: 1, failed: 0 });
    expect(merged.status, merged.text).toBe(200);

    const items = (await get(`/v1/payment_schedules/${schedule.body.id}`, billed.testKey)).body;
    expect(items).toMatchObject({ customer: a.id, items: [{ status: 'succeeded' }] });
    const payment = await get(`/v1/payments/${items.items[0].payment}`, billed.testKey);
    expect(payment.body.customer).toBe(a.id);
    expect((await get(`/v1/customers/${a.id}/analytics`, billed.testKey)).body).toMatchObject({
      totalPayments: 1,
      volume: [{ currency: 'usd', total: 321 }],
    });
  });
});

describe.runIf(engine === 'postgres')('merge: a charge claimed while the merge runs', () => {
  /** Resolves once some backend of this database waits for a row lock. */
  async function someoneWaitsForALock() {
    const { db } = await testDatabase();
    for (;;) {
      const result = await db.execute(
        sql`select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and datname = current_database()`,
      );
      if ((rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** A charge decider that stops inside its transaction, holding its attempt, until let go. */
  function pausedCharge() {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered = () => {};
    const charging = new Promise<void>((resolve) => (entered = resolve));
    const charge = processorDecider(simulatedProcessor);
    const decide: Parameters<typeof runBilling>[1]['decide'] = async (tx, attempt) => {
      entered();
      await released;
      return charge(tx, attempt);
    };
    return { decide, charging, release };
  }

  it('is neither waited for into a deadlock nor left on the merged customer', async () => {
    const { db } = await testDatabase();
    const billed = await newAccount('Claimed mid-merge');
    const scope = { accountId: billed.accountId, livemode: false };
    const [a, b] = [await newCustomer({}, billed.testKey), await newCustomer({}, billed.testKey)];
    const schedule = await http(server, 'POST', '/v1/payment_schedules', {
      key: billed.testKey,
      body: {
        customer: b.id,
        currency: 'usd',
        paymentMethod: 'pm_card_visa',
        items: [
          { amount: 100, dueAt: inDays(-1) },
          { amount: 20, dueAt: inDays(0.5) },
        ],
      },
    });
    expect(schedule.status, schedule.text).toBe(200);

    // 1. A pass charging the first item holds its attempt; the merge waits for it.
    const first = pausedCharge();
    const firstPass = runBilling(db, { at: new Date(), scope, decide: first.decide });
    await first.charging;
    const merging = merge(a.id, { from: [b.id] }, billed.testKey);
    await someoneWaitsForALock();
    // 2. Meanwhile another pass claims the second item for B (the merge has not reached the
    //    schedule yet) and holds that attempt too.
    const second = pausedCharge();
    const secondPass = runBilling(db, {
      at: new Date(Date.now() + DAY),
      scope,
      decide: second.decide,
    });
    await second.charging;
    // 3. The first charge finishes; the merge goes on and meets the second charge's attempt.
    first.release();
    await firstPass;
    await Promise.race([merging, someoneWaitsForALock()]);
    second.release();
    const [merged, secondRun] = await Promise.all([merging, secondPass]);
    expect(merged.status, merged.text).toBe(200);
    expect(secondRun).toMatchObject({ charged: 1 });

    const after = (await get(`/v1/payment_schedules/${schedule.body.id}`, billed.testKey)).body;
    expect(after.items.map((item: { status: string }) => item.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
    for (const item of after.items as Array<{ payment: string }>) {
      expect((await get(`/v1/payments/${item.payment}`, billed.testKey)).body.customer).toBe(a.id);
    }
    expect((await get(`/v1/customers/${a.id}/analytics`, billed.testKey)).body).toMatchObject({
      totalPayments: 2,
      volume: [{ currency: 'usd', total: 120 }],
    });
  });
});
