import { describe, expect, it } from 'vitest';
import { isoOfTimestamptz, writeTimestamp } from '../src/queries/timestamps.js';

describe('writeTimestamp (a row timestamp taken in the API)', () => {
  it('strictly increases, in microseconds, however fast it is called', () => {
    const stamps = Array.from({ length: 20_000 }, () => writeTimestamp());
    const micros = stamps.map(({ stored }) => {
      const match = /^(.*\.\d{3})(\d{3})Z$/.exec(stored);
      if (!match) throw new Error(`not six decimals: ${stored}`);
      return Date.parse(`${match[1]}Z`) * 1000 + Number(match[2]);
    });
    for (let i = 1; i < micros.length; i += 1) {
      expect(micros[i]).toBeGreaterThan(micros[i - 1] as number);
    }
    // 20,000 calls take far less than 20 ms: many share a millisecond, none a microsecond.
    expect(new Set(stamps.map(({ answered }) => answered)).size).toBeLessThan(stamps.length);
  });

  it('answers the stored instant as a read of the column prints it: milliseconds, cut', () => {
    const { stored, answered } = writeTimestamp();
    expect(answered).toBe(new Date(stored).toISOString());
    expect(stored.startsWith(answered.slice(0, -1))).toBe(true);
    expect(Math.abs(Date.parse(answered) - Date.now())).toBeLessThan(1_000);
  });
});

describe('isoOfTimestamptz (a timestamptz as the driver reads it, printed as the API does)', () => {
  it('prints what new Date(text).toISOString() prints, for every precision and other zones', () => {
    const texts = [
      '2026-11-29 14:07:05+00',
      '2026-11-29 14:07:05.1+00',
      '2026-11-29 14:07:05.12+00',
      '2026-11-29 14:07:05.123+00',
      '2026-11-29 14:07:05.1239+00',
      '2026-11-29 14:07:05.123999+00',
      '2024-02-29 23:59:59.999999+00',
      '1970-01-01 00:00:00+00',
      // Not UTC: the Date path.
      '2026-11-29 16:07:05.5+02',
      '2026-11-29 09:37:05.5-04:30',
    ];
    for (const text of texts) {
      expect(isoOfTimestamptz(text), text).toBe(new Date(text).toISOString());
    }
  });
});
