/**
 * A row's timestamp taken in the API instead of by the database's `now()`, so a write can know its
 * whole answer before it runs (customers.create writes its event in the same statement). At the
 * database's precision, microseconds: two creates in one millisecond must still list newest first,
 * as `now()` kept them. Strictly increasing within a process (the wall clock's milliseconds, the
 * monotonic clock's fraction of one, never less than one more than the last); across processes,
 * as ordered as `now()` was (a transaction's start, not its commit).
 */
let lastMicros = 0;

export interface WriteTimestamp {
  /** What the column stores: ISO 8601 with six decimals, for a `timestamptz` parameter. */
  stored: string;
  /** What the API answers, as every later read of the column prints it (milliseconds, cut). */
  answered: string;
}

export function writeTimestamp(): WriteTimestamp {
  const fraction = Math.floor((performance.now() % 1) * 1000);
  lastMicros = Math.max(Date.now() * 1000 + fraction, lastMicros + 1);
  const answered = new Date(Math.floor(lastMicros / 1000)).toISOString();
  const micros = String(lastMicros % 1000).padStart(3, '0');
  return { stored: `${answered.slice(0, -1)}${micros}Z`, answered };
}

/** PostgreSQL's text of a `timestamptz` in UTC: `2026-11-29 14:07:05.123456+00`. */
const UTC_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * The API's ISO 8601 of a `timestamptz` as the driver reads it (text), exactly as `new Date(text)
 * .toISOString()` prints it (milliseconds, cut), without parsing a Date when the text is in UTC:
 * V8's parser for this format was the costliest step of mapping a page of payments. Any other
 * text (a session in another time zone, a year past 9999) takes the Date path.
 */
export function isoOfTimestamptz(text: string): string {
  const match = UTC_TIMESTAMPTZ.exec(text);
  if (!match) return new Date(text).toISOString();
  const [, date, time, fraction = ''] = match;
  return `${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}
