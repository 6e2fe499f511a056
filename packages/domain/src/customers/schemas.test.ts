import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { codeOfIssue } from '../common/issues.js';
import {
  CustomerCreateSchema,
  CustomerIdInputSchema,
  CustomerListQuerySchema,
  CustomerListSchema,
  CustomerSchema,
  CustomerUpdateSchema,
  DeletedCustomerSchema,
} from './schemas.js';

const CARD = '4242 4242 4242 4242';
const VALID_CREATE = { name: 'Ada Lovelace', email: 'ada@example.com' };
const VALID_UPDATE = { id: 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A' };
const keys = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, 'v']));

/** Each issue as the edge reads it: our error code when the issue carries one, else zod's. */
function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({
    code: codeOfIssue(issue) ?? issue.code,
    path: issue.path,
  }));
}

/** The rules every writable field obeys, whether the customer is being created or updated. */
describe.each([
  ['CustomerCreateSchema', CustomerCreateSchema as z.ZodType, VALID_CREATE],
  ['CustomerUpdateSchema', CustomerUpdateSchema as z.ZodType, VALID_UPDATE],
])('%s', (_, schema, base) => {
  const parse = (fields: object) => schema.parse({ ...base, ...fields }) as Record<string, unknown>;
  const issues = (fields: object) => issuesOf(schema, { ...base, ...fields });

  describe('name', () => {
    it.each([
      ['a plain name', 'Ada Lovelace', 'Ada Lovelace'],
      ['surrounding spaces, trimmed', '  Ada Lovelace  ', 'Ada Lovelace'],
      ['a surrounding tab and newline, trimmed', '\tAda Lovelace\n', 'Ada Lovelace'],
      ['one character', 'A', 'A'],
      ['256 characters', 'a'.repeat(256), 'a'.repeat(256)],
      ['256 characters once trimmed', ` ${'a'.repeat(256)} `, 'a'.repeat(256)],
      ['accents and other scripts', 'Zoë Ölçer 李小龍', 'Zoë Ölçer 李小龍'],
      ['an emoji, a surrogate pair', 'Ada 🚀', 'Ada 🚀'],
      ['business punctuation', "O'Brien & Sons, Ltd. (UK)", "O'Brien & Sons, Ltd. (UK)"],
      ['a short number', 'Shop 42', 'Shop 42'],
      ['a Luhn-failing 16-digit number', 'Ref 4242424242424241', 'Ref 4242424242424241'],
    ])('accepts %s', (_, name, stored) => {
      expect(parse({ name }).name).toBe(stored);
    });

    it.each([
      ['an empty name', '', 'too_small'],
      ['only spaces', '   ', 'too_small'],
      ['257 characters', 'a'.repeat(257), 'too_big'],
      ['a NUL character', 'Ada\u0000Lovelace', 'custom'],
      ['an inner tab', 'Ada\tLovelace', 'custom'],
      ['an inner line break', 'Ada\nLovelace', 'custom'],
      ['an escape sequence', '\u001b[31mAda', 'custom'],
      ['DEL', 'Ada\u007fLovelace', 'custom'],
      ['a C1 control character', 'Ada\u0085Lovelace', 'custom'],
      ['a lone high surrogate', 'Ada \ud800', 'custom'],
      ['a lone low surrogate', '\udc00 Ada', 'custom'],
      ['a card number', CARD, 'sensitive_data_rejected'],
      ['a dashed card number in words', 'Ada 4242-4242-4242-4242', 'sensitive_data_rejected'],
      ['a 13-digit card number', 'Ada 4222222222222', 'sensitive_data_rejected'],
      ['a number', 42, 'invalid_type'],
      ['null', null, 'invalid_type'],
    ])('rejects %s', (_, name, code) => {
      expect(issues({ name })).toEqual([{ code, path: ['name'] }]);
    });
  });

  describe('email', () => {
    it.each([
      ['a plain address', 'ada@example.com', 'ada@example.com'],
      ['surrounding whitespace, trimmed', '  ada@example.com\t', 'ada@example.com'],
      ['mixed case, stored as given', 'Ada@Example.COM', 'Ada@Example.COM'],
      ['plus-addressing', 'ada+billing@example.com', 'ada+billing@example.com'],
      ['an IDN domain', 'user@bücher.de', 'user@bücher.de'],
    ])('accepts %s', (_, email, stored) => {
      expect(parse({ email }).email).toBe(stored);
    });

    it.each([
      ['the empty string', ''],
      ['only spaces', '   '],
      ['two @', 'ada@billing@example.com'],
      ['no dotted domain', 'ada@localhost'],
      ['a leading dot', '.ada@example.com'],
      ['a trailing dot in the local part', 'ada.@example.com'],
      ['a trailing dot in the domain', 'ada@example.com.'],
      ['an inner space', 'ada lovelace@example.com'],
      [
        'more than 254 characters',
        `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}.com`,
      ],
    ])('rejects %s with email_invalid', (_, email) => {
      expect(issues({ email })).toEqual([{ code: 'email_invalid', path: ['email'] }]);
    });

    it.each([
      ['a number', 42],
      ['null', null],
    ])('rejects %s as the wrong type', (_, email) => {
      expect(issues({ email })).toEqual([{ code: 'invalid_type', path: ['email'] }]);
    });
  });

  describe('phone', () => {
    it.each([
      ['parentheses, a space and a dash', '(415) 555-0123', '+14155550123'],
      ['dashes', '415-555-0123', '+14155550123'],
      ['dots', '415.555.0123', '+14155550123'],
      ['spaces', '415 555 0123', '+14155550123'],
      ['a country code', '+1 (415) 555-0123', '+14155550123'],
      ['surrounding whitespace', ' +14155550123 ', '+14155550123'],
      ['a UK number', '+44 20 7946 0958', '+442079460958'],
      ['null, which clears it', null, null],
    ])('stores %s: %j → %j', (_, phone, stored) => {
      expect(parse({ phone }).phone).toBe(stored);
    });

    it('is optional', () => {
      expect(parse({})).not.toHaveProperty('phone');
    });

    it.each([
      ['too short', '12'],
      ['letters', 'abc'],
      ['a vanity number', '1-800-FLOWERS'],
      ['an impossible number', '+1 000 000 0000'],
      ['no area code', '555-0123'],
      ['the empty string', ''],
    ])('rejects %s with phone_invalid: %j', (_, phone) => {
      expect(issues({ phone })).toEqual([{ code: 'phone_invalid', path: ['phone'] }]);
    });

    it('rejects a number type', () => {
      expect(issues({ phone: 4155550123 })).toEqual([{ code: 'invalid_type', path: ['phone'] }]);
    });
  });

  describe('description', () => {
    it.each([
      ['1000 characters', 'x'.repeat(1000)],
      ['the empty string', ''],
      ['line breaks and tabs', 'Line one\nLine two\twith a tab'],
      ['an order number', 'Order ORD-2024-0001 for 1234.56'],
      ['null, which clears it', null],
    ])('accepts %s', (_, description) => {
      expect(parse({ description }).description).toBe(description);
    });

    it.each([
      ['1001 characters', 'x'.repeat(1001), 'too_big'],
      ['a card number', `Pays with ${CARD}`, 'sensitive_data_rejected'],
      ['a card followed by an extra group', '4242 4242 4242 4242 1234', 'sensitive_data_rejected'],
      ['a NUL character', 'a\u0000b', 'custom'],
      ['a lone surrogate', 'a\ud800b', 'custom'],
      ['a number', 7, 'invalid_type'],
    ])('rejects %s', (_, description, code) => {
      expect(issues({ description })).toEqual([{ code, path: ['description'] }]);
    });
  });

  describe('metadata', () => {
    it.each([
      ['one key', { plan: 'pro' }],
      ['50 keys', keys(50)],
      ['a 40-character key and a 500-character value', { ['k'.repeat(40)]: 'v'.repeat(500) }],
    ])('accepts %s', (_, metadata) => {
      expect(parse({ metadata }).metadata).toEqual(metadata);
    });

    it.each([
      ['a card number in a value', { plan: CARD }, 'sensitive_data_rejected', ['metadata', 'plan']],
      [
        'a dashed card number',
        { note: '4242-4242-4242-4242' },
        'sensitive_data_rejected',
        ['metadata', 'note'],
      ],
      ['51 keys', keys(51), 'custom', ['metadata']],
      ['an empty key', { '': 'v' }, 'invalid_key', ['metadata', '']],
      [
        'a 41-character key',
        { ['k'.repeat(41)]: 'v' },
        'invalid_key',
        ['metadata', 'k'.repeat(41)],
      ],
      ['a 501-character value', { note: 'v'.repeat(501) }, 'too_big', ['metadata', 'note']],
      ['a number value', { seats: 5 }, 'invalid_type', ['metadata', 'seats']],
      ['an array', ['plan'], 'invalid_type', ['metadata']],
      ['a lone surrogate in a value', { plan: 'pro\ud800' }, 'custom', ['metadata', 'plan']],
      // The key itself is not echoed back: it is not text a client could print.
      ['a lone surrogate in a key', { 'plan\ud800': 'pro' }, 'custom', ['metadata']],
      ['a constructor key', { constructor: 'x' }, 'custom', ['metadata', 'constructor']],
      [
        'a __proto__ key sent as JSON',
        JSON.parse('{"__proto__": "x"}') as object,
        'custom',
        ['metadata', '__proto__'],
      ],
    ])('rejects %s', (_, metadata, code, path) => {
      expect(issues({ metadata })).toEqual([{ code, path }]);
    });
  });

  describe('unknown fields', () => {
    it.each([
      ['a made-up field', 'extra'],
      ['the object type', 'object'],
      ['livemode', 'livemode'],
      ['a timestamp', 'createdAt'],
      ['a differently-cased known field', 'Email'],
      ['a snake_case field', 'created_at'],
    ])('rejects %s with unrecognized_keys', (_, key) => {
      expect(issues({ [key]: 'x' })).toEqual([{ code: 'unrecognized_keys', path: [] }]);
    });

    it('names every unknown key', () => {
      const result = schema.safeParse({ ...base, a: 1, b: 2 });
      expect(result.error?.issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['a', 'b'] }]);
    });

    it('rejects a __proto__ key sent as JSON', () => {
      const input: unknown = JSON.parse(
        `{"__proto__": {"admin": true}, ${JSON.stringify(base).slice(1)}`,
      );
      expect(schema.safeParse(input).success).toBe(false);
    });
  });
});

describe('CustomerCreateSchema', () => {
  it('keeps exactly the fields sent', () => {
    expect(CustomerCreateSchema.parse(VALID_CREATE)).toEqual(VALID_CREATE);
  });

  it('normalises a full create', () => {
    const input = {
      name: ' Ada Lovelace ',
      email: ' Ada@Example.com ',
      phone: '(415) 555-0123',
      description: 'Met at the London event',
      metadata: { plan: 'pro' },
    };
    expect(CustomerCreateSchema.parse(input)).toEqual({
      name: 'Ada Lovelace',
      email: 'Ada@Example.com',
      phone: '+14155550123',
      description: 'Met at the London event',
      metadata: { plan: 'pro' },
    });
  });

  it.each([
    ['no name', { email: 'ada@example.com' }, [{ code: 'invalid_type', path: ['name'] }]],
    ['no email', { name: 'Ada' }, [{ code: 'invalid_type', path: ['email'] }]],
    ['an id', { ...VALID_CREATE, id: 'cus_mine' }, [{ code: 'unrecognized_keys', path: [] }]],
    [
      'null metadata',
      { ...VALID_CREATE, metadata: null },
      [{ code: 'invalid_type', path: ['metadata'] }],
    ],
    [
      'a metadata removal',
      { ...VALID_CREATE, metadata: { plan: null } },
      [{ code: 'invalid_type', path: ['metadata', 'plan'] }],
    ],
  ])('rejects %s', (_, input, expected) => {
    expect(issuesOf(CustomerCreateSchema, input)).toEqual(expected);
  });

  it.each([
    ['null', null],
    ['an array', [VALID_CREATE]],
    ['a string', 'Ada'],
  ])('rejects %s as the body', (_, input) => {
    expect(issuesOf(CustomerCreateSchema, input)).toEqual([{ code: 'invalid_type', path: [] }]);
  });

  it('reports every bad field at once, each under its own path', () => {
    const input = {
      name: '',
      email: 'ada@@example.com',
      phone: '12',
      description: 'x'.repeat(1001),
      metadata: { card: CARD },
    };
    expect(issuesOf(CustomerCreateSchema, input)).toEqual([
      { code: 'too_small', path: ['name'] },
      { code: 'email_invalid', path: ['email'] },
      { code: 'phone_invalid', path: ['phone'] },
      { code: 'too_big', path: ['description'] },
      { code: 'sensitive_data_rejected', path: ['metadata', 'card'] },
    ]);
  });
});

describe('CustomerUpdateSchema', () => {
  it.each([
    ['only the id', {}, {}],
    ['a new name', { name: ' Grace ' }, { name: 'Grace' }],
    ['a cleared phone', { phone: null }, { phone: null }],
    ['a cleared description', { description: null }, { description: null }],
    [
      'a metadata patch',
      { metadata: { plan: 'pro', trial: null } },
      { metadata: { plan: 'pro', trial: null } },
    ],
    [
      'a default payment method',
      { defaultPaymentMethod: 'pm_a' },
      { defaultPaymentMethod: 'pm_a' },
    ],
    [
      'a cleared default payment method',
      { defaultPaymentMethod: null },
      { defaultPaymentMethod: null },
    ],
  ])('changes only what is sent: %s', (_, fields, changes) => {
    expect(CustomerUpdateSchema.parse({ ...VALID_UPDATE, ...fields })).toStrictEqual({
      ...VALID_UPDATE,
      ...changes,
    });
  });

  it.each([
    ['no id', {}, 'invalid_type', ['id']],
    ['an empty id', { id: '' }, 'too_small', ['id']],
    ['an id holding NUL', { id: 'cus_\u0000' }, 'custom', ['id']],
    ['a null name', { ...VALID_UPDATE, name: null }, 'invalid_type', ['name']],
    ['a null email', { ...VALID_UPDATE, email: null }, 'invalid_type', ['email']],
    ['null metadata', { ...VALID_UPDATE, metadata: null }, 'invalid_type', ['metadata']],
    [
      'an empty default payment method',
      { ...VALID_UPDATE, defaultPaymentMethod: '' },
      'too_small',
      ['defaultPaymentMethod'],
    ],
  ])('rejects %s', (_, input, code, path) => {
    expect(issuesOf(CustomerUpdateSchema, input)).toEqual([{ code, path }]);
  });
});

describe('CustomerIdInputSchema', () => {
  it('takes an id', () => {
    expect(CustomerIdInputSchema.parse(VALID_UPDATE)).toEqual(VALID_UPDATE);
  });

  it.each([
    ['no id', {}, 'invalid_type', ['id']],
    ['an unknown field', { ...VALID_UPDATE, expand: ['payments'] }, 'unrecognized_keys', []],
  ])('rejects %s', (_, input, code, path) => {
    expect(issuesOf(CustomerIdInputSchema, input)).toEqual([{ code, path }]);
  });
});

describe('CustomerListQuerySchema', () => {
  it.each([
    ['nothing, defaulting the limit to 10', {}, { limit: 10 }],
    ['limit 1', { limit: 1 }, { limit: 1 }],
    ['limit 100', { limit: 100 }, { limit: 100 }],
    ['startingAfter alone', { startingAfter: 'cus_a' }, { limit: 10, startingAfter: 'cus_a' }],
    ['endingBefore alone', { endingBefore: 'cus_a' }, { limit: 10, endingBefore: 'cus_a' }],
    ['an email, trimmed', { email: ' Ada@Example.com ' }, { limit: 10, email: 'Ada@Example.com' }],
    ['a query, trimmed', { query: ' lovelace ' }, { limit: 10, query: 'lovelace' }],
    ['a query with an emoji', { query: 'Ada 🚀' }, { limit: 10, query: 'Ada 🚀' }],
    [
      'a query with LIKE wildcards, kept literal',
      { query: '50%_off' },
      { limit: 10, query: '50%_off' },
    ],
    [
      'a creation window',
      { createdGte: '2026-01-01T00:00:00Z', createdLte: '2026-12-31T23:59:59.999+02:00' },
      {
        limit: 10,
        createdGte: '2026-01-01T00:00:00Z',
        createdLte: '2026-12-31T23:59:59.999+02:00',
      },
    ],
  ])('accepts %s', (_, input, expected) => {
    expect(CustomerListQuerySchema.parse(input)).toEqual(expected);
  });

  it.each([
    ['limit 0', { limit: 0 }, 'too_small', ['limit']],
    ['limit 101', { limit: 101 }, 'too_big', ['limit']],
    ['a fractional limit', { limit: 1.5 }, 'invalid_type', ['limit']],
    ['both cursors', { startingAfter: 'cus_a', endingBefore: 'cus_b' }, 'custom', ['endingBefore']],
    ['an empty email', { email: '  ' }, 'too_small', ['email']],
    ['a 255-character email', { email: 'a'.repeat(255) }, 'too_big', ['email']],
    ['an empty query', { query: '' }, 'too_small', ['query']],
    ['a 257-character query', { query: 'q'.repeat(257) }, 'too_big', ['query']],
    ['a query holding NUL', { query: 'a\u0000' }, 'custom', ['query']],
    ['a query holding a lone surrogate', { query: '\u00e9\udfff' }, 'custom', ['query']],
    ['an email holding a lone surrogate', { email: 'a\ud800@example.com' }, 'custom', ['email']],
    ['a date without a time', { createdGte: '2026-01-01' }, 'invalid_format', ['createdGte']],
    ['a date in words', { createdLte: 'yesterday' }, 'invalid_format', ['createdLte']],
    ['an unknown parameter', { sort: 'name' }, 'unrecognized_keys', []],
  ])('rejects %s', (_, input, code, path) => {
    expect(issuesOf(CustomerListQuerySchema, input)).toEqual([{ code, path }]);
  });
});

describe('output schemas', () => {
  const customer = {
    id: 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A',
    object: 'customer',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+14155550123',
    description: null,
    metadata: { plan: 'pro' },
    defaultPaymentMethod: null,
    livemode: false,
    createdAt: '2026-11-26T09:30:00.000Z',
    updatedAt: '2026-11-26T09:30:00.000Z',
  };

  it('describes a customer and a page of them', () => {
    expect(CustomerSchema.parse(customer)).toEqual(customer);
    const page = { object: 'list', data: [customer], hasMore: false, url: '/v1/customers' };
    expect(CustomerListSchema.parse(page)).toEqual(page);
  });

  it.each([
    ['deleted: true', { id: customer.id, object: 'customer', deleted: true }, true],
    ['deleted: false', { id: customer.id, object: 'customer', deleted: false }, false],
    ['another object type', { id: customer.id, object: 'payment', deleted: true }, false],
  ])('DeletedCustomerSchema with %s → %s', (_, input, valid) => {
    expect(DeletedCustomerSchema.safeParse(input).success).toBe(valid);
  });
});
