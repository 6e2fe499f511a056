import { describe, expect, it } from 'vitest';
import {
  http,
  newAccount,
  restrictedKey,
  trpcClient,
  uniqueEmail,
  serverWithAccount,
} from './harness.js';

const { server, account } = serverWithAccount();

async function newCustomer(key = account.testKey) {
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Paying Customer', email: uniqueEmail('payer') },
  });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

const pay = (
  body: Record<string, unknown>,
  key = account.testKey,
  headers: Record<string, string> = {},
) => http(server, 'POST', '/v1/payments', { key, body, headers });

const analytics = async (customerId: string, key = account.testKey) =>
  http(server, 'GET', `/v1/customers/${customerId}/analytics`, { key });

describe('payments: happy paths', () => {
  it('creates, retrieves and lists a payment linked to its customer', async () => {
    const customer = await newCustomer();
    const created = await pay({
      amount: 2500,
      currency: 'USD',
      customer,
      paymentMethod: 'pm_card_visa',
      description: 'Invoice 42',
      metadata: { invoice: '42' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: 'payment',
      amount: 2500,
      currency: 'usd',
      customer,
      paymentMethod: 'pm_card_visa',
      status: 'succeeded',
      failureCode: null,
      description: 'Invoice 42',
      metadata: { invoice: '42' },
      livemode: false,
    });
    expect(created.body.id).toMatch(/^pay_[0-9A-Za-z]{24}$/);

    const retrieved = await http(server, 'GET', `/v1/payments/${created.body.id}`, {
      key: account.testKey,
    });
    expect(retrieved.body).toEqual(created.body);

    const listed = await http(server, 'GET', `/v1/payments?customer=${customer}`, {
      key: account.testKey,
    });
    expect(listed.body).toMatchObject({ object: 'list', hasMore: false, url: '/v1/payments' });
    expect(listed.body.data).toEqual([created.body]);

    const viaCustomer = await http(server, 'GET', `/v1/customers/${customer}/payments`, {
      key: account.testKey,
    });
    expect(viaCustomer.body.data).toEqual([created.body]);
    expect(viaCustomer.body.url).toBe(`/v1/customers/${customer}/payments`);
    // Lists read their rows without Drizzle's mapping (selectPaymentsPage): byte for byte the same.
    expect(JSON.stringify(listed.body.data[0])).toBe(created.text);
    expect(JSON.stringify(viaCustomer.body.data[0])).toBe(created.text);
  });

  it('takes a payment without a customer', async () => {
    const res = await pay({ amount: 100, currency: 'eur' });
    expect(res.status).toBe(200);
    expect(res.body.customer).toBeNull();
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ])(
    'stores a charge on %s as failed with %s, outside analytics',
    async (paymentMethod, failureCode) => {
      const customer = await newCustomer();
      const res = await pay({ amount: 700, currency: 'usd', customer, paymentMethod });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'failed', failureCode });
      expect((await analytics(customer)).body).toMatchObject({
        totalPayments: 0,
        lastPaymentAt: null,
        volume: [],
      });
    },
  );

  it('pages through a customer’s payments newest first without skips or repeats', async () => {
    const customer = await newCustomer();
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push((await pay({ amount: 100 + i, currency: 'usd', customer })).body.id);
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const res = await http(
        server,
        'GET',
        `/v1/customers/${customer}/payments?limit=3${cursor && `&startingAfter=${cursor}`}`,
        { key: account.testKey },
      );
      const ids = res.body.data.map((p: { id: string }) => p.id) as string[];
      seen.push(...ids);
      await pay({ amount: 1, currency: 'usd', customer }); // arrives at the head meanwhile
      if (!res.body.hasMore) break;
      cursor = ids[ids.length - 1] ?? '';
    }
    expect(seen).toEqual([...made].reverse());
    const back = await http(
      server,
      'GET',
      `/v1/payments?customer=${customer}&limit=2&endingBefore=${made[2]}`,
      {
        key: account.testKey,
      },
    );
    expect(back.body.data.map((p: { id: string }) => p.id)).toEqual([made[4], made[3]]);
  });

  it('works through the typed tRPC client', async () => {
    const client = trpcClient(server, account.testKey);
    const customer = await newCustomer();
    const payment = await client.payments.create.mutate({
      amount: 1234,
      currency: 'gbp',
      customer,
    });
    expect(await client.payments.retrieve.query({ id: payment.id })).toEqual(payment);
    expect((await client.customers.payments.query({ id: customer })).data).toEqual([payment]);
    expect(await client.customers.analytics.query({ id: customer })).toEqual({
      object: 'customer_analytics',
      customer,
      totalPayments: 1,
      lastPaymentAt: payment.createdAt,
      volume: [{ currency: 'gbp', total: 1234, average: 1234 }],
    });
  });
});

describe('payments: validation', () => {
  it.each([
    ['amount 0', { amount: 0 }, 'parameter_invalid', 'amount'],
    ['a negative amount', { amount: -100 }, 'parameter_invalid', 'amount'],
    ['a fractional amount', { amount: 10.5 }, 'parameter_invalid', 'amount'],
    ['a string amount', { amount: '100' }, 'parameter_invalid', 'amount'],
    ['an amount over 99,999,999', { amount: 100_000_000 }, 'parameter_invalid', 'amount'],
    ['a missing amount', { amount: undefined }, 'parameter_missing', 'amount'],
    ['an unknown currency', { currency: 'xyz' }, 'parameter_invalid', 'currency'],
    ['a missing currency', { currency: undefined }, 'parameter_missing', 'currency'],
    ['an unknown field', { capture: false }, 'parameter_unknown', 'capture'],
    [
      'an unknown payment method',
      { paymentMethod: 'pm_nope' },
      'resource_missing',
      'paymentMethod',
    ],
    [
      'a card number in metadata',
      { metadata: { pan: '4242424242424242' } },
      'sensitive_data_rejected',
      'metadata.pan',
    ],
  ])('refuses %s', async (_label, patch, code, param) => {
    const customer = await newCustomer();
    const res = await pay({ amount: 500, currency: 'usd', customer, ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    const listed = await http(server, 'GET', `/v1/payments?customer=${customer}`, {
      key: account.testKey,
    });
    expect(listed.body.data).toEqual([]);
  });

  it('keeps a string amount refused after REST has coerced query numbers', async () => {
    await http(server, 'GET', '/v1/payments?limit=5', { key: account.testKey });
    const rest = await pay({ amount: '100', currency: 'usd' });
    expect(rest.status).toBe(400);
    expect(rest.body.error.param).toBe('amount');
    const client = trpcClient(server, account.testKey);
    await expect(
      client.payments.create.mutate({ amount: '100', currency: 'usd' } as never),
    ).rejects.toMatchObject({
      data: { code: 'parameter_invalid', param: 'amount' },
    });
  });

  it.each([
    ['an unknown customer', () => Promise.resolve('cus_doesnotexist000000000')],
    ['another account’s customer', async () => newCustomer((await newAccount()).testKey)],
    ['the live environment’s customer', async () => newCustomer(account.liveKey)],
  ])('refuses %s with 400 resource_missing naming customer', async (_label, customerOf) => {
    const res = await pay({ amount: 500, currency: 'usd', customer: await customerOf() });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'customer',
    });
  });

  it('lists only its own account’s and environment’s payments', async () => {
    const other = await newAccount();
    const theirCustomer = await newCustomer(other.testKey);
    const theirs = await pay(
      { amount: 700, currency: 'usd', customer: theirCustomer },
      other.testKey,
    );
    const live = await pay({ amount: 800, currency: 'usd' }, account.liveKey);
    const ours = await pay({ amount: 900, currency: 'usd' });
    for (const created of [theirs, live, ours]) expect(created.status).toBe(200);
    const listed = await http(server, 'GET', '/v1/payments?limit=100', { key: account.testKey });
    const ids = (listed.body.data as { id: string }[]).map((payment) => payment.id);
    expect(ids).toContain(ours.body.id);
    expect(ids).not.toContain(theirs.body.id);
    expect(ids).not.toContain(live.body.id);
    // Filtered by another account's customer: nothing of theirs.
    const byTheirCustomer = await http(server, 'GET', `/v1/payments?customer=${theirCustomer}`, {
      key: account.testKey,
    });
    expect(byTheirCustomer.body.data).toEqual([]);
  });

  it('answers an unknown payment id with 404, and another account’s too', async () => {
    const other = await newAccount();
    const foreign = await pay({ amount: 100, currency: 'usd' }, other.testKey);
    for (const id of ['pay_missing', foreign.body.id]) {
      const res = await http(server, 'GET', `/v1/payments/${id}`, { key: account.testKey });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    const live = await http(server, 'GET', `/v1/payments/${foreign.body.id}`, {
      key: other.liveKey,
    });
    expect(live.status).toBe(404);
  });

  it('checks payments permissions on restricted keys', async () => {
    const customersOnly = await restrictedKey(account.accountId, [
      'customers:read',
      'customers:write',
    ]);
    expect((await pay({ amount: 100, currency: 'usd' }, customersOnly)).status).toBe(403);
    expect((await http(server, 'GET', '/v1/payments', { key: customersOnly })).status).toBe(403);
    const readOnly = await restrictedKey(account.accountId, ['payments:read']);
    expect((await http(server, 'GET', '/v1/payments', { key: readOnly })).status).toBe(200);
    expect((await pay({ amount: 100, currency: 'usd' }, readOnly)).status).toBe(403);
  });
});

describe('payments: idempotency', () => {
  it('never charges twice for a retried request', async () => {
    const customer = await newCustomer();
    const body = { amount: 4200, currency: 'usd', customer };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        pay(body, account.testKey, { 'idempotency-key': `charge-${customer}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    const retry = await pay(body, account.testKey, { 'idempotency-key': `charge-${customer}` });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(ok[0]?.text);
    const listed = await http(server, 'GET', `/v1/payments?customer=${customer}`, {
      key: account.testKey,
    });
    expect(listed.body.data).toHaveLength(1);
    expect((await analytics(customer)).body.volume).toEqual([
      { currency: 'usd', total: 4200, average: 4200 },
    ]);
  });
});

describe('analytics', () => {
  it('totals per currency, averages half-up and never adds currencies', async () => {
    const customer = await newCustomer();
    for (const [amount, currency] of [
      [100, 'usd'],
      [101, 'usd'],
      [1000, 'jpy'],
      [1, 'eur'],
      [2, 'eur'],
    ] as const) {
      expect((await pay({ amount, currency, customer })).status).toBe(200);
    }
    await pay({ amount: 999, currency: 'usd', customer, paymentMethod: 'pm_card_chargeDeclined' });
    const res = await analytics(customer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'customer_analytics', customer, totalPayments: 5 });
    expect(res.body.volume).toEqual([
      { currency: 'eur', total: 3, average: 2 }, // 1.5 → 2
      { currency: 'jpy', total: 1000, average: 1000 },
      { currency: 'usd', total: 201, average: 101 }, // 100.5 → 101
    ]);
    const last = await http(server, 'GET', `/v1/customers/${customer}/payments?limit=100`, {
      key: account.testKey,
    });
    const succeeded = last.body.data.filter((p: { status: string }) => p.status === 'succeeded');
    expect(res.body.lastPaymentAt).toBe(succeeded[0].createdAt);
  });

  it('counts all of 40 simultaneous payments for one customer', async () => {
    const customer = await newCustomer();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => pay({ amount: 1000 + i, currency: 'usd', customer })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const expectedTotal = Array.from({ length: 40 }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0);
    expect((await analytics(customer)).body).toMatchObject({
      totalPayments: 40,
      volume: [{ currency: 'usd', total: expectedTotal, average: Math.round(expectedTotal / 40) }],
    });
  });

  it('is empty for a customer with no payments, and 404 for unknown or foreign customers', async () => {
    const customer = await newCustomer();
    expect((await analytics(customer)).body).toEqual({
      object: 'customer_analytics',
      customer,
      totalPayments: 0,
      lastPaymentAt: null,
      volume: [],
    });
    expect((await analytics('cus_unknown')).status).toBe(404);
    expect((await analytics(customer, account.liveKey)).status).toBe(404);
    expect((await analytics(customer, (await newAccount()).testKey)).status).toBe(404);
  });
});

describe('deleting a customer keeps its history', () => {
  it('keeps payments retrievable and listed, and closes the customer to everything new', async () => {
    const customer = await newCustomer();
    const first = await pay({ amount: 300, currency: 'usd', customer });
    const second = await pay({ amount: 400, currency: 'usd', customer });
    expect(
      (await http(server, 'DELETE', `/v1/customers/${customer}`, { key: account.testKey })).status,
    ).toBe(200);

    const retrieved = await http(server, 'GET', `/v1/payments/${first.body.id}`, {
      key: account.testKey,
    });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual(first.body);
    expect(retrieved.body.customer).toBe(customer);

    const listed = await http(server, 'GET', `/v1/payments?customer=${customer}`, {
      key: account.testKey,
    });
    expect(listed.body.data).toEqual([second.body, first.body]);

    expect(
      (await http(server, 'GET', `/v1/customers/${customer}`, { key: account.testKey })).status,
    ).toBe(404);
    expect((await analytics(customer)).status).toBe(404);
    expect(
      (await http(server, 'GET', `/v1/customers/${customer}/payments`, { key: account.testKey }))
        .status,
    ).toBe(404);

    const refused = await pay({ amount: 100, currency: 'usd', customer });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
  });
});
