import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { customers } from '../src/db/schema/index.js';
import { backfillDuplicateKeys } from '../src/queries/duplicate-keys.js';
import {
  http,
  newAccount,
  serverWithAccount,
  testDatabase,
  trpcClient,
  type TestAccount,
} from './harness.js';

/**
 * Duplicate customers (SPEC §8): candidates from indexes (mailbox, phone, card, name trigrams),
 * scored by the domain. Each test has an account of its own, so its groups are its own.
 */
const { server } = serverWithAccount();
let account: TestAccount;
beforeEach(async () => {
  account = await newAccount('Duplicates merchant');
});

const EXP_YEAR = new Date().getUTCFullYear() + 3;
let serial = 0;

async function customer(
  body: { name: string; email?: string; phone?: string },
  key = account.testKey,
) {
  serial += 1;
  const res = await http(server, 'POST', '/v1/customers', {
    key,
    body: { email: `someone.${serial}.${Date.now()}@example.com`, ...body },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.id as string;
}

async function card(customerId: string, number = '4242424242424242') {
  const res = await http(server, 'POST', '/v1/payment_methods', {
    key: account.testKey,
    body: {
      type: 'card',
      card: { number, expMonth: 12, expYear: EXP_YEAR, cvc: '123' },
      customer: customerId,
    },
  });
  expect(res.status, res.text).toBe(200);
}

async function duplicatesOf(id: string, key = account.testKey) {
  const res = await http(server, 'GET', `/v1/customers/${id}/duplicates`, { key });
  return res;
}

const summary = (data: { customer: { id: string }; reasons: string[]; level: string }[]) =>
  data.map((candidate) => ({
    id: candidate.customer.id,
    reasons: candidate.reasons,
    level: candidate.level,
  }));

describe('a customer’s duplicates', () => {
  it('finds the same Gmail mailbox behind dots and a +tag, and the same name, as likely', async () => {
    const ada = await customer({ name: 'Ada Lovelace', email: 'ada.lovelace@gmail.com' });
    const again = await customer({
      name: 'Lovelace, Ada',
      email: 'AdaLovelace+shop@googlemail.com',
    });
    await customer({ name: 'Grace Hopper', email: 'grace@example.com' });
    const res = await duplicatesOf(ada);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', hasMore: false });
    expect(summary(res.body.data)).toEqual([
      { id: again, reasons: ['email', 'name'], level: 'likely' },
    ]);
    expect(res.body.data[0].score).toBe(0.88);
  });

  it('finds a shared phone, a shared card and a near-identical name, and nobody else', async () => {
    const target = await customer({ name: 'José Müller', phone: '+14155550100' });
    const samePhone = await customer({ name: 'Someone Else', phone: '+1 415 555 0100' });
    const sameName = await customer({ name: 'jose muller' });
    const sameCard = await customer({ name: 'Card Holder' });
    await customer({ name: 'Unrelated Person', phone: '+14155550199' });
    await card(target);
    await card(sameCard);
    const res = await duplicatesOf(target);
    const found = summary(res.body.data);
    expect(found).toEqual(
      expect.arrayContaining([
        { id: sameCard, reasons: ['card'], level: 'possible' },
        { id: sameName, reasons: ['name'], level: 'possible' },
        { id: samePhone, reasons: ['phone'], level: 'possible' },
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('is never a reason to refuse a customer, and another account’s or environment’s id is a 404', async () => {
    const ada = await customer({ name: 'Ada Lovelace', email: 'ada@gmail.com' });
    // A near-duplicate is created without complaint: only the exact email identity is unique.
    const twin = await customer({ name: 'Ada Lovelace', email: 'a.d.a+x@gmail.com' });
    expect(summary((await duplicatesOf(ada)).body.data).map((c) => c.id)).toEqual([twin]);
    const other = await newAccount('Other merchant');
    for (const key of [other.testKey, account.liveKey]) {
      const res = await duplicatesOf(ada, key);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    // Another account's lookalike is never a candidate.
    await customer({ name: 'Ada Lovelace', email: 'ada@gmail.com' }, other.testKey);
    expect((await duplicatesOf(ada)).body.data).toHaveLength(1);
  });
});

describe('a key too many customers share', () => {
  it('links nobody: a phone of 21 customers is a switchboard, one of 2 is a person', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 21; i += 1) {
      ids.push(await customer({ name: `Office ${i}`, phone: '+14155550123' }));
    }
    const first = ids[0] as string;
    expect((await duplicatesOf(first)).body.data).toEqual([]);
    const groups = await http(server, 'GET', '/v1/customers/duplicates', { key: account.testKey });
    expect(groups.body.data).toEqual([]);
    // Once all but two have another number, those two are one another's candidates again.
    const { db } = await testDatabase();
    await db
      .update(customers)
      .set({ phone: null })
      .where(
        sql`${customers.id} in (${sql.join(
          ids.slice(2).map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    expect(summary((await duplicatesOf(first)).body.data)).toEqual([
      { id: ids[1], reasons: ['phone'], level: 'possible' },
    ]);
  });
});

describe('duplicate groups', () => {
  it('joins customers linked by shared signals into one group, newest first, with its pairs', async () => {
    const first = await customer({ name: 'Grace Hopper', email: 'grace.hopper@gmail.com' });
    const second = await customer({
      name: 'Grace Hopper',
      email: 'gracehopper@gmail.com',
      phone: '+14155550111',
    });
    const third = await customer({ name: 'G. Hopper', phone: '+14155550111' });
    const alone = await customer({ name: 'Alan Turing', email: 'alan@example.com' });
    const res = await http(server, 'GET', '/v1/customers/duplicates', { key: account.testKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      object: 'list',
      hasMore: false,
      url: '/v1/customers/duplicates',
    });
    expect(res.body.data).toHaveLength(1);
    const [group] = res.body.data;
    expect(group.object).toBe('duplicate_group');
    expect(group.id).toBe(third);
    expect(group.customers.map((c: { id: string }) => c.id)).toEqual([third, second, first]);
    expect(group.level).toBe('likely');
    expect(group.pairs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reasons: ['email', 'name'], score: 0.88 }),
        expect.objectContaining({ reasons: ['phone'], score: 0.5 }),
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain(alone);

    // minScore 0.8: only the likely pair is left, so the phone-only customer drops out.
    const likely = await http(server, 'GET', '/v1/customers/duplicates?minScore=0.8', {
      key: account.testKey,
    });
    expect(likely.body.data[0].customers.map((c: { id: string }) => c.id)).toEqual([second, first]);
  });

  it('pages through groups without skipping or repeating one, over REST and tRPC', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      await customer({ name: `Pair ${i}`, email: `pair.${i}@gmail.com` });
      made.push(await customer({ name: `Pair ${i}`, email: `pair${i}+dup@gmail.com` }));
    }
    const client = trpcClient(server, account.testKey);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await client.duplicates.list.query({
        limit: 2,
        ...(cursor && { startingAfter: cursor }),
      });
      seen.push(...page.data.map((group) => group.id));
      if (!page.hasMore) break;
      cursor = page.data.at(-1)?.id;
    }
    expect(seen).toEqual([...made].reverse());
    const back = await client.duplicates.list.query({ limit: 2, endingBefore: made[0] });
    expect(back.data.map((group) => group.id)).toEqual([made[2], made[1]]);
  });
});

describe('keys of customers from before the finder', () => {
  it('are filled by the backfill, after which they are found', async () => {
    const a = await customer({ name: 'Old Timer', email: 'old.timer@gmail.com' });
    const b = await customer({ name: 'Old Timer', email: 'oldtimer@gmail.com' });
    const { db } = await testDatabase();
    await db
      .update(customers)
      .set({ mailboxIdentity: null, nameKey: null })
      .where(sql`${customers.id} in (${a}, ${b})`);
    expect((await duplicatesOf(a)).body.data).toEqual([]);
    expect(await backfillDuplicateKeys(db)).toBeGreaterThanOrEqual(2);
    const [row] = await db.select().from(customers).where(eq(customers.id, a));
    expect(row).toMatchObject({ mailboxIdentity: 'oldtimer@gmail.com', nameKey: 'old timer' });
    expect(summary((await duplicatesOf(a)).body.data)).toEqual([
      { id: b, reasons: ['email', 'name'], level: 'likely' },
    ]);
    expect(await backfillDuplicateKeys(db)).toBe(0);
  });
});
