import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { http, newAccount, serverWithAccount, testDatabase, type TestAccount } from './harness.js';

/**
 * The import validates and writes a batch at a time (csv-import.ts), yet the rows of one email
 * form one group at its first row's place in the file, however far apart they are: a later row
 * folds into (update), is skipped with (skip) or is refused against (error) the first one, exactly
 * as when the whole file was grouped before anything was written.
 */
const { server } = serverWithAccount();

/** 1,300 rows, more than two batches; rows 2 and 1,300 of the file share one email. */
function spreadFile(shared: string) {
  const lines = ['name,email,phone,metadata.plan'];
  lines.push(`First,${shared},,free`);
  for (let i = 0; i < 1_297; i++)
    lines.push(`Row ${i},row.${i}.${Date.now().toString(36)}@example.com,,`);
  // The same identity written differently: the schema trims, the identity lower-cases.
  lines.push(`Last,"  ${shared.toUpperCase()} ",+14155550111,pro`);
  return lines.join('\n');
}

async function importAs(fresh: TestAccount, csv: string, query: string) {
  return http(server, 'POST', `/v1/customers/import${query}`, {
    key: fresh.testKey,
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
}

async function stored(accountId: string, email: string) {
  const { db } = await testDatabase();
  return rowsOf<{ id: string; name: string; phone: string | null; metadata: unknown }>(
    await db.execute(sql`
      select id, name, phone, metadata from customers
      where account_id = ${accountId} and email_identity = ${email} and deleted_at is null
    `),
  );
}

async function eventsOf(accountId: string, customerId: string) {
  const { db } = await testDatabase();
  return rowsOf<{ type: string }>(
    await db.execute(
      sql`select type from events where account_id = ${accountId} and customer_id = ${customerId}`,
    ),
  );
}

describe('import: one email in rows more than a batch apart', () => {
  it('update folds the later row into the first, one customer and one customer.created', async () => {
    const fresh = await newAccount('Spread update');
    const shared = `spread.update.${Date.now().toString(36)}@example.com`;
    const res = await importAs(fresh, spreadFile(shared), '?onDuplicate=update');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1_298, updated: 1, errors: 0 });
    const [customer, ...others] = await stored(fresh.accountId, shared);
    expect(others).toHaveLength(0);
    expect(customer).toMatchObject({
      name: 'Last',
      phone: '+14155550111',
      metadata: { plan: 'pro' },
    });
    expect(res.body.rows[0]).toMatchObject({ line: 2, status: 'created', customer: customer?.id });
    expect(res.body.rows[1_298]).toMatchObject({
      line: 1_300,
      status: 'updated',
      customer: customer?.id,
    });
    expect((await eventsOf(fresh.accountId, customer?.id ?? '')).map((e) => e.type)).toEqual([
      'customer.created',
    ]);
  });

  it('skip skips the later row with the first one’s customer', async () => {
    const fresh = await newAccount('Spread skip');
    const shared = `spread.skip.${Date.now().toString(36)}@example.com`;
    const res = await importAs(fresh, spreadFile(shared), '?onDuplicate=skip');
    expect(res.body).toMatchObject({ created: 1_298, skipped: 1, errors: 0 });
    const [customer] = await stored(fresh.accountId, shared);
    expect(customer).toMatchObject({ name: 'First', phone: null, metadata: { plan: 'free' } });
    expect(res.body.rows[1_298]).toMatchObject({ status: 'skipped', customer: customer?.id });
  });

  it('error refuses the later row, naming the first one’s line', async () => {
    const fresh = await newAccount('Spread error');
    const shared = `spread.error.${Date.now().toString(36)}@example.com`;
    const res = await importAs(fresh, spreadFile(shared), '');
    expect(res.body).toMatchObject({ created: 1_298, errors: 1 });
    expect(res.body.rows[1_298]).toMatchObject({
      line: 1_300,
      status: 'error',
      errors: [
        { param: 'email', code: 'customer_email_taken', message: 'Line 2 has the same email.' },
      ],
    });
  });

  it('an invalid first row leaves the next row of the email to lead', async () => {
    const fresh = await newAccount('Spread leader');
    const shared = `spread.leader.${Date.now().toString(36)}@example.com`;
    const csv = spreadFile(shared).replace(`First,${shared},,free`, `,${shared},,free`);
    const res = await importAs(fresh, csv, '?onDuplicate=update');
    expect(res.body).toMatchObject({ created: 1_298, updated: 0, errors: 1 });
    expect(res.body.rows[0]).toMatchObject({ status: 'error', errors: [{ param: 'name' }] });
    const [customer] = await stored(fresh.accountId, shared);
    expect(res.body.rows[1_298]).toMatchObject({ status: 'created', customer: customer?.id });
    expect(customer).toMatchObject({ name: 'Last' });
  });
});
