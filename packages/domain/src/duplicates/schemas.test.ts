import { describe, expect, it } from 'vitest';
import {
  CustomerDuplicatesSchema,
  DuplicateGroupListSchema,
  DuplicateGroupSchema,
  DuplicateListQuerySchema,
} from './schemas.js';

const ID_A = 'cus_4fGq2Lm9XbT0cVhYkR8sWn1A';
const ID_B = 'cus_8sWn1A4fGq2Lm9XbT0cVhYkR';

const customer = (id: string, name: string) => ({
  id,
  object: 'customer' as const,
  name,
  email: 'ada@example.com',
  phone: null,
  description: null,
  metadata: {},
  defaultPaymentMethod: null,
  livemode: false,
  createdAt: '2026-11-26T09:30:00.000Z',
  updatedAt: '2026-11-26T09:30:00.000Z',
});

const group = {
  object: 'duplicate_group',
  id: ID_A,
  score: 0.88,
  level: 'likely',
  customers: [customer(ID_A, 'Ada Lovelace'), customer(ID_B, 'Lovelace, Ada')],
  pairs: [{ a: ID_A, b: ID_B, score: 0.88, reasons: ['email', 'name'] }],
};

describe('DuplicateListQuerySchema', () => {
  it('defaults minScore to the possible threshold and the list limit', () => {
    expect(DuplicateListQuerySchema.parse({})).toEqual({ limit: 10, minScore: 0.5 });
  });

  it.each([
    ['minScore 0', { minScore: 0 }],
    ['minScore 1', { minScore: 1 }],
    ['a customer id cursor', { startingAfter: ID_A, minScore: 0.8 }],
  ])('accepts %s', (_, query) => {
    expect(DuplicateListQuerySchema.safeParse(query).success).toBe(true);
  });

  it.each([
    ['minScore below 0', { minScore: -0.1 }, 'minScore'],
    ['minScore above 1', { minScore: 1.5 }, 'minScore'],
    ['minScore as text', { minScore: 'high' }, 'minScore'],
    ['two cursors', { startingAfter: ID_A, endingBefore: ID_B }, 'endingBefore'],
    ['an unknown parameter', { score: 0.5 }, ''],
    ['a limit past the maximum', { limit: 101 }, 'limit'],
  ])('refuses %s', (_, query, path) => {
    const result = DuplicateListQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('DuplicateGroupSchema', () => {
  it('accepts a group of two customers and their pair', () => {
    expect(DuplicateGroupSchema.parse(group)).toEqual(group);
  });

  it.each([
    ['one customer', { ...group, customers: [customer(ID_A, 'Ada')] }],
    ['a score above 1', { ...group, score: 1.2 }],
    ['an unknown reason', { ...group, pairs: [{ ...group.pairs[0], reasons: ['address'] }] }],
    ['an unknown level', { ...group, level: 'certain' }],
  ])('refuses %s', (_, value) => {
    expect(DuplicateGroupSchema.safeParse(value).success).toBe(false);
  });

  it('pages in a list', () => {
    const list = { object: 'list', data: [group], hasMore: false, url: '/v1/customers/duplicates' };
    expect(DuplicateGroupListSchema.parse(list)).toEqual(list);
  });
});

describe('CustomerDuplicatesSchema', () => {
  const list = {
    object: 'list',
    data: [{ customer: customer(ID_B, 'Ada'), score: 0.6, level: 'possible', reasons: ['name'] }],
    hasMore: false,
    url: `/v1/customers/${ID_A}/duplicates`,
  };

  it('is one page of candidates', () => {
    expect(CustomerDuplicatesSchema.parse(list)).toEqual(list);
    expect(CustomerDuplicatesSchema.safeParse({ ...list, hasMore: true }).success).toBe(false);
  });
});
