import { isIPv6 } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { DatabaseHandle } from '../../db/client.js';
import {
  deleteEndedCounters,
  findRunningWindows,
  RATE_LIMIT_COUNTED_CHANNEL,
  type CountedWindow,
} from '../../queries/rate-limits.js';
import { apiErrorOf } from '../../trpc/errors.js';
import { replyWithError } from '../reply-error.js';
import {
  MemoryFailureCount,
  MemoryKeyLimit,
  SharedFailureCount,
  SharedKeyLimit,
  StoreHealth,
  type Budget,
  type FailureCount,
  type KeyLimit,
  type RateLimitStore,
} from './rate-limit-stores.js';

/** At most `failures` within `windowSeconds` of the first; then refused until the window ends. */
export interface FailureBudget {
  failures: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Per key (or dashboard session): `perSecond` on average, bursts up to `burst`. */
  perSecond: number;
  burst: number;
  /** Per client address: failed authentications (no key, a malformed or unknown one). */
  authFailuresPerIp?: FailureBudget;
  /** Per client address: failed sign-ins, whatever the email. */
  signInFailuresPerIp?: FailureBudget;
  /**
   * Where the counts live (rate-limit-stores.ts): `database` shares them between every process on
   * the database. Default: `database` on PostgreSQL, `memory` on PGlite.
   */
  store?: RateLimitStore;
  /** Tests only: keeps one group of servers' shared counts apart from others' on one database. */
  namespace?: string;
}

export const DEFAULT_AUTH_FAILURES_PER_IP: FailureBudget = { failures: 100, windowSeconds: 60 };
export const DEFAULT_SIGN_IN_FAILURES_PER_IP: FailureBudget = { failures: 20, windowSeconds: 600 };

declare module 'fastify' {
  interface FastifyRequest {
    /** A failed authentication already counted against the client's address. */
    authFailureCounted?: boolean;
  }
}

/**
 * The address a budget is kept for: an IPv4 address, or an IPv6 address's /64, since one host is
 * given a whole /64 and could otherwise pick a fresh address for every request.
 */
export function clientOf(ip: string): string {
  // An IPv4 address, the common case, as it is: no colon, so no zone, mapping or groups.
  if (!ip.includes(':')) return ip;
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** How many `session.signIn` calls a URL makes (a tRPC batch can make several). */
function signInCallsOf(url: string): number {
  const match = /^\/trpc\/([^?]*)/.exec(url);
  if (!match?.[1]) return 0;
  return match[1].split(',').filter((path) => safeDecode(path) === 'session.signIn').length;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const PROBES = new Set(['/healthz', '/readyz']);

function secondsUntil(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

function refuse(request: FastifyRequest, reply: FastifyReply, seconds: number, message: string) {
  return replyWithError(request, reply, {
    ...apiErrorOf('rate_limited', message),
    retryAfterSeconds: seconds,
  });
}

/** How often a process forgets ended windows, and deletes ended rows of the shared counters. */
const SWEEP_SECONDS = 60;

interface Limiters {
  perKey: KeyLimit;
  authFailures: FailureCount;
  signInFailures: FailureCount;
}

function budgetsOf(limits: RateLimits) {
  const auth = limits.authFailuresPerIp ?? DEFAULT_AUTH_FAILURES_PER_IP;
  const signIn = limits.signInFailuresPerIp ?? DEFAULT_SIGN_IN_FAILURES_PER_IP;
  return {
    perKey: { points: limits.burst, windowSeconds: limits.burst / limits.perSecond },
    authFailures: { points: auth.failures, windowSeconds: auth.windowSeconds },
    signInFailures: { points: signIn.failures, windowSeconds: signIn.windowSeconds },
  } satisfies Record<keyof Limiters, Budget>;
}

function memoryLimiters(limits: RateLimits): Limiters {
  const budgets = budgetsOf(limits);
  return {
    perKey: new MemoryKeyLimit(budgets.perKey),
    authFailures: new MemoryFailureCount('auth-failures', budgets.authFailures),
    signInFailures: new MemoryFailureCount('sign-in-failures', budgets.signInFailures),
  };
}

/**
 * Limiters counting in rate_limit_counters, and what keeps this process's view of them current:
 * the failure counts running when it starts, every other process's NOTIFY, a periodic sweep.
 */
async function sharedLimiters(
  app: FastifyInstance,
  limits: RateLimits,
  database: DatabaseHandle,
): Promise<Limiters> {
  const { db } = database;
  const { log } = app;
  const budgets = budgetsOf(limits);
  const namespace = limits.namespace ?? '';
  const health = new StoreHealth(log);
  const perKey = new SharedKeyLimit(db, `${namespace}key:`, budgets.perKey, health);
  const failureCounts = [
    new SharedFailureCount(db, `${namespace}auth-failures:`, budgets.authFailures, health),
    new SharedFailureCount(db, `${namespace}sign-in-failures:`, budgets.signInFailures, health),
  ] as const;
  const learn = (counted: CountedWindow) => {
    for (const count of failureCounts) count.learn(counted);
  };
  const stopListening = await database.listen(RATE_LIMIT_COUNTED_CHANNEL, (payload) => {
    try {
      learn(JSON.parse(payload) as CountedWindow);
    } catch (error) {
      log.warn({ err: error }, 'rate limits: an unreadable failure count was announced');
    }
  });
  for (const count of failureCounts) {
    for (const running of await findRunningWindows(db, count.prefix)) learn(running);
  }
  const timer = setInterval(() => {
    perKey.sweep();
    for (const count of failureCounts) count.sweep();
    deleteEndedCounters(db).catch((error: unknown) =>
      log.warn({ err: error }, 'rate limits: could not delete ended counters'),
    );
  }, SWEEP_SECONDS * 1000).unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await stopListening().catch((error: unknown) =>
      log.warn({ err: error }, 'rate limits: could not stop listening for failure counts'),
    );
  });
  return { perKey, authFailures: failureCounts[0], signInFailures: failureCounts[1] };
}

/**
 * Rate limits. Per key: `perSecond` on average and `burst` at once, as at most `burst` requests in
 * each window of `burst / perSecond` seconds. Per client address: once its failed authentications
 * (no key, a malformed or unknown key, an ended session) or its failed sign-ins use up their
 * budget, its requests are refused at `onRequest` (before any preHandler, so before the key
 * lookup) until the window ends: a flood of made-up keys costs the database `failures` lookups a
 * window, not one each. All are 429 `rate_limited` with Retry-After, in either transport's shape.
 *
 * The counts live where `store` says (rate-limit-stores.ts): in this process, or in the database
 * for every process to share, with no database round trip on a request's way in.
 *
 * Memory is bounded by expiry: an entry lives one window, and only verified keys (a bounded set)
 * and addresses that failed within the window (IPv6 counted per /64) have one.
 */
export const rateLimitPlugin = fp<RateLimits & { database: DatabaseHandle }>(
  async (app, { database, ...limits }) => {
    const store = limits.store ?? (database.engine === 'postgres' ? 'database' : 'memory');
    const { perKey, authFailures, signInFailures } =
      store === 'database' ? await sharedLimiters(app, limits, database) : memoryLimiters(limits);

    app.addHook('onRequest', async (request, reply) => {
      // Probes authenticate nobody, and a load balancer sharing an address with a flood must
      // still see the server up.
      if (PROBES.has(request.url)) return;
      const client = clientOf(request.ip);
      const checked = authFailures.waitFor(client, 1);
      const authWait = typeof checked === 'number' ? checked : await checked;
      if (authWait > 0) {
        return refuse(
          request,
          reply,
          secondsUntil(authWait),
          'Too many failed authentications from this address; retry later.',
        );
      }
      const signIns = signInCallsOf(request.url);
      const signInWait = signIns > 0 ? await signInFailures.waitFor(client, signIns) : 0;
      if (signInWait > 0) {
        const seconds = secondsUntil(signInWait);
        return refuse(
          request,
          reply,
          seconds,
          `Too many failed sign-ins from this address. Try again in ${seconds} seconds.`,
        );
      }
    });

    app.addHook('preHandler', async (request, reply) => {
      if (!request.auth) {
        if (request.credentialRefused) {
          request.authFailureCounted = true;
          await authFailures.record(clientOf(request.ip), 1);
        }
        return;
      }
      const spent = perKey.consume(request.auth.keyId);
      const wait = typeof spent === 'number' ? spent : await spent;
      if (wait > 0) {
        return refuse(
          request,
          reply,
          secondsUntil(wait),
          'Too many requests with this key; slow down and retry.',
        );
      }
    });

    // Refusals known only once answered: a request without credentials that needed them, and
    // sign-ins (a batch mixing failures with other calls answers 207). Counted after the answer
    // has gone (an onSend hook would cost every request); the address's next request here waits
    // for the count in flight.
    app.addHook('onResponse', async (request, reply) => {
      const client = clientOf(request.ip);
      if (reply.statusCode === 401 && !request.authFailureCounted) {
        await authFailures.record(client, 1);
      }
      const signIns = signInCallsOf(request.url);
      if (signIns > 0 && (reply.statusCode === 401 || reply.statusCode === 207)) {
        await signInFailures.record(client, signIns);
      }
    });
  },
  { name: 'rate-limit', dependencies: ['authentication'] },
);
