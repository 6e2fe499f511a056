import { beforeAll, describe, expect, it } from 'vitest';
import { http, newAccount, trpcClient, type TestAccount, serverWithAccount } from './harness.js';

/**
 * `query=` typed like the start of an email or like a phone number is a prefix search over the
 * email or the phone (a B-tree range, so `grace@` does not wade through every "Grace"); anything
 * else stays a fragment of name, email or phone. pagination.test.ts holds the fragment cases.
 */
const { server } = serverWithAccount();

let merchant: TestAccount;
let other: TestAccount;
const made: Record<string, string> = {};

const people = {
  grace: { name: 'Grace Hopper', email: 'GRACE@navy.example', phone: '(415) 555-0199' },
  graceAtWork: { name: 'Grace Brewster', email: 'grace@yale.example' },
  // "grace@" inside the email, not at its start.
  adaGrace: { name: 'Ada Grace', email: 'ada.grace@analytical.example' },
  // "grace" at the start of the email, not followed by its @.
  graceKelly: { name: 'Grace Kelly', email: 'gracekelly@film.example' },
  linus: { name: 'Linus Pauling', email: 'linus@caltech.example', phone: '+1 415 555 0123' },
  london: { name: 'Lon Don', email: 'lon@don.example', phone: '+44 20 7946 0958' },
  // Linus's digits in a name and an email, not a phone: a phone search does not find them.
  roomer: { name: 'Room 4155550123', email: 'room.4155550123@hotel.example' },
  // The digits of Linus's number in the middle of a phone.
  middle: { name: 'Middle Digits', email: 'middle@digits.example', phone: '+1 212 415 5550' },
};

beforeAll(async () => {
  merchant = await newAccount('Search merchant');
  other = await newAccount('Other merchant');
  for (const [label, body] of Object.entries(people)) {
    const res = await http(server, 'POST', '/v1/customers', { key: merchant.testKey, body });
    expect(res.status).toBe(200);
    made[label] = res.body.id as string;
  }
  // The same people in another account and in the live environment: never found from the test one.
  for (const key of [other.testKey, merchant.liveKey]) {
    for (const body of [people.grace, people.linus]) {
      expect((await http(server, 'POST', '/v1/customers', { key, body })).status).toBe(200);
    }
  }
});

async function search(query: string, key = merchant.testKey, extra = '') {
  const path = `/v1/customers?query=${encodeURIComponent(query)}${extra}`;
  const res = await http(server, 'GET', path, { key });
  expect(res.status).toBe(200);
  return res.body as { data: Array<{ id: string }>; hasMore: boolean };
}
const found = async (query: string, key?: string) =>
  (await search(query, key)).data.map((c) => c.id).sort();
const ids = (...labels: (keyof typeof people)[]) => labels.map((l) => made[l]).sort();

describe('customers: search by email prefix', () => {
  it.each([
    ['a local part and its @, any case', 'Grace@', ['grace', 'graceAtWork']],
    ['into the domain', 'grace@navy.ex', ['grace']],
    ['a whole email, any case', 'GRACE@NAVY.EXAMPLE', ['grace']],
    ['a local part nobody has', 'hopper@', []],
    ['past the end of every email', 'grace@navy.example.org', []],
  ] as const)('finds %s: %j', async (_label, query, expected) => {
    expect(await found(query)).toEqual(ids(...expected));
  });

  it('finds the email where it starts, not where the text appears inside it', async () => {
    // ada.grace@ holds "grace@" and gracekelly@ starts with "grace": neither starts with "grace@".
    expect(await found('grace@')).toEqual(ids('grace', 'graceAtWork'));
    // Without the @ it is a fragment again: every name or email holding "grace".
    expect(await found('grace')).toEqual(ids('grace', 'graceAtWork', 'adaGrace', 'graceKelly'));
  });

  it('pages by cursor through the matches, newest first', async () => {
    const first = await search('grace@', merchant.testKey, '&limit=1');
    expect(first.data.map((c) => c.id)).toEqual([made.graceAtWork]);
    expect(first.hasMore).toBe(true);
    const second = await search(
      'grace@',
      merchant.testKey,
      `&limit=1&startingAfter=${made.graceAtWork}`,
    );
    expect(second.data.map((c) => c.id)).toEqual([made.grace]);
    expect(second.hasMore).toBe(false);
    const back = await search('grace@', merchant.testKey, `&limit=1&endingBefore=${made.grace}`);
    expect(back.data.map((c) => c.id)).toEqual([made.graceAtWork]);
  });

  it('stays in its account and environment', async () => {
    expect(await found('grace@navy', other.testKey)).toHaveLength(1);
    expect(await found('grace@navy', merchant.liveKey)).toHaveLength(1);
    expect(await found('grace@navy', other.testKey)).not.toEqual(ids('grace'));
  });
});

describe('customers: search by phone prefix', () => {
  it.each([
    ['a US number being typed', '(415) 555-01', ['grace', 'linus']],
    ['a whole US number', '415.555.0123', ['linus']],
    ['a US number with its country code', '+1 415 555 0123', ['linus']],
    ['a country code without its +', '1 415 555', ['grace', 'linus']],
    ['a UK number with its country code', '+44 20 7946', ['london']],
    ['a UK number with the 00 prefix', '0044 20 7946 0958', ['london']],
    ['a UK number with +44 (0)', '+44 (0)20 7946 0958', ['london']],
    ['digits in the middle of a phone', '2415 5550', []],
    ['a number nobody has', '(415) 555-0124', []],
  ] as const)('finds %s: %j', async (_label, query, expected) => {
    expect(await found(query)).toEqual(ids(...expected));
  });

  it('looks at phones only: digits in a name or an email are not a phone', async () => {
    expect(await found('4155550123')).toEqual(ids('linus'));
    expect(await found('room 4155550123')).toEqual(ids('roomer'));
  });

  it('pages by cursor through the matches, newest first', async () => {
    const first = await search('(415) 555', merchant.testKey, '&limit=1');
    expect(first.data.map((c) => c.id)).toEqual([made.linus]);
    expect(first.hasMore).toBe(true);
    const second = await search(
      '(415) 555',
      merchant.testKey,
      `&limit=1&startingAfter=${made.linus}`,
    );
    expect(second.data.map((c) => c.id)).toEqual([made.grace]);
    expect(second.hasMore).toBe(false);
  });

  it('stays in its account and environment, through tRPC too', async () => {
    const client = trpcClient(server, other.testKey);
    const theirs = await client.customers.list.query({ query: '415 555 0123' });
    expect(theirs.data).toHaveLength(1);
    expect(theirs.data[0]?.id).not.toBe(made.linus);
    expect(await found('415 555 0123', merchant.liveKey)).toHaveLength(1);
    expect(await found('415 555 0123', merchant.liveKey)).not.toEqual(ids('linus'));
  });
});

describe('customers: a phone many customers share, paged', () => {
  // More matches than a page, from both readings of a typed US number: `+1415555 01..` and the
  // Swiss `+41 55 550 1...` (the search's second prefix, `+41555501`), created alternately so a
  // page interleaves both ranges. A New York number in between is no match.
  const query = '(415) 555-01';
  let crowd: TestAccount;
  let expected: string[];
  let everyone: Array<{ id: string; phone: string }>;
  const matches = (c: { phone: string }) => !c.phone.startsWith('+1212');

  beforeAll(async () => {
    crowd = await newAccount('Shared phone merchant');
    const phoneOf = (i: number) =>
      i % 7 === 3
        ? `+1 212 555 01${String(i).padStart(2, '0')}`
        : i % 2 === 0
          ? `+1 415 555 01${String(i).padStart(2, '0')}`
          : `+41 55 550 1${String(i).padStart(3, '0')}`;
    for (let i = 0; i < 28; i++) {
      const body = {
        name: `Caller ${i}`,
        email: `caller${i}@switchboard.example`,
        phone: phoneOf(i),
      };
      const res = await http(server, 'POST', '/v1/customers', { key: crowd.testKey, body });
      expect(res.status).toBe(200);
    }
    // The list without a search is the order of record (created_at, id, newest first).
    const all = await http(server, 'GET', '/v1/customers?limit=100', { key: crowd.testKey });
    everyone = all.body.data as Array<{ id: string; phone: string }>;
    expected = everyone.filter(matches).map((c) => c.id);
    expect(expected).toHaveLength(24);
  });

  const page = async (extra: string) => {
    const res = await search(query, crowd.testKey, `&limit=10${extra}`);
    return { ids: res.data.map((c) => c.id), hasMore: res.hasMore };
  };

  it('pages forward newest first across both prefixes, with hasMore', async () => {
    const first = await page('');
    expect(first).toEqual({ ids: expected.slice(0, 10), hasMore: true });
    const second = await page(`&startingAfter=${first.ids.at(-1)}`);
    expect(second).toEqual({ ids: expected.slice(10, 20), hasMore: true });
    const third = await page(`&startingAfter=${second.ids.at(-1)}`);
    expect(third).toEqual({ ids: expected.slice(20), hasMore: false });
    const all = await search(query, crowd.testKey, '&limit=100');
    expect(all.data.map((c) => c.id)).toEqual(expected);
    expect(all.hasMore).toBe(false);
  });

  it('pages back with endingBefore to exactly the pages before, with hasMore', async () => {
    const back = await page(`&endingBefore=${expected[20]}`);
    expect(back).toEqual({ ids: expected.slice(10, 20), hasMore: true });
    const front = await page(`&endingBefore=${expected[10]}`);
    expect(front).toEqual({ ids: expected.slice(0, 10), hasMore: false });
  });

  it('places the page at a cursor that is no match itself', async () => {
    const newYork = everyone.findIndex((c) => !matches(c) && everyone.indexOf(c) > 10);
    const cursor = everyone[newYork]?.id;
    const newer = everyone
      .slice(0, newYork)
      .filter(matches)
      .map((c) => c.id);
    const older = everyone
      .slice(newYork + 1)
      .filter(matches)
      .map((c) => c.id);
    expect(await page(`&endingBefore=${cursor}`)).toEqual({
      ids: newer.slice(-10),
      hasMore: newer.length > 10,
    });
    expect(await page(`&startingAfter=${cursor}`)).toEqual({
      ids: older.slice(0, 10),
      hasMore: older.length > 10,
    });
  });

  it('reads the tRPC transport the same way', async () => {
    const client = trpcClient(server, crowd.testKey);
    const second = await client.customers.list.query({
      query,
      limit: 10,
      startingAfter: expected[9],
    });
    expect(second.data.map((c) => c.id)).toEqual(expected.slice(10, 20));
    expect(second.hasMore).toBe(true);
  });
});
