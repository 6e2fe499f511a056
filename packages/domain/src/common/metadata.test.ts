import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { codeOfIssue } from './issues.js';
import {
  METADATA_MAX_KEYS,
  MetadataPatchSchema,
  MetadataSchema,
  mergeMetadata,
  type Metadata,
  type MetadataPatch,
} from './metadata.js';

/** `{key0: 'v', key1: 'v', ...}` with `count` keys. */
const keys = (count: number, prefix = 'key'): Metadata =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));

/** Each issue as the edge will read it: our error code when it carries one, else zod's. */
function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({
    code: codeOfIssue(issue) ?? issue.code,
    path: issue.path,
  }));
}

const CARD = '4242 4242 4242 4242';

describe.each([
  ['MetadataSchema', MetadataSchema],
  ['MetadataPatchSchema', MetadataPatchSchema],
])('%s', (_, schema) => {
  it.each([
    ['no keys', {}],
    ['one key', { plan: 'pro' }],
    ['50 keys', keys(50)],
    ['a one-character key', { k: 'v' }],
    ['a 40-character key', { ['k'.repeat(40)]: 'v' }],
    ['keys with punctuation and spaces', { 'crm.id': 'x', 'billing contact': 'y' }],
    ['a non-ASCII key', { tarifa: 'básica', 料金: 'プロ' }],
    ['an empty value', { note: '' }],
    ['a 500-character value', { note: 'x'.repeat(500) }],
    ['a value with a short number', { order: 'ORD-2024-0001' }],
    ['a value with a Luhn-failing 16-digit number', { ref: '4242424242424241' }],
    ['emoji, a combining accent and RTL marks', { 'plan 🚀': 'e\u0301 \u200fשלום' }],
    ['keys that only contain reserved words', { proto: 'x', constructors: 'y', __proto: 'z' }],
  ])('accepts %s', (_, metadata) => {
    expect(schema.parse(metadata)).toEqual(metadata);
  });

  it.each([
    ['51 keys', keys(51), 'custom', []],
    ['an empty key', { '': 'v' }, 'invalid_key', ['']],
    ['a 41-character key', { ['k'.repeat(41)]: 'v' }, 'invalid_key', ['k'.repeat(41)]],
    ['a key with a NUL character', { 'a\u0000b': 'v' }, 'invalid_key', ['a\u0000b']],
    ['a 501-character value', { note: 'x'.repeat(501) }, 'too_big', ['note']],
    ['a number value', { seats: 5 }, 'invalid_type', ['seats']],
    ['a boolean value', { vip: true }, 'invalid_type', ['vip']],
    ['a nested object value', { nested: { a: 'b' } }, 'invalid_type', ['nested']],
    ['a value with a NUL character', { note: 'a\u0000b' }, 'custom', ['note']],
    ['a card number value', { plan: CARD }, 'sensitive_data_rejected', ['plan']],
    [
      'a dashed card number value',
      { c: 'pay with 4242-4242-4242-4242' },
      'sensitive_data_rejected',
      ['c'],
    ],
    ['a 13-digit card number value', { c: '4222222222222' }, 'sensitive_data_rejected', ['c']],
    ['a lone high surrogate in a value', { note: 'a\ud800' }, 'custom', ['note']],
    ['a lone low surrogate in a value', { note: '\udc00' }, 'custom', ['note']],
    // A key that is not text is named as the metadata, not echoed back as a param.
    ['a lone surrogate in a key', { 'a\ud800': 'v' }, 'custom', []],
    [
      'a __proto__ key (as JSON.parse makes it)',
      JSON.parse('{"__proto__": "v"}'),
      'custom',
      ['__proto__'],
    ],
    ['a constructor key', { constructor: 'v' }, 'custom', ['constructor']],
    ['a prototype key', { prototype: 'v' }, 'custom', ['prototype']],
  ])('rejects %s', (_, metadata, code, path) => {
    expect(issuesOf(schema, metadata)).toContainEqual({ code, path });
  });

  it.each([
    ['an array', ['plan', 'pro']],
    ['a string', 'plan=pro'],
    ['null', null],
  ])('rejects %s as the whole metadata', (_, metadata) => {
    expect(issuesOf(schema, metadata)).toEqual([{ code: 'invalid_type', path: [] }]);
  });

  it('reports a card number once per offending key', () => {
    const issues = issuesOf(schema, { a: CARD, b: 'fine', c: `x ${CARD}` });
    expect(issues).toEqual([
      { code: 'sensitive_data_rejected', path: ['a'] },
      { code: 'sensitive_data_rejected', path: ['c'] },
    ]);
  });
});

describe('MetadataSchema', () => {
  it('rejects a card number used as a key', () => {
    expect(issuesOf(MetadataSchema, { [CARD]: 'x' })).toEqual([
      { code: 'sensitive_data_rejected', path: [CARD] },
    ]);
  });

  it('rejects a reserved key even as null', () => {
    expect(issuesOf(MetadataSchema, { constructor: null })).toEqual([
      { code: 'custom', path: ['constructor'] },
    ]);
  });

  it('rejects null values: removing a key is only for updates', () => {
    expect(issuesOf(MetadataSchema, { plan: null })).toEqual([
      { code: 'invalid_type', path: ['plan'] },
    ]);
  });
});

describe('MetadataPatchSchema', () => {
  it.each([
    ['removing a constructor key stored before keys were reserved', { constructor: null }],
    ['removing a prototype key', { prototype: null }],
    ['one removal', { plan: null }],
    ['a set and a removal', { plan: 'enterprise', trial: null }],
    ['50 removals', Object.fromEntries(Object.keys(keys(50)).map((k) => [k, null]))],
  ])('accepts %s', (_, patch) => {
    expect(MetadataPatchSchema.parse(patch)).toEqual(patch);
  });
});

describe.each([
  ['MetadataSchema', MetadataSchema],
  ['MetadataPatchSchema', MetadataPatchSchema],
])('%s and __proto__', (_, schema) => {
  // zod itself skips a __proto__ key without an issue, so it would vanish behind a success.
  it.each([
    ['a string', '{"__proto__": "x", "plan": "pro"}'],
    ['null', '{"__proto__": null}'],
    ['an object', '{"__proto__": {"polluted": "yes"}}'],
  ])('refuses it holding %s rather than dropping it', (_label, json) => {
    expect(issuesOf(schema, JSON.parse(json))).toEqual([{ code: 'custom', path: ['__proto__'] }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names each offending key', () => {
    const input: unknown = JSON.parse('{"constructor": "a", "ok": "b", "prototype": "c"}');
    expect(issuesOf(schema, input)).toEqual([
      { code: 'custom', path: ['constructor'] },
      { code: 'custom', path: ['prototype'] },
    ]);
  });
});

describe('mergeMetadata', () => {
  it.each<[string, Metadata, MetadataPatch, Metadata]>([
    ['adds a key', {}, { plan: 'pro' }, { plan: 'pro' }],
    [
      'keeps keys not sent',
      { plan: 'pro', crm: '7' },
      { seats: '5' },
      { plan: 'pro', crm: '7', seats: '5' },
    ],
    ['replaces a key', { plan: 'pro' }, { plan: 'enterprise' }, { plan: 'enterprise' }],
    ['removes a key set to null', { plan: 'pro', trial: 'yes' }, { trial: null }, { plan: 'pro' }],
    ['ignores removing a key that is not there', { plan: 'pro' }, { gone: null }, { plan: 'pro' }],
    ['changes nothing for an empty patch', { plan: 'pro' }, {}, { plan: 'pro' }],
    ['can remove every key', { a: '1', b: '2' }, { a: null, b: null }, {}],
    ['sets and removes at once', { a: '1', b: '2' }, { a: null, c: '3' }, { b: '2', c: '3' }],
    ['keeps an empty value as a value', { a: '1' }, { a: '' }, { a: '' }],
  ])('%s', (_, current, patch, expected) => {
    expect(mergeMetadata(current, patch)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Metadata, MetadataPatch, number]>([
    ['49 keys plus one new key', keys(49), { extra: 'v' }, 50],
    ['50 keys with one replaced', keys(50), { key0: 'new' }, 50],
    ['50 keys with one removed and one added', keys(50), { key0: null, extra: 'v' }, 50],
    ['25 keys plus 25 new keys', keys(25), keys(25, 'new'), 50],
  ])('accepts %s', (_, current, patch, size) => {
    const merged = mergeMetadata(current, patch);
    expect(merged.ok).toBe(true);
    expect(merged.ok && Object.keys(merged.value)).toHaveLength(size);
  });

  it.each<[string, Metadata, MetadataPatch]>([
    ['50 keys plus one new key', keys(50), { extra: 'v' }],
    ['30 keys plus 21 new keys', keys(30), keys(21, 'new')],
    ['50 keys with one removed and two added', keys(50), { key0: null, x: 'v', y: 'v' }],
  ])('fails for %s', (_, current, patch) => {
    const merged = mergeMetadata(current, patch);
    expect(merged.ok).toBe(false);
    if (merged.ok) return;
    expect(merged.error.code).toBe('parameter_invalid');
    expect(merged.error.param).toBe('metadata');
    expect(merged.error.message).toContain(String(METADATA_MAX_KEYS));
  });

  it('leaves the stored metadata untouched', () => {
    const current = { plan: 'pro', trial: 'yes' };
    mergeMetadata(current, { plan: 'enterprise', trial: null, seats: '5' });
    expect(current).toEqual({ plan: 'pro', trial: 'yes' });
  });
});
