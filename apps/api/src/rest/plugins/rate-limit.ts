import { isIPv6 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { apiErrorOf } from '../../trpc/errors.js';
import { replyWithError } from '../reply-error.js';

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

/** Failures counted per address in a fixed window; entries expire with their window. */
class FailureCounter {
  private readonly limiter: RateLimiterMemory;

  constructor(
    name: string,
    private readonly budget: FailureBudget,
  ) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: name,
      points: budget.failures,
      duration: budget.windowSeconds,
    });
  }

  /** Seconds until `client` may try `attempts` more times, or 0 when it may now. */
  async waitFor(client: string, attempts = 1): Promise<number> {
    const counted = await this.limiter.get(client);
    if (!counted || counted.consumedPoints + attempts <= this.budget.failures) return 0;
    return secondsUntil(counted.msBeforeNext);
  }

  async record(client: string, failures = 1): Promise<void> {
    await this.limiter.penalty(client, failures);
  }
}

/**
 * Rate limits. Per key: `perSecond` on average and `burst` at once, as at most `burst` requests in
 * each window of `burst / perSecond` seconds. Per client address: once its failed authentications
 * (no key, a malformed or unknown key, an ended session) or its failed sign-ins use up their
 * budget, its requests are refused at `onRequest` (before any preHandler, so before the key
 * lookup) until the window ends: a flood of made-up keys costs the database `failures` lookups a
 * window, not one each. All are 429 `rate_limited` with Retry-After, in either transport's shape.
 *
 * Memory is bounded by expiry: an entry lives one window, and only verified keys (a bounded set)
 * and addresses that failed within the window (IPv6 counted per /64) have one.
 */
export const rateLimitPlugin = fp<RateLimits>(
  (app, limits, done) => {
    const perKey = new RateLimiterMemory({
      keyPrefix: 'key',
      points: limits.burst,
      duration: limits.burst / limits.perSecond,
    });
    const authFailures = new FailureCounter(
      'auth-failures',
      limits.authFailuresPerIp ?? DEFAULT_AUTH_FAILURES_PER_IP,
    );
    const signInFailures = new FailureCounter(
      'sign-in-failures',
      limits.signInFailuresPerIp ?? DEFAULT_SIGN_IN_FAILURES_PER_IP,
    );

    app.addHook('onRequest', async (request, reply) => {
      // Probes authenticate nobody, and a load balancer sharing an address with a flood must
      // still see the server up.
      if (PROBES.has(request.url)) return;
      const client = clientOf(request.ip);
      const authWait = await authFailures.waitFor(client);
      if (authWait > 0) {
        return refuse(
          request,
          reply,
          authWait,
          'Too many failed authentications from this address; retry later.',
        );
      }
      const signIns = signInCallsOf(request.url);
      const signInWait = signIns > 0 ? await signInFailures.waitFor(client, signIns) : 0;
      if (signInWait > 0) {
        return refuse(
          request,
          reply,
          signInWait,
          `Too many failed sign-ins from this address. Try again in ${signInWait} seconds.`,
        );
      }
    });

    app.addHook('preHandler', async (request, reply) => {
      if (!request.auth) {
        if (request.credentialRefused) {
          request.authFailureCounted = true;
          await authFailures.record(clientOf(request.ip));
        }
        return;
      }
      try {
        await perKey.consume(request.auth.keyId);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return refuse(
          request,
          reply,
          secondsUntil(refusal.msBeforeNext),
          'Too many requests with this key; slow down and retry.',
        );
      }
    });

    // Refusals known only once answered: a request without credentials that needed them, and
    // sign-ins (a batch mixing failures with other calls answers 207).
    app.addHook('onResponse', async (request, reply) => {
      const client = clientOf(request.ip);
      if (reply.statusCode === 401 && !request.authFailureCounted) {
        await authFailures.record(client);
      }
      const signIns = signInCallsOf(request.url);
      if (signIns > 0 && (reply.statusCode === 401 || reply.statusCode === 207)) {
        await signInFailures.record(client, signIns);
      }
    });
    done();
  },
  { name: 'rate-limit', dependencies: ['authentication'] },
);
