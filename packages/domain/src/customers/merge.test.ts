import { describe, expect, it } from 'vitest';
import { CustomerMergeSchema } from './merge.js';

const issueOf = (input: unknown) => {
  const result = CustomerMergeSchema.safeParse(input);
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  return { path: issue?.path.join('.'), message: issue?.message };
};

describe('CustomerMergeSchema', () => {
  it('takes a survivor, the customers to merge and where each field comes from', () => {
    const input = {
      id: 'cus_a',
      from: ['cus_b', 'cus_c'],
      fields: { email: 'cus_c', name: 'cus_a' },
    };
    expect(CustomerMergeSchema.parse(input)).toEqual(input);
  });

  it.each([
    ['no customer to merge', { id: 'cus_a', from: [] }, 'from'],
    [
      'eleven customers',
      { id: 'cus_a', from: Array.from({ length: 11 }, (_, i) => `cus_${i}`) },
      'from',
    ],
    ['the survivor itself', { id: 'cus_a', from: ['cus_b', 'cus_a'] }, 'from.1'],
    ['one customer twice', { id: 'cus_a', from: ['cus_b', 'cus_c', 'cus_b'] }, 'from.2'],
    [
      'a field from a stranger',
      { id: 'cus_a', from: ['cus_b'], fields: { phone: 'cus_z' } },
      'fields.phone',
    ],
    [
      'an unknown field',
      { id: 'cus_a', from: ['cus_b'], fields: { createdAt: 'cus_b' } },
      'fields',
    ],
    ['an unknown parameter', { id: 'cus_a', from: ['cus_b'], into: 'cus_c' }, ''],
    ['from missing', { id: 'cus_a' }, 'from'],
  ])('refuses %s, naming %j', (_, input, path) => {
    expect(issueOf(input)?.path).toBe(path);
  });

  it('says what is wrong in words', () => {
    expect(issueOf({ id: 'cus_a', from: ['cus_a'] })?.message).toBe(
      'A customer cannot be merged into itself.',
    );
    expect(issueOf({ id: 'cus_a', from: ['cus_b', 'cus_b'] })?.message).toBe(
      "'cus_b' is named twice.",
    );
  });
});
