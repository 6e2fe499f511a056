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
