import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';
import type { Grant } from '../rest/plugins/rate-limit-lease.js';

/**
 * The shared rate-limit counters (rate_limit_counters): fixed windows that restart once ended, on
 * the database's clock so processes with drifting clocks agree. Each statement is one atomic
 * upsert on the counter's row, which concurrent statements on that row wait for.
 */

/** Where a failure count is announced, so every process refuses a spent address at once. */
export const RATE_LIMIT_COUNTED_CHANNEL = 'rate_limit_counted';

/** A failure count as announced on RATE_LIMIT_COUNTED_CHANNEL and answered by countFailures. */
export interface CountedWindow {
  key: string;
  points: number;
  /** The window's end on the database's clock, epoch milliseconds: which window this is. */
  windowEndsAt: number;
  /** Milliseconds from the statement to the window's end. */
  msLeft: number;
}

const windowEnd = (seconds: number) => sql`now() + make_interval(secs => ${seconds}::float8)`;
const ended = sql`rate_limit_counters.window_ends_at <= now()`;
const epochMs = sql`floor(extract(epoch from rate_limit_counters.window_ends_at) * 1000)::float8`;
const msLeft = sql`(extract(epoch from rate_limit_counters.window_ends_at - now()) * 1000)::float8`;

/**
 * Take up to `want` of `limit` points for `key` in its window of `windowSeconds`: never more than
 * the window has left, so however many processes ask, the window's total stays within `limit`.
 */
export async function takePoints(
  db: Executor,
  key: string,
  want: number,
  limit: number,
  windowSeconds: number,
): Promise<Grant> {
  const [row] = rowsOf<Grant>(
    await db.execute(sql`
      insert into rate_limit_counters (key, points, granted, window_ends_at)
      values (${key}, least(${want}::int, ${limit}::int), least(${want}::int, ${limit}::int),
              ${windowEnd(windowSeconds)})
      on conflict (key) do update set
        points = case when ${ended} then excluded.points
          else greatest(rate_limit_counters.points,
                        least(rate_limit_counters.points + ${want}::int, ${limit}::int)) end,
        granted = case when ${ended} then excluded.granted
          else greatest(0, least(${want}::int, ${limit}::int - rate_limit_counters.points)) end,
        window_ends_at = case when ${ended} then excluded.window_ends_at
          else rate_limit_counters.window_ends_at end
      returning granted, greatest(0, ${limit}::int - points) as remaining,
        ${epochMs} as "windowEndsAt", ${msLeft} as "msLeft"`),
  );
  if (!row) throw new Error('rate limit upsert returned no row');
  return row;
}

/**
 * Count `failures` more against `key` in its window of `windowSeconds`, and announce the new count
 * on RATE_LIMIT_COUNTED_CHANNEL (delivered when the statement commits) for the other processes.
 */
export async function countFailures(
  db: Executor,
  key: string,
  failures: number,
  windowSeconds: number,
): Promise<CountedWindow> {
  const [row] = rowsOf<CountedWindow>(
    await db.execute(sql`
      with counted as (
        insert into rate_limit_counters (key, points, granted, window_ends_at)
        values (${key}, ${failures}::int, ${failures}::int, ${windowEnd(windowSeconds)})
        on conflict (key) do update set
          points = case when ${ended} then excluded.points
            else rate_limit_counters.points + excluded.points end,
          granted = excluded.granted,
          window_ends_at = case when ${ended} then excluded.window_ends_at
            else rate_limit_counters.window_ends_at end
        returning key, points, ${epochMs} as "windowEndsAt", ${msLeft} as "msLeft"
      )
      select key, points, "windowEndsAt", "msLeft",
        pg_notify(${RATE_LIMIT_COUNTED_CHANNEL}, json_build_object(
          'key', key, 'points', points, 'windowEndsAt', "windowEndsAt", 'msLeft', "msLeft")::text)
      from counted`),
  );
  if (!row) throw new Error('rate limit upsert returned no row');
  return { key: row.key, points: row.points, windowEndsAt: row.windowEndsAt, msLeft: row.msLeft };
}

/** The windows still running of keys starting with `prefix`: what a process starting must know. */
export async function findRunningWindows(db: Executor, prefix: string): Promise<CountedWindow[]> {
  return rowsOf<CountedWindow>(
    await db.execute(sql`
      select key, points, ${epochMs} as "windowEndsAt", ${msLeft} as "msLeft"
      from rate_limit_counters
      where starts_with(key, ${prefix}) and window_ends_at > now()`),
  );
}

/** Delete counters whose window has ended: an ended window counts nothing. */
export async function deleteEndedCounters(db: Executor): Promise<void> {
  await db.execute(sql`delete from rate_limit_counters where window_ends_at <= now()`);
}
