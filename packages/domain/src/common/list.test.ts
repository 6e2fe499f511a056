import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  IsoTimestampSchema,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  ListParamsSchema,
  listSchema,
  refineOneCursor,
} from './list.js';

const ListQuerySchema = ListParamsSchema.superRefine(refineOneCursor);

const issuesOf = (input: unknown) => {
  const result = ListQuerySchema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map(({ code, path }) => ({ code, path }));
};

describe('list parameters', () => {
  it('pages by 10 and at most by 100', () => {
    expect(LIST_DEFAULT_LIMIT).toBe(10);
    expect(LIST_MAX_LIMIT).toBe(100);
  });

  it.each([
    ['nothing', {}, { limit: 10 }],
    ['the smallest limit', { limit: 1 }, { limit: 1 }],
    ['the largest limit', { limit: 100 }, { limit: 100 }],
    ['startingAfter', { startingAfter: 'cus_abc' }, { limit: 10, startingAfter: 'cus_abc' }],
    ['endingBefore', { endingBefore: 'cus_abc' }, { limit: 10, endingBefore: 'cus_abc' }],
    ['a limit and a cursor', { limit: 5, startingAfter: 'x' }, { limit: 5, startingAfter: 'x' }],
  ])('accepts %s', (_, input, expected) => {
    expect(ListQuerySchema.parse(input)).toEqual(expected);
  });

  it.each([
    ['a limit of 0', { limit: 0 }, 'too_small', ['limit']],
    ['a negative limit', { limit: -1 }, 'too_small', ['limit']],
    ['a limit of 101', { limit: 101 }, 'too_big', ['limit']],
    ['a fractional limit', { limit: 2.5 }, 'invalid_type', ['limit']],
    ['a null limit', { limit: null }, 'invalid_type', ['limit']],
    ['an empty cursor', { startingAfter: '' }, 'too_small', ['startingAfter']],
    ['a cursor that is not a string', { endingBefore: 42 }, 'invalid_type', ['endingBefore']],
    [
      'a cursor over 255 characters',
      { startingAfter: 'x'.repeat(256) },
      'too_big',
      ['startingAfter'],
    ],
    ['a cursor holding NUL', { startingAfter: 'cus_\u0000' }, 'custom', ['startingAfter']],
    ['both cursors', { startingAfter: 'cus_a', endingBefore: 'cus_b' }, 'custom', ['endingBefore']],
    ['an unknown parameter', { page: 2 }, 'unrecognized_keys', []],
  ])('rejects %s', (_, input, code, path) => {
    expect(issuesOf(input)).toContainEqual({ code, path });
  });
});

describe('listSchema', () => {
  const StringList = listSchema(z.string());

  it('describes a list envelope', () => {
    const page = { object: 'list', data: ['a', 'b'], hasMore: true, url: '/v1/things' };
    expect(StringList.parse(page)).toEqual(page);
  });

  it.each([
    ['another object type', { object: 'customer', data: [], hasMore: false, url: '/' }],
    ['items of the wrong type', { object: 'list', data: [1], hasMore: false, url: '/' }],
    ['no hasMore', { object: 'list', data: [], url: '/' }],
  ])('rejects %s', (_, page) => {
    expect(StringList.safeParse(page).success).toBe(false);
  });
});

describe('IsoTimestampSchema', () => {
  it.each([
    '2026-11-26T09:30:00Z',
    '2026-11-26T09:30:00.000Z',
    '2026-11-26T09:30:00+02:00',
    '2026-11-26T09:30:00.123456-05:30',
  ])('accepts %s', (value) => {
    expect(IsoTimestampSchema.parse(value)).toBe(value);
  });

  it.each([
    '2026-11-26',
    '2026-11-26 09:30:00',
    '26/11/2026',
    'yesterday',
    '2026-13-01T00:00:00Z',
    '',
  ])('rejects %j', (value) => {
    expect(IsoTimestampSchema.safeParse(value).success).toBe(false);
  });
});
