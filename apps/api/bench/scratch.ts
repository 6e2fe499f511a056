import postgres from 'postgres';
import { withDatabase } from './database.js';

/**
 * A database a bench part owns for one run: dropped (even with connections left open by a
 * crashed earlier run) and created before `use`, dropped after it, whatever `use` did. Its name is
 * the bench's own, so nothing else's is ever touched.
 */
export async function withScratchDatabase<T>(
  adminUrl: string,
  name: string,
  use: (databaseUrl: string) => Promise<T>,
): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    try {
      return await use(withDatabase(adminUrl, name));
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

/** The `p` quantile (0–1) of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
