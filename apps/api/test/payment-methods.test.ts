import { createHash, createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys, paymentMethods, serverSecrets } from '../src/db/schema/index.js';
import { canonicalJson } from '../src/rest/canonical-json.js';
import { buildServer } from '../src/server.js';
import {
  http,
  newAccount,
  restrictedKey,
  serverWithAccount,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestServer,
} from './harness.js';

const { server, account } = serverWithAccount();

const VISA = '4242424242424242';
const DECLINES = '4000000000000002';
const NO_FUNDS = '4000000000009995';
const DECLINES_CHARGES = '4000000000000341';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';
const EXP_YEAR = new Date().getUTCFullYear() + 3;

const isAmex = (number: string) => /^3[47]/.test(number.replace(/\D/g, ''));
const cardOf = (number: string, patch: Record<string, unknown> = {}) => ({
  number,
  expMonth: 12,
  expYear: EXP_YEAR,
  cvc: isAmex(number) ? '1234' : '123',
  ...patch,
});

const createMethod = (body: unknown, key = account.testKey, headers: Record<string, string> = {}) =>
  http(server, 'POST', '/v1/payment_methods', { key, body, headers });

async function newMethod(number = VISA, customer?: string, key = account.testKey) {
  const res = await createMethod(
    { type: 'card', card: cardOf(number), ...(customer && { customer }) },
    key,
  );
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; card: { fingerprint: string }; customer: string | null };
}

async function newCustomer(key = account.testKey): Promise<string> {
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Card Holder', email: uniqueEmail('holder') },
  });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

const post = (path: string, body: unknown = {}, key = account.testKey) =>
  http(server, 'POST', path, { key, body });
const get = (path: string, key = account.testKey) => http(server, 'GET', path, { key });
const attach = (id: string, customer: string, key = account.testKey) =>
  post(`/v1/payment_methods/${id}/attach`, { customer }, key);
const detach = (id: string, key = account.testKey) =>
  post(`/v1/payment_methods/${id}/detach`, {}, key);
const listOf = (customer: string, query = '', key = account.testKey) =>
  get(`/v1/customers/${customer}/payment_methods${query}`, key);
const setDefault = (customer: string, defaultPaymentMethod: string | null) =>
  http(server, 'PUT', `/v1/customers/${customer}`, {
    key: account.testKey,
    body: { defaultPaymentMethod },
  });
const pay = (body: Record<string, unknown>) =>
  post('/v1/payments', { amount: 1000, currency: 'usd', ...body });

describe('payment methods: happy paths', () => {
  it('creates, retrieves, attaches, lists and detaches a card over REST', async () => {
    const created = await createMethod({ type: 'card', card: cardOf(VISA) });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^pm_[0-9A-Za-z]{24}$/),
      object: 'payment_method',
      type: 'card',
      card: {
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: EXP_YEAR,
        fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      },
      customer: null,
      livemode: false,
      createdAt: expect.any(String),
    });
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);
    const id = created.body.id as string;
    expect((await get(`/v1/payment_methods/${id}`)).body).toEqual(created.body);

    const customer = await newCustomer();
    const attached = await attach(id, customer);
    expect(attached.status).toBe(200);
    expect(attached.body).toEqual({ ...created.body, customer });
    const listed = await listOf(customer);
    expect(listed.body).toEqual({
      object: 'list',
      data: [attached.body],
      hasMore: false,
      url: `/v1/customers/${customer}/payment_methods`,
    });

    const detached = await detach(id);
    expect(detached.status).toBe(200);
    expect(detached.body).toEqual({ ...created.body, customer: null });
    expect((await get(`/v1/payment_methods/${id}`)).body.customer).toBeNull();
    expect((await listOf(customer)).body.data).toEqual([]);
  });

  it('works through the typed tRPC client, and REST sees what tRPC made', async () => {
    const client = trpcClient(server, account.testKey);
    const customer = await newCustomer();
    const created = await client.paymentMethods.create.mutate({
      type: 'card',
      card: cardOf('5555 5555 5555 4444'),
      customer,
    });
    expect(created).toMatchObject({ customer, card: { brand: 'mastercard', last4: '4444' } });
    expect(await client.paymentMethods.retrieve.query({ id: created.id })).toEqual(created);
    expect((await get(`/v1/payment_methods/${created.id}`)).body).toEqual(created);
    const page = await client.customers.paymentMethods.query({ id: customer });
    expect(page.data).toEqual([created]);

    const updated = await client.customers.update.mutate({
      id: customer,
      defaultPaymentMethod: created.id,
    });
    expect(updated.defaultPaymentMethod).toBe(created.id);
    expect(await client.paymentMethods.detach.mutate({ id: created.id })).toEqual({
      ...created,
      customer: null,
    });
    expect((await client.customers.retrieve.query({ id: customer })).defaultPaymentMethod).toBe(
      null,
    );
    const other = await client.paymentMethods.create.mutate({ type: 'card', card: cardOf(VISA) });
    expect((await client.paymentMethods.attach.mutate({ id: other.id, customer })).customer).toBe(
      customer,
    );
  });

  it('pages through a customer’s cards newest first, without skips or repeats', async () => {
    const customer = await newCustomer();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await newMethod(VISA, customer)).id);
    const newestFirst = [...made].reverse();
    const first = await listOf(customer, '?limit=2');
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body.hasMore).toBe(true);
    await newMethod(VISA, customer); // arrives at the head meanwhile
    const second = await listOf(customer, `?limit=2&startingAfter=${newestFirst[1]}`);
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    const last = await listOf(customer, `?limit=2&startingAfter=${newestFirst[3]}`);
    expect(last.body).toMatchObject({ hasMore: false, data: [{ id: newestFirst[4] }] });
    const back = await listOf(customer, `?limit=2&endingBefore=${newestFirst[4]}`);
    expect(back.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    const unknown = await listOf(customer, '?startingAfter=pm_neverexisted');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'resource_missing', param: 'startingAfter' });
  });

  it.each([
    ['4242424242424242', 'visa', '4242'],
    ['4000 0566 5566 5556', 'visa', '5556'],
    ['5555-5555-5555-4444', 'mastercard', '4444'],
    ['2223003122003222', 'mastercard', '3222'],
    ['3782 822463 10005', 'amex', '0005'],
    ['6011111111111117', 'discover', '1117'],
    ['3056930009020004', 'diners', '0004'],
    ['3566002020360505', 'jcb', '0505'],
    ['6200000000000005', 'unionpay', '0005'],
    ['1234567812345670', 'unknown', '5670'],
  ])('reads the brand of %s as %s', async (number, brand, last4) => {
    const res = await createMethod({ type: 'card', card: cardOf(number) });
    expect(res.status, res.text).toBe(200);
    expect(res.body.card).toMatchObject({ brand, last4 });
  });
});

describe('payment methods: validation', () => {
  const lastYear = new Date().getUTCFullYear() - 1;
  const valid = { type: 'card', card: cardOf(VISA) };

  describe.each([
    ['a Luhn failure', { card: cardOf('4242424242424241') }, 'card_number_invalid', 'card.number'],
    ['12 digits', { card: cardOf('424242424242') }, 'card_number_invalid', 'card.number'],
    ['20 digits', { card: cardOf('42424242424242424242') }, 'card_number_invalid', 'card.number'],
    ['letters', { card: cardOf('4242 4242 4242 abcd') }, 'card_number_invalid', 'card.number'],
    ['a number type', { card: cardOf(VISA, { number: 4242 }) }, 'parameter_invalid', 'card.number'],
    [
      'no number',
      { card: cardOf(VISA, { number: undefined }) },
      'parameter_missing',
      'card.number',
    ],
    [
      'an expired year',
      { card: cardOf(VISA, { expYear: lastYear }) },
      'card_expired',
      'card.expYear',
    ],
    ['month 13', { card: cardOf(VISA, { expMonth: 13 }) }, 'parameter_invalid', 'card.expMonth'],
    ['month 0', { card: cardOf(VISA, { expMonth: 0 }) }, 'parameter_invalid', 'card.expMonth'],
    [
      'a string month',
      { card: cardOf(VISA, { expMonth: '12' }) },
      'parameter_invalid',
      'card.expMonth',
    ],
    [
      'a two-digit year',
      { card: cardOf(VISA, { expYear: 30 }) },
      'parameter_invalid',
      'card.expYear',
    ],
    ['a two-digit CVC', { card: cardOf(VISA, { cvc: '98' }) }, 'cvc_invalid', 'card.cvc'],
    [
      'a four-digit CVC on a visa',
      { card: cardOf(VISA, { cvc: '9876' }) },
      'cvc_invalid',
      'card.cvc',
    ],
    [
      'a three-digit CVC on an amex',
      { card: cardOf(AMEX, { cvc: '987' }) },
      'cvc_invalid',
      'card.cvc',
    ],
    ['a numeric CVC', { card: cardOf(VISA, { cvc: 987 }) }, 'parameter_invalid', 'card.cvc'],
    ['no CVC', { card: cardOf(VISA, { cvc: undefined }) }, 'parameter_missing', 'card.cvc'],
    ['another type', { type: 'bank_account' }, 'parameter_invalid', 'type'],
    ['no card', { card: undefined }, 'parameter_missing', 'card'],
    [
      'an unknown card field',
      { card: cardOf(VISA, { name: 'Ada' }) },
      'parameter_unknown',
      'card.name',
    ],
    ['an unknown field', { metadata: {} }, 'parameter_unknown', 'metadata'],
    ['an empty customer', { customer: '' }, 'parameter_invalid', 'customer'],
  ])('%s', (_label, patch, code, param) => {
    const body = { ...valid, ...patch };

    it(`is 400 ${code} naming ${param} over REST, quoting no card data and storing nothing`, async () => {
      const customer = await newCustomer();
      const res = await createMethod({ ...body, ...('customer' in patch ? {} : { customer }) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
      const card = (body as { card?: { number?: unknown; cvc?: unknown } }).card ?? {};
      const digits = typeof card.number === 'string' ? card.number.replace(/\D/g, '') : '';
      if (digits.length > 4) expect(res.text).not.toContain(digits.slice(-6));
      if (typeof card.cvc === 'string') expect(res.text).not.toContain(`"${card.cvc}"`);
      if (!('customer' in patch)) expect((await listOf(customer)).body.data).toEqual([]);
    });

    it(`is the same over tRPC`, async () => {
      const res = await http(server, 'POST', '/trpc/paymentMethods.create', {
        key: account.testKey,
        body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.data).toMatchObject({ type: 'invalid_request_error', code, param });
    });
  });

  it('refuses a month already past in this year with card_expired on card.expMonth', async () => {
    const now = new Date();
    if (now.getUTCMonth() === 0) return; // January: no month of this year is past yet
    const res = await createMethod({
      type: 'card',
      card: cardOf(VISA, { expMonth: now.getUTCMonth(), expYear: now.getUTCFullYear() }),
    });
    expect(res.body.error).toMatchObject({ code: 'card_expired', param: 'card.expMonth' });
  });

  it('does not echo a card number sent as the name of a field', async () => {
    const res = await createMethod({ type: 'card', card: { ...cardOf(VISA), [VISA]: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('parameter_unknown');
    expect(res.text).not.toContain(VISA);
  });
});

describe('payment methods: fingerprints', () => {
  it('are equal for one number however it is written, within an account and both its environments', async () => {
    const plain = await newMethod(VISA);
    const spaced = await newMethod('4242 4242 4242 4242');
    const dashed = await newMethod('4242-4242-4242-4242');
    const live = await newMethod(VISA, undefined, account.liveKey);
    expect(new Set([plain, spaced, dashed, live].map((m) => m.card.fingerprint)).size).toBe(1);
  });

  it('differ between numbers and between accounts', async () => {
    const visa = await newMethod(VISA);
    const mastercard = await newMethod(MASTERCARD);
    const elsewhere = await newMethod(VISA, undefined, (await newAccount()).testKey);
    expect(mastercard.card.fingerprint).not.toBe(visa.card.fingerprint);
    expect(elsewhere.card.fingerprint).not.toBe(visa.card.fingerprint);
  });

  it('are an HMAC under a per-account key from the server secret, never a plain hash', async () => {
    const { db } = await testDatabase();
    const [secret] = await db
      .select({ value: serverSecrets.value })
      .from(serverSecrets)
      .where(eq(serverSecrets.name, 'card_hashing'));
    const key = Buffer.from(secret?.value ?? '', 'base64');
    expect(key).toHaveLength(32);
    const accountKey = createHmac('sha256', key)
      .update(`card-fingerprint:${account.accountId}`)
      .digest();
    const expected = createHmac('sha256', accountKey).update(VISA).digest('base64url').slice(0, 16);
    const method = await newMethod(VISA);
    expect(method.card.fingerprint).toBe(expected);
    for (const plainHash of ['sha256', 'sha1', 'md5']) {
      const digest = createHash(plainHash).update(VISA).digest();
      expect(digest.toString('base64url')).not.toContain(method.card.fingerprint);
      expect(digest.toString('hex')).not.toContain(method.card.fingerprint);
    }
  });

  it('follow FINGERPRINT_SECRET when it is set, the same in every server that has it', async () => {
    const secret = 'a-fingerprint-secret-of-at-least-32-characters';
    const [one, two] = await Promise.all([serverWith(secret), serverWith(secret)]);
    try {
      const body = { type: 'card', card: cardOf(VISA) };
      const fromOne = await http(one, 'POST', '/v1/payment_methods', {
        key: account.testKey,
        body,
      });
      const fromTwo = await http(two, 'POST', '/v1/payment_methods', {
        key: account.testKey,
        body,
      });
      expect(fromOne.body.card.fingerprint).toBe(fromTwo.body.card.fingerprint);
      expect(fromOne.body.card.fingerprint).not.toBe((await newMethod(VISA)).card.fingerprint);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

async function serverWith(fingerprintSecret: string): Promise<TestServer> {
  const database = await testDatabase();
  const app = await buildServer({ database, logLevel: 'silent', fingerprintSecret });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, database, close: () => app.close() };
}

describe('payment methods: the SPEC test numbers', () => {
  it.each([
    [DECLINES, 'card_declined'],
    [NO_FUNDS, 'insufficient_funds'],
  ])('%s cannot be attached (%s) and declines every charge unattached', async (number, code) => {
    const customer = await newCustomer();
    const refused = await createMethod({ type: 'card', card: cardOf(number), customer });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code });
    expect(refused.text).not.toContain(number);
    expect((await listOf(customer)).body.data).toEqual([]);

    const unattached = await newMethod(number);
    const attachRefused = await attach(unattached.id, customer);
    expect(attachRefused.status).toBe(400);
    expect(attachRefused.body.error).toMatchObject({ type: 'invalid_request_error', code });
    expect((await get(`/v1/payment_methods/${unattached.id}`)).body.customer).toBeNull();

    const charged = await pay({ paymentMethod: unattached.id });
    expect(charged.status).toBe(200);
    expect(charged.body).toMatchObject({
      status: 'failed',
      failureCode: code,
      paymentMethod: unattached.id,
    });
  });

  it('4000000000000341 attaches, then declines every charge and stays out of analytics', async () => {
    const customer = await newCustomer();
    const method = await newMethod(DECLINES_CHARGES, customer);
    expect(method.customer).toBe(customer);
    for (let i = 0; i < 2; i++) {
      const charged = await pay({ customer, paymentMethod: method.id });
      expect(charged.body).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    }
    expect((await get(`/v1/customers/${customer}/analytics`)).body.totalPayments).toBe(0);
  });

  it.each([VISA, MASTERCARD, AMEX])(
    '%s charges successfully as the customer’s and counts in analytics',
    async (number) => {
      const customer = await newCustomer();
      const method = await newMethod(number, customer);
      const charged = await pay({ customer, paymentMethod: method.id, amount: 2500 });
      expect(charged.body).toMatchObject({
        status: 'succeeded',
        failureCode: null,
        customer,
        paymentMethod: method.id,
      });
      expect((await get(`/v1/customers/${customer}/analytics`)).body).toMatchObject({
        totalPayments: 1,
        volume: [{ currency: 'usd', total: 2500, average: 2500 }],
      });
    },
  );

  it('keeps only the decline the number implies: no column holds the number', async () => {
    const method = await newMethod(DECLINES_CHARGES);
    const { db } = await testDatabase();
    const [row] = await db.select().from(paymentMethods).where(eq(paymentMethods.id, method.id));
    expect(row).toMatchObject({
      last4: '0341',
      attachFailureCode: null,
      chargeFailureCode: 'card_declined',
    });
    expect(JSON.stringify(row)).not.toContain(DECLINES_CHARGES);
    expect(JSON.stringify(row)).not.toContain(DECLINES_CHARGES.slice(0, 12));
  });
});

describe('payment methods: attaching and detaching', () => {
  it('answers attaching to the same customer again with the card as it is', async () => {
    const customer = await newCustomer();
    const method = await newMethod(VISA, customer);
    const again = await attach(method.id, customer);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(method);
  });

  it('refuses a card attached to another customer, detached, or never attached', async () => {
    const [first, second] = [await newCustomer(), await newCustomer()];
    const method = await newMethod(VISA, first);
    const elsewhere = await attach(method.id, second);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'payment_method_unexpected_state',
    });
    expect(elsewhere.body.error.message).toMatch(/already attached to a customer/);
    expect((await listOf(second)).body.data).toEqual([]);

    expect((await detach(method.id)).status).toBe(200);
    for (const res of [await detach(method.id), await attach(method.id, first)]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('payment_method_unexpected_state');
    }
    const unattached = await newMethod(VISA);
    const neverAttached = await detach(unattached.id);
    expect(neverAttached.status).toBe(400);
    expect(neverAttached.body.error.code).toBe('payment_method_unexpected_state');
  });

  it.each([
    ['an unknown customer', () => Promise.resolve('cus_neverexisted000000000000')],
    ['another account’s customer', async () => newCustomer((await newAccount()).testKey)],
    ['the live environment’s customer', () => newCustomer(account.liveKey)],
    [
      'a deleted customer',
      async () => {
        const id = await newCustomer();
        await http(server, 'DELETE', `/v1/customers/${id}`, { key: account.testKey });
        return id;
      },
    ],
  ])('attaching or creating for %s is 400 resource_missing naming customer', async (_l, of) => {
    const customer = await of();
    const method = await newMethod(VISA);
    for (const res of [
      await attach(method.id, customer),
      await createMethod({ type: 'card', card: cardOf(VISA), customer }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    }
    expect((await get(`/v1/payment_methods/${method.id}`)).body.customer).toBeNull();
  });
});

describe('payment methods: the customer’s default', () => {
  it('is set with update to an attached card, cleared with null, and cleared by detaching it', async () => {
    const customer = await newCustomer();
    const [first, second] = [await newMethod(VISA, customer), await newMethod(VISA, customer)];
    expect((await get(`/v1/customers/${customer}`)).body.defaultPaymentMethod).toBeNull();

    const set = await setDefault(customer, first.id);
    expect(set.status).toBe(200);
    expect(set.body.defaultPaymentMethod).toBe(first.id);
    expect((await get(`/v1/customers/${customer}`)).body.defaultPaymentMethod).toBe(first.id);

    expect((await detach(second.id)).status).toBe(200);
    expect((await get(`/v1/customers/${customer}`)).body.defaultPaymentMethod).toBe(first.id);
    expect((await setDefault(customer, null)).body.defaultPaymentMethod).toBeNull();

    await setDefault(customer, first.id);
    const before = (await get(`/v1/customers/${customer}`)).body;
    expect((await detach(first.id)).status).toBe(200);
    const after = (await get(`/v1/customers/${customer}`)).body;
    expect(after.defaultPaymentMethod).toBeNull();
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
  });

  it.each([
    ['an unknown card', async () => Promise.resolve('pm_neverexisted000000000000')],
    ['an unattached card', async () => (await newMethod(VISA)).id],
    ['another customer’s card', async () => (await newMethod(VISA, await newCustomer())).id],
    [
      'a detached card',
      async () => {
        const method = await newMethod(VISA, await newCustomer());
        await detach(method.id);
        return method.id;
      },
    ],
    [
      'another account’s card',
      async () => (await newMethod(VISA, undefined, (await newAccount()).testKey)).id,
    ],
    [
      'the live environment’s card',
      async () => (await newMethod(VISA, undefined, account.liveKey)).id,
    ],
  ])('refuses %s with 400 resource_missing naming defaultPaymentMethod', async (_l, methodOf) => {
    const customer = await newCustomer();
    const res = await setDefault(customer, await methodOf());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'defaultPaymentMethod',
    });
    expect((await get(`/v1/customers/${customer}`)).body.defaultPaymentMethod).toBeNull();
  });

  it('is refused with a detached card even while it still names the customer', async () => {
    const customer = await newCustomer();
    const method = await newMethod(VISA, customer);
    await detach(method.id);
    expect((await setDefault(customer, method.id)).status).toBe(400);
  });
});

describe('payment methods: payments with saved cards', () => {
  it.each([
    ['another customer’s card', async () => (await newMethod(VISA, await newCustomer())).id],
    ['an unattached card', async () => (await newMethod(VISA)).id],
    [
      'another account’s card',
      async () => (await newMethod(VISA, undefined, (await newAccount()).testKey)).id,
    ],
    [
      'the live environment’s card',
      async () => (await newMethod(VISA, undefined, account.liveKey)).id,
    ],
    ['an unknown card', () => Promise.resolve('pm_neverexisted000000000000')],
  ])('refuses %s for a customer with 400 resource_missing naming paymentMethod', async (_l, of) => {
    const customer = await newCustomer();
    const res = await pay({ customer, paymentMethod: await of() });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'paymentMethod' });
    expect((await get(`/v1/customers/${customer}/payments`)).body.data).toEqual([]);
  });

  it('wants the customer named to charge a customer’s card', async () => {
    const method = await newMethod(VISA, await newCustomer());
    const res = await pay({ paymentMethod: method.id });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_missing', param: 'customer' });
  });

  it('refuses a detached card with payment_method_unexpected_state naming paymentMethod', async () => {
    const customer = await newCustomer();
    const method = await newMethod(VISA, customer);
    await detach(method.id);
    for (const body of [{ customer, paymentMethod: method.id }, { paymentMethod: method.id }]) {
      const res = await pay(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'payment_method_unexpected_state',
        param: 'paymentMethod',
      });
    }
  });

  it('charges an unattached card without a customer, and keeps test methods working', async () => {
    const method = await newMethod(VISA);
    expect((await pay({ paymentMethod: method.id })).body).toMatchObject({
      status: 'succeeded',
      customer: null,
      paymentMethod: method.id,
    });
    const customer = await newCustomer();
    expect((await pay({ customer, paymentMethod: 'pm_card_visa' })).body.status).toBe('succeeded');
    expect((await pay({ customer, paymentMethod: 'pm_card_chargeDeclined' })).body).toMatchObject({
      status: 'failed',
      failureCode: 'card_declined',
    });
  });

  it('leaves a deleted customer’s cards in place but usable by nobody', async () => {
    const customer = await newCustomer();
    const method = await newMethod(VISA, customer);
    await setDefault(customer, method.id);
    await http(server, 'DELETE', `/v1/customers/${customer}`, { key: account.testKey });

    const kept = await get(`/v1/payment_methods/${method.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.customer).toBe(customer);
    expect((await listOf(customer)).status).toBe(404);
    expect((await pay({ customer, paymentMethod: method.id })).body.error.param).toBe('customer');
    expect((await pay({ paymentMethod: method.id })).body.error.param).toBe('customer');
    const elsewhere = await attach(method.id, await newCustomer());
    expect(elsewhere.body.error.code).toBe('payment_method_unexpected_state');
  });

  it('bills subscriptions with a saved card, whose number decides the first charge', async () => {
    const customer = await newCustomer();
    const [good, bad] = [
      await newMethod(VISA, customer),
      await newMethod(DECLINES_CHARGES, customer),
    ];
    const subscribe = (defaultPaymentMethod: string) =>
      post('/v1/subscriptions', {
        customer,
        amount: 900,
        currency: 'usd',
        interval: 'month',
        defaultPaymentMethod,
      });
    const active = await subscribe(good.id);
    expect(active.status, active.text).toBe(200);
    expect(active.body).toMatchObject({ status: 'active', defaultPaymentMethod: good.id });
    expect((await subscribe(bad.id)).body.status).toBe('incomplete');
    const foreign = await subscribe((await newMethod(VISA, await newCustomer())).id);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({
      code: 'resource_missing',
      param: 'defaultPaymentMethod',
    });
  });
});

describe('payment methods: isolation and permissions', () => {
  const strangers = [
    ['another account, test', async () => (await newAccount()).testKey],
    ['another account, live', async () => (await newAccount()).liveKey],
    ['the same account, live', () => Promise.resolve(account.liveKey)],
  ] as const;

  it.each(strangers)(
    '%s: every pm_ id is a 404 exactly like one that never existed',
    async (_l, keyOf) => {
      const key = await keyOf();
      const customer = await newCustomer();
      const method = await newMethod(VISA, customer);
      const theirCustomer = await newCustomer(key);
      const missing = 'pm_neverexisted000000000000';
      for (const [foreign, never] of [
        [get(`/v1/payment_methods/${method.id}`, key), get(`/v1/payment_methods/${missing}`, key)],
        [attach(method.id, theirCustomer, key), attach(missing, theirCustomer, key)],
        [detach(method.id, key), detach(missing, key)],
      ] as const) {
        const [a, b] = await Promise.all([foreign, never]);
        expect(a.status).toBe(404);
        expect(a.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
        expect(a.body.error.message.replace(method.id, 'ID')).toBe(
          b.body.error.message.replace(missing, 'ID'),
        );
      }
      const list = await listOf(customer, '', key);
      expect(list.status).toBe(404);
      expect(list.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
      const trpc = trpcClient(server, key);
      await expect(trpc.paymentMethods.retrieve.query({ id: method.id })).rejects.toMatchObject({
        data: { code: 'resource_missing', httpStatus: 404 },
      });
      // Nothing changed for the owner.
      expect((await get(`/v1/payment_methods/${method.id}`)).body.customer).toBe(customer);
    },
  );

  it('needs payment_methods:read to read and payment_methods:write to write', async () => {
    const customer = await newCustomer();
    const method = await newMethod(VISA, customer);
    const other = await newMethod(VISA);
    const body = { type: 'card', card: cardOf(VISA) };
    const calls = (key: string) => ({
      create: () => createMethod(body, key),
      retrieve: () => get(`/v1/payment_methods/${method.id}`, key),
      attach: () => attach(other.id, customer, key),
      detach: () => detach(method.id, key),
      list: () => listOf(customer, '', key),
    });
    const none = calls(
      await restrictedKey(account.accountId, [
        'customers:read',
        'customers:write',
        'payments:write',
      ]),
    );
    for (const call of Object.values(none)) {
      const res = await call();
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        type: 'permission_error',
        code: 'insufficient_permissions',
      });
    }
    const readOnly = calls(await restrictedKey(account.accountId, ['payment_methods:read']));
    expect((await readOnly.retrieve()).status).toBe(200);
    expect((await readOnly.list()).status).toBe(200);
    for (const call of [readOnly.create, readOnly.attach, readOnly.detach]) {
      expect((await call()).status).toBe(403);
    }
    const writer = calls(
      await restrictedKey(account.accountId, ['payment_methods:read', 'payment_methods:write']),
    );
    expect((await writer.create()).status).toBe(200);
    expect((await writer.attach()).status).toBe(200);
    expect((await writer.detach()).status).toBe(200);
  });
});

describe('payment methods: idempotency', () => {
  const withKey = (body: unknown, key: string) =>
    createMethod(body, account.testKey, { 'idempotency-key': key });

  it('replays a retried create with the same card, and refuses the key for another card', async () => {
    const key = `pm-${uniqueEmail()}`;
    const body = { type: 'card', card: cardOf(VISA) };
    const first = await withKey(body, key);
    const retry = await withKey(body, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    for (const other of [cardOf(MASTERCARD), cardOf(VISA, { cvc: '124' })]) {
      const res = await withKey({ type: 'card', card: other }, key);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('idempotency_key_reused');
    }
  });

  it('hashes the card’s number and CVC only under the server’s key', async () => {
    const key = `pm-${uniqueEmail()}`;
    const body = { type: 'card', card: cardOf(MASTERCARD, { cvc: '321' }) };
    expect((await withKey(body, key)).status).toBe(200);
    const { db } = await testDatabase();
    const [stored] = await db
      .select()
      .from(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.accountId, account.accountId),
          eq(idempotencyKeys.livemode, false),
          eq(idempotencyKeys.key, key),
        ),
      );
    expect(stored).toBeDefined();
    // The hash a thief would compute to test a guess of the number: it must not match.
    const guess = createHash('sha256')
      .update(`POST /v1/payment_methods\n${canonicalJson(body)}`)
      .digest('hex');
    expect(stored?.requestHash).not.toBe(guess);
    expect(stored?.responseBody).not.toContain(MASTERCARD);
    expect(stored?.responseBody).not.toContain('"321"');
  });

  it('stores a refused card’s answer without its number or CVC', async () => {
    const key = `pm-${uniqueEmail()}`;
    const body = { type: 'card', card: cardOf('4242424242424241', { cvc: '7' }) };
    const first = await withKey(body, key);
    expect(first.status).toBe(400);
    const retry = await withKey(body, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(retry.text).not.toContain('4242424242424241');
  });
});
