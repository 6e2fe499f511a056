import { describe, expect, it } from 'vitest';
import { ID_PREFIXES, type IdKind, ObjectIdSchema, newId, randomBase62 } from './ids.js';

const KINDS = Object.keys(ID_PREFIXES) as IdKind[];
const BASE62 = /^[0-9A-Za-z]*$/;

describe('ID_PREFIXES', () => {
  it.each<[IdKind, string]>([
    ['account', 'acct'],
    ['customer', 'cus'],
    ['payment', 'pay'],
    ['paymentMethod', 'pm'],
    ['subscription', 'sub'],
    ['schedule', 'sched'],
    ['event', 'evt'],
    ['webhookEndpoint', 'we'],
    ['apiKey', 'key'],
    ['auditEntry', 'aud'],
  ])('names %s ids %s_', (kind, prefix) => {
    expect(ID_PREFIXES[kind]).toBe(prefix);
  });

  it('gives every kind its own prefix', () => {
    const prefixes = Object.values(ID_PREFIXES);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

describe.each(KINDS)('newId(%s)', (kind) => {
  const prefix = ID_PREFIXES[kind];

  it(`is ${prefix}_ and 24 base62 characters`, () => {
    expect(newId(kind)).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{24}$`));
  });

  it('never repeats over 10,000 draws', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(kind)));
    expect(ids.size).toBe(10_000);
  });
});

describe('randomBase62', () => {
  it.each([0, 1, 24, 100, 40_000])('gives %i base62 characters', (length) => {
    const text = randomBase62(length);
    expect(text).toHaveLength(length);
    expect(text).toMatch(BASE62);
  });

  it('uses the whole alphabet, none of it far more than the rest', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 1,000 expected per character; a fair source lands within ±20% with overwhelming odds.
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
    for (const count of counts.values()) expect(count).toBeLessThan(1200);
  });

  it('is as fair one character at a time, across many refills of the random pool', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 62_000; i++) {
      const char = randomBase62(1);
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
    for (const count of counts.values()) expect(count).toBeLessThan(1200);
  });

  it('never hands out the same random bytes twice', () => {
    const draws = Array.from({ length: 5_000 }, () => randomBase62(8));
    expect(new Set(draws).size).toBe(draws.length);
  });
});

describe('ObjectIdSchema', () => {
  it.each(['cus_abc', 'x', 'pay_unknown-shape', 'x'.repeat(255)])(
    'accepts %j (an unknown id is a 404, not a 400)',
    (id) => {
      expect(ObjectIdSchema.parse(id)).toBe(id);
    },
  );

  it.each([
    ['the empty string', ''],
    ['more than 255 characters', 'x'.repeat(256)],
    ['a NUL character', 'cus_\u0000'],
    ['a number', 42],
    ['null', null],
  ])('rejects %s', (_, id) => {
    expect(ObjectIdSchema.safeParse(id).success).toBe(false);
  });
});
