import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { http, serverWithAccount, testDatabase, uniqueEmail, type HttpResult } from './harness.js';

/**
 * Input integrity (issue 7): what a request says is stored exactly, or refused with a 400 that
 * names the field, on REST and on tRPC alike. Never a 500, never a silent rewrite or drop.
 */
const { server, account } = serverWithAccount();

type Transport = 'rest' | 'trpc';
const TRANSPORTS: Transport[] = ['rest', 'trpc'];

interface Operation {
  name: string;
  /** The fields every call sends, unless the case sends its own value for one. */
  base: () => Record<string, unknown>;
  rest: () => { method: string; path: string };
  /** Fields that live in the URL on REST and in the input on tRPC. */
  urlFields: () => Record<string, string>;
}

let customerId: string;

const CUSTOMERS_CREATE: Operation = {
  name: 'customers.create',
  base: () => ({ name: 'Integrity Check', email: uniqueEmail('integrity') }),
  rest: () => ({ method: 'POST', path: '/v1/customers' }),
  urlFields: () => ({}),
};
const CUSTOMERS_UPDATE: Operation = {
  name: 'customers.update',
  base: () => ({}),
  rest: () => ({ method: 'PUT', path: `/v1/customers/${customerId}` }),
  urlFields: () => ({ id: customerId }),
};
const PAYMENTS_CREATE: Operation = {
  name: 'payments.create',
  base: () => ({ amount: 1234, currency: 'usd' }),
  rest: () => ({ method: 'POST', path: '/v1/payments' }),
  urlFields: () => ({}),
};
const OPERATIONS = [CUSTOMERS_CREATE, CUSTOMERS_UPDATE, PAYMENTS_CREATE];

beforeAll(async () => {
  const created = await http(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { name: 'Kept As Is', email: uniqueEmail('kept'), metadata: { plan: 'pro' } },
  });
  customerId = created.body.id;
});

/** The JSON text of `fields`, with one more member whose value is given as raw JSON text. */
function withRawMember(fields: Record<string, unknown>, name: string, rawJson: string): string {
  const { [name]: _replaced, ...rest } = fields;
  const inner = JSON.stringify(rest).slice(1, -1);
  return `{${inner}${inner ? ',' : ''}${JSON.stringify(name)}:${rawJson}}`;
}

/** Send a body (text or bytes) to an operation over REST or tRPC, as JSON. */
async function send(
  transport: Transport,
  operation: Operation,
  body: string | Uint8Array,
): Promise<HttpResult<any>> {
  const { method, path } =
    transport === 'rest' ? operation.rest() : { method: 'POST', path: `/trpc/${operation.name}` };
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${account.testKey}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The body text for an operation: its base fields, tRPC's URL fields, and the case's member. */
function bodyFor(transport: Transport, operation: Operation, field: string, rawJson: string) {
  const fields = {
    ...operation.base(),
    ...(transport === 'trpc' ? operation.urlFields() : {}),
  };
  return withRawMember(fields, field, rawJson);
}

/** The error as both transports carry it: the REST envelope, or tRPC's `data`. */
function errorOf(transport: Transport, res: HttpResult<any>) {
  const error = transport === 'rest' ? res.body?.error : res.body?.error?.data;
  return {
    status: res.status,
    code: error?.code as string | undefined,
    param: error?.param as string | undefined,
    requestId: error?.requestId as string | undefined,
  };
}

/** Everything the account has stored, so a refused request can be shown to have changed nothing. */
async function storedState(): Promise<string> {
  const { db } = await testDatabase();
  const [row] = rowsOf<{ state: string }>(
    await db.execute(sql`select
      (select coalesce(string_agg(c::text, '|' order by c.id), '') from customers c
        where c.account_id = ${account.accountId}) ||
      (select coalesce(string_agg(p::text, '|' order by p.id), '') from payments p
        where p.account_id = ${account.accountId}) as state`),
  );
  return row?.state ?? '';
}

/** Send, expect the refusal, and check the account's data did not move. */
async function expectRefused(
  transport: Transport,
  operation: Operation,
  body: string | Uint8Array,
  expected: { code: string; param?: string },
) {
  const before = await storedState();
  const res = await send(transport, operation, body);
  const error = errorOf(transport, res);
  expect(error, res.text).toEqual({
    status: 400,
    code: expected.code,
    param: expected.param,
    requestId: res.headers.get('request-id'),
  });
  expect(await storedState()).toBe(before);
}

const casesFor = (operation: Operation) =>
  TRANSPORTS.map((transport) => [transport, operation.name, transport, operation] as const);
const EVERY_CALL = OPERATIONS.flatMap(casesFor);
const CUSTOMER_CALLS = [CUSTOMERS_CREATE, CUSTOMERS_UPDATE].flatMap(casesFor);

describe('ill-formed UTF-16: a lone surrogate sent as a JSON escape', () => {
  describe.each(EVERY_CALL)('%s %s', (_t, _o, transport, operation) => {
    it.each([
      ['description', '"Invoice \\ud800"', 'description'],
      ['a metadata value', '{"plan": "pro", "note": "\\udfff"}', 'metadata.note'],
      // The key is not text a client could print, so the error names the metadata as a whole.
      ['a metadata key', '{"\\ud83d": "x"}', 'metadata'],
      ['a reversed pair in a metadata key', '{"plan\\ude80\\ud83d": "x"}', 'metadata'],
    ])('refuses it in %s with parameter_invalid and stores nothing', async (_label, raw, param) => {
      const field = param.split('.')[0] ?? param;
      await expectRefused(transport, operation, bodyFor(transport, operation, field, raw), {
        code: 'parameter_invalid',
        param,
      });
    });
  });

  describe.each(CUSTOMER_CALLS)('%s %s', (_t, _o, transport, operation) => {
    it.each([
      ['a lone high surrogate', '"Ada \\ud800"'],
      ['a lone low surrogate', '"\\udc00 Ada"'],
    ])('refuses %s in the name with parameter_invalid', async (_label, raw) => {
      await expectRefused(transport, operation, bodyFor(transport, operation, 'name', raw), {
        code: 'parameter_invalid',
        param: 'name',
      });
    });

    it('refuses it in the email with email_invalid', async () => {
      const raw = JSON.stringify(uniqueEmail('lone')).replace('@', '\\ud800@');
      await expectRefused(transport, operation, bodyFor(transport, operation, 'email', raw), {
        code: 'email_invalid',
        param: 'email',
      });
    });
  });

  it.each(TRANSPORTS)(
    'stores well-formed edge text exactly and reads it back (%s)',
    async (transport) => {
      const name = '👩‍👩‍👧 Zoë e\u0301 \u200fשלום\u202e ﷺ';
      const metadata = { '🚀 plan': 'pro 👍🏽', 'e\u0301': '\u2028\ufffd' };
      const body = JSON.stringify({ name, email: uniqueEmail('edge'), metadata });
      const res = await send(transport, CUSTOMERS_CREATE, body);
      expect(res.status, res.text).toBe(200);
      const created = transport === 'rest' ? res.body : res.body.result.data;
      const read = await http(server, 'GET', `/v1/customers/${created.id}`, {
        key: account.testKey,
      });
      expect(read.body).toMatchObject({ name, metadata });
    },
  );
});

/** `{"name": "<text><bytes>", "email": ...}` as bytes, for bytes no JSON escape can spell. */
function bodyWithBytes(
  transport: Transport,
  operation: Operation,
  bytes: number[],
  field = 'name',
) {
  const marker = 'XBYTESX';
  const text = bodyFor(transport, operation, field, JSON.stringify(`Ada ${marker}`));
  const [head = '', tail = ''] = text.split(marker);
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
}

describe('invalid UTF-8 in a request body', () => {
  describe.each(CUSTOMER_CALLS)('%s %s', (_t, _o, transport, operation) => {
    it.each([
      ['a 0xFF byte', [0xff]],
      ['a lone continuation byte', [0x80]],
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['a surrogate encoded as UTF-8 (CESU-8)', [0xed, 0xa0, 0x80]],
      ['a sequence cut short', [0xe2, 0x82]],
      ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ])('refuses %s with json_invalid rather than storing U+FFFD', async (_label, bytes) => {
      await expectRefused(transport, operation, bodyWithBytes(transport, operation, bytes), {
        code: 'json_invalid',
      });
    });
  });

  it.each(TRANSPORTS)('refuses a 0xFF byte in a payment’s metadata key (%s)', async (transport) => {
    const bytes = bodyWithBytes(transport, PAYMENTS_CREATE, [0xff], 'metadata');
    // `"metadata": "Ada \xff"` is the wrong type too, but the bytes are refused first.
    await expectRefused(transport, PAYMENTS_CREATE, bytes, { code: 'json_invalid' });
  });

  it.each(TRANSPORTS)(
    'reads multi-byte characters split across network chunks (%s)',
    async (transport) => {
      // ~400 KB of 2-, 3- and 4-byte characters: chunk boundaries fall inside some of them.
      const padding = 'é€😀'.repeat(45_000);
      const body = bodyFor(transport, CUSTOMERS_CREATE, 'padding', JSON.stringify(padding));
      const res = await send(transport, CUSTOMERS_CREATE, body);
      expect(errorOf(transport, res)).toMatchObject({
        status: 400,
        code: 'parameter_unknown',
        param: 'padding',
      });
    },
  );

  it('keeps an empty body as no body (a DELETE sent with a JSON content type)', async () => {
    const created = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Deleted Soon', email: uniqueEmail('deleted') },
    });
    const res = await http(server, 'DELETE', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      rawBody: '',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: created.body.id, deleted: true });
  });

  it.each(TRANSPORTS)('keeps malformed JSON a json_invalid (%s)', async (transport) => {
    await expectRefused(transport, CUSTOMERS_CREATE, '{"name": "Ada", ', { code: 'json_invalid' });
  });

  it.each(TRANSPORTS)('keeps the 1 MiB limit, in bytes (%s)', async (transport) => {
    const body = bodyFor(transport, CUSTOMERS_CREATE, 'name', '"Just Under"');
    // Padded with whitespace to exactly 1 MiB, then one byte more; the 3-byte € counts as 3.
    const exact = `${body.slice(0, -1)}${' '.repeat(1024 * 1024 - Buffer.byteLength(body))}}`;
    expect(Buffer.byteLength(exact)).toBe(1024 * 1024);
    const fits = await send(transport, CUSTOMERS_CREATE, exact);
    expect(fits.status, fits.text).toBe(200);
    const over = bodyFor(transport, CUSTOMERS_CREATE, 'name', '"Just Over €"');
    const tooLarge = `${over.slice(0, -1)}${' '.repeat(1024 * 1024 - Buffer.byteLength(over) + 1)}}`;
    const res = await send(transport, CUSTOMERS_CREATE, tooLarge);
    expect(errorOf(transport, res)).toMatchObject({ status: 413, code: 'request_too_large' });
  });
});

describe('reserved keys: __proto__, constructor, prototype', () => {
  describe.each(EVERY_CALL)('%s %s', (_t, _o, transport, operation) => {
    it.each([
      ['__proto__', '{"__proto__": "x", "plan": "pro"}'],
      ['__proto__ holding an object', '{"__proto__": {"polluted": "yes"}}'],
      ['__proto__ spelled with an escape', '{"\\u005f_proto__": "x"}'],
      ['constructor', '{"constructor": "x"}'],
      ['prototype', '{"plan": "pro", "prototype": "x"}'],
    ])(
      'refuses a metadata key %s with parameter_invalid, never dropping it',
      async (label, raw) => {
        const key = label.split(' ')[0] ?? label;
        await expectRefused(transport, operation, bodyFor(transport, operation, 'metadata', raw), {
          code: 'parameter_invalid',
          param: `metadata.${key}`,
        });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );
  });

  // Anywhere in a REST body, the JSON parser itself refuses them (secure-json-parse) by name.
  describe.each([CUSTOMERS_CREATE, PAYMENTS_CREATE])('REST $name', (operation) => {
    it.each([
      ['at the top', '__proto__', '{"polluted": "yes"}', '__proto__'],
      ['in an unknown field', 'extra', '{"__proto__": {"polluted": "yes"}}', 'extra.__proto__'],
      [
        'as constructor.prototype',
        'extra',
        '{"constructor": {"prototype": {"polluted": "yes"}}}',
        'extra.constructor',
      ],
      ['inside an array', 'extra', '[1, {"ok": {"__proto__": {}}}]', 'extra.1.ok.__proto__'],
    ])('refuses __proto__ %s, naming it', async (_label, field, raw, param) => {
      await expectRefused('rest', operation, bodyFor('rest', operation, field, raw), {
        code: 'parameter_invalid',
        param,
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('refuses a body that is an array of poisoned objects, naming the element', async () => {
    await expectRefused('rest', CUSTOMERS_CREATE, '[{"__proto__": {"polluted": "yes"}}]', {
      code: 'parameter_invalid',
      param: '0.__proto__',
    });
  });

  it('finds a poisoned key nested 100,000 arrays deep without a 500', async () => {
    const depth = 100_000;
    const body = `${'['.repeat(depth)}{"__proto__": {}}${']'.repeat(depth)}`;
    await expectRefused('rest', CUSTOMERS_CREATE, body, {
      code: 'parameter_invalid',
      param: `${'0.'.repeat(depth)}__proto__`,
    });
  });

  it('keeps a constructor field that is plain data for the schema to judge', async () => {
    const body = bodyFor('rest', CUSTOMERS_CREATE, 'constructor', '"Object"');
    await expectRefused('rest', CUSTOMERS_CREATE, body, {
      code: 'parameter_unknown',
      param: 'constructor',
    });
  });
});
