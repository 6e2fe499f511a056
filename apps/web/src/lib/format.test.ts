import { describe, expect, it } from 'vitest';
import { formatClock, formatDate, formatPreciseTimestamp, formatTimestamp, orDash } from './format';

describe('formatTimestamp', () => {
  it('reads an ISO timestamp as a date and time in the given zone', () => {
    // ICU may separate "9:30" and "AM" with a narrow no-break space.
    const text = formatTimestamp('2026-11-26T09:30:00.000Z', 'en-US', 'UTC').replace(/\s/g, ' ');
    expect(text).toBe('Nov 26, 2026, 9:30 AM');
  });

  it('honours the time zone, which can change the day', () => {
    const text = formatTimestamp('2026-11-26T23:30:00.000Z', 'en-US', 'Asia/Tokyo');
    expect(text).toMatch(/^Nov 27, 2026/);
  });

  it('returns anything that is not a timestamp unchanged', () => {
    expect(formatTimestamp('not a date', 'en-US', 'UTC')).toBe('not a date');
  });
});

describe('formatPreciseTimestamp', () => {
  it('keeps the seconds', () => {
    const text = formatPreciseTimestamp('2026-11-26T09:30:05.000Z', 'en-US', 'UTC');
    expect(text.replace(/\s/g, ' ')).toBe('Nov 26, 2026, 9:30:05 AM');
    expect(formatPreciseTimestamp('never', 'en-US', 'UTC')).toBe('never');
  });
});

describe('formatClock', () => {
  it('reads the time of day with seconds in the given zone', () => {
    const text = formatClock('2026-11-26T21:30:05.000Z', 'en-US', 'UTC');
    expect(text.replace(/\s/g, ' ')).toBe('9:30:05 PM');
    expect(formatClock('later', 'en-US', 'UTC')).toBe('later');
  });
});

describe('formatDate', () => {
  it('reads an ISO timestamp as the day it falls on in the given zone', () => {
    expect(formatDate('2026-11-26T23:30:00.000Z', 'en-US', 'UTC')).toBe('Nov 26, 2026');
    expect(formatDate('2026-11-26T23:30:00.000Z', 'en-US', 'Asia/Tokyo')).toBe('Nov 27, 2026');
  });

  it('returns anything that is not a timestamp unchanged', () => {
    expect(formatDate('soon', 'en-US', 'UTC')).toBe('soon');
  });
});

describe('orDash', () => {
  it.each([null, undefined, '', '   '])('shows a dash for %j', (value) => {
    expect(orDash(value)).toBe('—');
  });

  it('shows a value as it is', () => {
    expect(orDash('+14155550123')).toBe('+14155550123');
  });
});
