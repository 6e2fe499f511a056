import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { customerPaymentTotals } from '../src/db/schema/index.js';
import { verifyCustomerTotals } from '../src/queries/analytics.js';
import { http, uniqueEmail, serverWithAccount } from './harness.js';

const { server, account } = serverWithAccount();

async function customerWithPayments(amounts: number[]) {
  const customer = await http(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { name: 'Audited', email: uniqueEmail('audit') },
  });
  const id = customer.body.id as string;
  const payments = await Promise.all(
    amounts.map((amount) =>
      http(server, 'POST', '/v1/payments', {
        key: account.testKey,
        body: { amount, currency: 'usd', customer: id },
      }),
    ),
  );
  // Failed or refused payments leave no totals to check, and every comparison would pass.
  for (const payment of payments) {
    expect(payment.status).toBe(200);
    expect(payment.body).toMatchObject({ status: 'succeeded', customer: id });
  }
  return id;
}

const mismatchesFor = async (customerId: string, repair = false) =>
  (await verifyCustomerTotals(server.database.db, repair)).filter(
    (m) => m.customerId === customerId,
  );

describe('maintained analytics totals', () => {
  it('agree with a recomputation from the payments after concurrent writes', async () => {
    const customer = await customerWithPayments(
      Array.from({ length: 25 }, (_, i) => 100 * (i + 1)),
    );
    expect(await mismatchesFor(customer)).toEqual([]);
    // ...and the totals they agree on are all 25 payments (100 + 200 + ... + 2500).
    const analytics = await http(server, 'GET', `/v1/customers/${customer}/analytics`, {
      key: account.testKey,
    });
    expect(analytics.body).toMatchObject({
      totalPayments: 25,
      volume: [{ currency: 'usd', total: 32500, average: 1300 }],
    });
  });

  it('are reported when they drift and rewritten from the payments on repair', async () => {
    const customer = await customerWithPayments([500, 700]);
    const row = and(
      eq(customerPaymentTotals.accountId, account.accountId),
      eq(customerPaymentTotals.customerId, customer),
    );
    await server.database.db
      .update(customerPaymentTotals)
      .set({ total: sql`${customerPaymentTotals.total} + 1` })
      .where(row);

    expect(await mismatchesFor(customer)).toEqual([
      expect.objectContaining({
        customerId: customer,
        currency: 'usd',
        stored: { count: '2', total: '1201' },
        actual: { count: '2', total: '1200' },
      }),
    ]);
    expect(await mismatchesFor(customer, true)).toHaveLength(1);
    expect(await mismatchesFor(customer)).toEqual([]);
    const analytics = await http(server, 'GET', `/v1/customers/${customer}/analytics`, {
      key: account.testKey,
    });
    expect(analytics.body.volume).toEqual([{ currency: 'usd', total: 1200, average: 600 }]);
  });

  it('reports and removes a totals row with no payments behind it', async () => {
    const customer = await customerWithPayments([300]);
    await server.database.db.insert(customerPaymentTotals).values({
      accountId: account.accountId,
      livemode: false,
      customerId: customer,
      currency: 'eur',
      succeededCount: 1n,
      total: '999',
      lastPaymentAt: new Date(),
    });
    expect(await mismatchesFor(customer)).toEqual([
      expect.objectContaining({
        currency: 'eur',
        actual: null,
        stored: { count: '1', total: '999' },
      }),
    ]);
    await mismatchesFor(customer, true);
    const analytics = await http(server, 'GET', `/v1/customers/${customer}/analytics`, {
      key: account.testKey,
    });
    expect(analytics.body.volume.map((v: { currency: string }) => v.currency)).toEqual(['usd']);
  });
});
