import { describe, expect, it } from 'vitest';
import { comparePath, describeReasons, formatScore, idsFromParams } from './duplicates';

describe('duplicates helpers', () => {
  it('says the reasons in words, in the order given', () => {
    expect(describeReasons(['email', 'name'])).toBe('same mailbox, similar name');
    expect(describeReasons(['phone', 'card'])).toBe('same phone, same card');
    expect(describeReasons([])).toBe('');
  });

  it('reads a score as a whole percentage', () => {
    expect(formatScore(0.88)).toBe('88%');
    expect(formatScore(0.505)).toBe('51%');
    expect(formatScore(1)).toBe('100%');
  });

  it('round-trips the compared ids through the URL, dropping blanks and repeats', () => {
    const path = comparePath(['cus_a', 'cus_b']);
    expect(path).toBe('/duplicates/compare?customers=cus_a%2Ccus_b');
    const params = new URL(path, 'http://x').searchParams;
    expect(idsFromParams(params)).toEqual(['cus_a', 'cus_b']);
    expect(idsFromParams(new URLSearchParams('customers=cus_a,,cus_a,cus_c'))).toEqual([
      'cus_a',
      'cus_c',
    ]);
    expect(idsFromParams(new URLSearchParams())).toEqual([]);
  });
});
