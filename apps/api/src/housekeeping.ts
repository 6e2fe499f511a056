import fp from 'fastify-plugin';
import { SIGN_IN_POLICY } from './auth/sign-in.js';
import type { Executor } from './db/client.js';
import { runPeriodically } from './periodic.js';
import { purgeExpiredEvents } from './queries/events.js';
import { purgeExpiredIdempotencyKeys } from './queries/idempotency-keys.js';
import { purgeExpiredSessions } from './queries/sessions.js';
import { purgeStaleSignInAttempts } from './queries/sign-in-attempts.js';

export interface HousekeepingResult {
  idempotencyKeys: number;
  sessions: number;
  signInAttempts: number;
  events: number;
}

/**
 * Delete what has outlived its use: idempotency answers past their 24 hours, ended sessions, and
 * sign-in failures old enough to be forgotten, events (and their deliveries) past 30 days. Each delete stands alone, so several processes
 * running this at once only share the work.
 */
export async function runHousekeeping(db: Executor, now = new Date()): Promise<HousekeepingResult> {
  return {
    idempotencyKeys: await purgeExpiredIdempotencyKeys(db),
    sessions: await purgeExpiredSessions(db),
    signInAttempts: await purgeStaleSignInAttempts(db, SIGN_IN_POLICY.forgetAfterSeconds),
    events: await purgeExpiredEvents(db, now),
  };
}

/** Housekeeping inside the server, every `intervalSeconds` (see periodic.ts). */
export const housekeepingPlugin = fp<{ db: Executor; intervalSeconds: number }>(
  (app, { db, intervalSeconds }, done) => {
    runPeriodically(app, {
      name: 'housekeeping',
      intervalSeconds,
      task: async () => {
        const removed = await runHousekeeping(db);
        const any = Object.values(removed).some((count) => count > 0);
        app.log[any ? 'info' : 'debug']({ removed }, 'housekeeping');
      },
    });
    done();
  },
  { name: 'housekeeping' },
);
