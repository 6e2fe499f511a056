import { describe, expect, it } from 'vitest';
import { divideHalfUp, summariseAnalytics, toSafeNumber } from './volume.js';

describe('divideHalfUp', () => {
  it.each([
    [10n, 4n, 3n], // 2.5 → 3
    [9n, 4n, 2n], // 2.25 → 2
    [11n, 4n, 3n], // 2.75 → 3
    [5n, 2n, 3n], // 2.5 → 3
    [1n, 3n, 0n], // 0.33 → 0
    [2n, 3n, 1n], // 0.67 → 1
    [0n, 7n, 0n],
    [100n, 1n, 100n],
  ])('%i / %i = %i', (a, b, expected) => {
    expect(divideHalfUp(a, b)).toBe(expected);
  });

  it('stays exact far beyond 2^53', () => {
    const total = 2n ** 80n + 1n;
    expect(divideHalfUp(total, 2n)).toBe(2n ** 79n + 1n);
    expect(divideHalfUp(99_999_999n * 200_000_000n, 200_000_000n)).toBe(99_999_999n);
  });

  it('refuses a zero divisor or a negative dividend', () => {
    expect(() => divideHalfUp(1n, 0n)).toThrow(RangeError);
    expect(() => divideHalfUp(-1n, 2n)).toThrow(RangeError);
  });
});

describe('summariseAnalytics', () => {
  const at = (iso: string) => new Date(iso);

  it('counts every currency but never adds their amounts together', () => {
    const summary = summariseAnalytics([
      { currency: 'usd', count: 3n, total: 1000n, lastPaymentAt: at('2026-01-02T00:00:00Z') },
      { currency: 'eur', count: 2n, total: 501n, lastPaymentAt: at('2026-03-01T00:00:00Z') },
      { currency: 'jpy', count: 1n, total: 500n, lastPaymentAt: at('2025-12-31T00:00:00Z') },
    ]);
    expect(summary.totalPayments).toBe(6n);
    expect(summary.lastPaymentAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(summary.volume).toEqual([
      { currency: 'eur', total: 501n, average: 251n }, // 250.5 → 251
      { currency: 'jpy', total: 500n, average: 500n },
      { currency: 'usd', total: 1000n, average: 333n }, // 333.33 → 333
    ]);
  });

  it('is empty for a customer without succeeded payments', () => {
    expect(summariseAnalytics([])).toEqual({ totalPayments: 0n, lastPaymentAt: null, volume: [] });
  });

  it('handles totals past 2^53 without losing a unit', () => {
    const count = 100_000_000n;
    const total = 99_999_999n * count + 7n;
    const [line] = summariseAnalytics([
      { currency: 'usd', count, total, lastPaymentAt: at('2026-01-01T00:00:00Z') },
    ]).volume;
    expect(line?.total).toBe(9_999_999_900_000_007n);
    expect(line?.average).toBe(99_999_999n);
  });
});

describe('toSafeNumber', () => {
  it('converts exactly up to 2^53 - 1 and refuses beyond', () => {
    expect(toSafeNumber(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeNumber(9_007_199_254_740_992n)).toThrow(RangeError);
  });
});
