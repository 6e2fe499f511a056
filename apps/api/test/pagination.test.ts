import { beforeAll, describe, expect, it } from 'vitest';
import {
  http,
  newAccount,
  trpcClient,
  uniqueEmail,
  type TestAccount,
  serverWithAccount,
} from './harness.js';

const { server, account } = serverWithAccount();

async function createCustomers(count: number, key = account.testKey, name = 'Paged') {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await http(server, 'POST', '/v1/customers', {
      key,
      body: { name: `${name} ${i}`, email: uniqueEmail('paged') },
    });
    expect(res.status).toBe(200);
    ids.push(res.body.id as string);
  }
  return ids;
}

const list = (query: string, key = account.testKey) =>
  http(server, 'GET', `/v1/customers${query}`, { key });

describe('customers: pagination', () => {
  it('lists newest first with the list envelope', async () => {
    const fresh = await newAccount();
    const ids = await createCustomers(3, fresh.testKey);
    const res = await list('', fresh.testKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', hasMore: false, url: '/v1/customers' });
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
  });

  it('defaults to 10 and accepts 1 to 100', async () => {
    const fresh = await newAccount();
    await createCustomers(12, fresh.testKey);
    const page = await list('', fresh.testKey);
    expect(page.body.data).toHaveLength(10);
    expect(page.body.hasMore).toBe(true);
    for (const bad of ['0', '101', '-1', '2.5', 'ten']) {
      const res = await list(`?limit=${bad}`, fresh.testKey);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'limit' });
    }
  });

  it('walks every row exactly once while rows are inserted between pages', async () => {
    const fresh = await newAccount();
    const original = await createCustomers(25, fresh.testKey);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await list(`?limit=4${cursor ? `&startingAfter=${cursor}` : ''}`, fresh.testKey);
      expect(res.status).toBe(200);
      const ids = res.body.data.map((c: { id: string }) => c.id) as string[];
      seen.push(...ids);
      // New customers arrive at the head of the list while we page through its tail.
      await createCustomers(2, fresh.testKey, 'Inserted');
      if (!res.body.hasMore) break;
      cursor = ids[ids.length - 1];
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...original].reverse());
  });

  it('pages backwards with endingBefore', async () => {
    const fresh = await newAccount();
    const ids = [...(await createCustomers(7, fresh.testKey))].reverse(); // newest first
    const before = await list(`?limit=3&endingBefore=${ids[5]}`, fresh.testKey);
    expect(before.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 5));
    expect(before.body.hasMore).toBe(true);
    const head = await list(`?limit=3&endingBefore=${ids[2]}`, fresh.testKey);
    expect(head.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(head.body.hasMore).toBe(false);
  });

  it('keeps a cursor valid after its customer is deleted', async () => {
    const fresh = await newAccount();
    const ids = [...(await createCustomers(4, fresh.testKey))].reverse();
    await http(server, 'DELETE', `/v1/customers/${ids[1]}`, { key: fresh.testKey });
    const res = await list(`?startingAfter=${ids[1]}`, fresh.testKey);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(2));
  });

  it('refuses an unknown cursor, a foreign cursor and two cursors at once', async () => {
    const unknown = await list('?startingAfter=cus_doesnotexist');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'resource_missing', param: 'startingAfter' });

    const other = await newAccount();
    const [foreign] = await createCustomers(1, other.testKey);
    const res = await list(`?endingBefore=${foreign}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'endingBefore' });

    const both = await list('?startingAfter=cus_a&endingBefore=cus_b');
    expect(both.status).toBe(400);
    expect(both.body.error).toMatchObject({ code: 'parameter_invalid', param: 'endingBefore' });
  });

  it('rejects unknown query parameters', async () => {
    const res = await list('?sort=name');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_unknown', param: 'sort' });
  });
});

describe('customers: filters and search', () => {
  let searcher: TestAccount;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    searcher = await newAccount();
    const people = {
      ada: {
        name: 'Ada Lovelace',
        email: 'ada.lovelace@analytical.example',
        phone: '+44 20 7946 0958',
      },
      grace: { name: 'Grace Hopper', email: 'GRACE@navy.example', phone: '415-555-0199' },
      percent: { name: '100% Pure Ltd', email: 'sales@pure.example' },
      underscore: { name: 'snake_case Co', email: 'hiss@snake.example' },
      quote: { name: "O'Brien & Sons", email: 'obrien@sons.example' },
      plain: { name: '1000 Pure Ltd', email: 'other@pure.example' },
      similar: { name: 'snakeXcase Co', email: 'x@snake.example' },
      linus: { name: 'Linus Pauling', email: 'linus@caltech.example', phone: '(415) 555-0123' },
      // Linus's digits in an email, not a phone: a phone search must not find them.
      roomer: { name: 'Room Service', email: 'room.4155550123@hotel.example' },
    };
    for (const [label, body] of Object.entries(people)) {
      const res = await http(server, 'POST', '/v1/customers', { key: searcher.testKey, body });
      expect(res.status).toBe(200);
      made[label] = res.body.id as string;
    }
  });

  const search = async (query: string) => {
    const res = await http(server, 'GET', `/v1/customers?${query}`, { key: searcher.testKey });
    expect(res.status).toBe(200);
    return (res.body.data as Array<{ id: string }>).map((c) => c.id).sort();
  };
  const ids = (...labels: string[]) => labels.map((l) => made[l]).sort();

  it.each([
    ['a name fragment, any case', 'query=LOVEL', ['ada']],
    ['an email fragment', 'query=navy.exam', ['grace']],
    ['a phone fragment', 'query=4155550199', ['grace']],
    ['a literal percent sign', `query=${encodeURIComponent('100%')}`, ['percent']],
    ['a literal underscore', 'query=snake_case', ['underscore']],
    ['a quote', `query=${encodeURIComponent("o'brien")}`, ['quote']],
    ['a backslash', `query=${encodeURIComponent('\\')}`, []],
    ['text nobody has', 'query=zzzzzz', []],
  ])('query= finds %s', async (_label, query, expected) => {
    expect(await search(query)).toEqual(ids(...expected));
  });

  // Phones are stored as E.164 (+14155550123, +442079460958); people type them otherwise.
  it.each([
    ['a US number being typed', '(415) 555-01', ['grace', 'linus']],
    ['a US number with its country code', '+1 415-555-0123', ['linus']],
    ['a US number with dots', '415.555.0123', ['linus']],
    ['a US number in parentheses', '(415) 555-0123', ['linus']],
    ['a UK number with its country code', '+44 20 7946', ['ada']],
    // Without a country code a number is read as a US one, as a stored phone is.
    ['a UK number with its trunk 0 and no country code', '020 7946', []],
    ['a UK number with the 00 prefix', '0044 20 7946 0958', ['ada']],
    ['a UK number with +44 (0)', '+44 (0)20 7946 0958', ['ada']],
    ['a US number nobody has', '(415) 555-0124', []],
    ['a UK number nobody has', '020 7946 0959', []],
    ['a number of another country', '+33 1 23 45 67 89', []],
  ])('query= finds a phone typed as %s: %j', async (_label, typed, expected) => {
    expect(await search(`query=${encodeURIComponent(typed)}`)).toEqual(ids(...expected));
  });

  it('finds a typed phone through tRPC too', async () => {
    const client = trpcClient(server, searcher.testKey);
    const found = await client.customers.list.query({ query: '415.555.0123' });
    expect(found.data.map((c) => c.id)).toEqual([made.linus]);
    expect((await client.customers.list.query({ query: '415.555.0124' })).data).toEqual([]);
  });

  it('email= matches exactly and case-insensitively, never by fragment', async () => {
    expect(await search('email=grace%40NAVY.example')).toEqual(ids('grace'));
    expect(await search('email=navy.example')).toEqual([]);
  });

  it('filters by creation time', async () => {
    const all = await http(server, 'GET', '/v1/customers?limit=100', { key: searcher.testKey });
    const newest = all.body.data[0];
    const oldest = all.body.data[all.body.data.length - 1];
    expect(await search(`createdGte=${encodeURIComponent(newest.createdAt)}`)).toEqual([newest.id]);
    expect(await search(`createdLte=${encodeURIComponent(oldest.createdAt)}`)).toEqual([oldest.id]);
    const bad = await http(server, 'GET', '/v1/customers?createdGte=yesterday', {
      key: searcher.testKey,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'createdGte' });
  });

  it('paginates search results', async () => {
    const first = await http(server, 'GET', '/v1/customers?query=pure&limit=1', {
      key: searcher.testKey,
    });
    expect(first.body.hasMore).toBe(true);
    const second = await http(
      server,
      'GET',
      `/v1/customers?query=pure&limit=1&startingAfter=${first.body.data[0].id}`,
      { key: searcher.testKey },
    );
    expect(second.body.hasMore).toBe(false);
    expect([first.body.data[0].id, second.body.data[0].id].sort()).toEqual(ids('percent', 'plain'));
  });
});
