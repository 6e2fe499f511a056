import { describe, expect, it } from 'vitest';
import { dateInputValue, startOfLocalDay } from './dates';
import { formatDate } from './format';

describe('startOfLocalDay', () => {
  it('is the start of the picked day where the person is, which reads back as that day', () => {
    const iso = startOfLocalDay('2026-11-26');
    expect(iso).toBe(new Date(2026, 10, 26).toISOString());
    expect(formatDate(iso ?? '', 'en-US')).toBe('Nov 26, 2026');
  });

  it.each(['', '2026-02-30', '2026-13-01', '26-11-2026', '2026-11-26T00:00'])(
    'refuses %j',
    (value) => {
      expect(startOfLocalDay(value)).toBeUndefined();
    },
  );
});

describe('dateInputValue', () => {
  it('counts whole days from a date, across a month end', () => {
    const from = new Date(2026, 0, 30, 15, 45);
    expect(dateInputValue(from)).toBe('2026-01-30');
    expect(dateInputValue(from, 3)).toBe('2026-02-02');
  });
});
