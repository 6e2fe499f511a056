import type { TRPCClientError, TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { PeasSwapError, responseOf } from './errors.js';
import type { AppRouter } from './router.js';

export interface RetryOptions {
  /** Further attempts after the first (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** The first retry waits about this long; each further one doubles it (default 500 ms). */
  initialDelayMs?: number;
  /** No backoff wait exceeds this (default 8 s). */
  maxDelayMs?: number;
  /** A 429's `Retry-After` longer than this is not waited for: the error surfaces (default 60 s). */
  maxRetryAfterMs?: number;
}

type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Capped exponential backoff with jitter: retry n waits between half and all of
 * min(maxDelayMs, initialDelayMs × 2^(n-1)), so clients that failed together do not return
 * together, and no wait exceeds the cap.
 */
export function backoffDelay(
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function aborted(error: TRPCClientError<AppRouter>): boolean {
  return error.cause?.name === 'AbortError';
}

/**
 * How long to wait before retry number `retry` after `error`, or undefined not to retry. Retried:
 * no answer at all (a network error, or an answer that was not the API's JSON, as a proxy's 502
 * page), 409 `idempotency_key_in_use` (the first attempt still runs: its answer will be
 * replayed), 429 (after `Retry-After` when it says) and 5xx. Any other 4xx would be answered the
 * same again.
 */
export function retryDelay(
  error: TRPCClientError<AppRouter>,
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number | undefined {
  if (retry > options.maxRetries || aborted(error)) return undefined;
  const response = responseOf(error.meta);
  const status = error.data?.httpStatus ?? response?.status;
  const backoff = backoffDelay(retry, options, random);
  if (status === undefined || status >= 500) return backoff;
  if (status === 429) {
    const after = retryAfterMs(response?.headers.get('retry-after'));
    if (after === undefined) return backoff;
    return after <= options.maxRetryAfterMs ? after : undefined;
  }
  if (status === 409 && error.data?.code === 'idempotency_key_in_use') return backoff;
  return undefined;
}

const IDEMPOTENCY_KEY = 'idempotencyKey';

/**
 * A random (version 4) UUID. `crypto.randomUUID` exists only in secure contexts in browsers: a
 * dashboard opened over plain http on a LAN address has `getRandomValues` alone.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Idempotency-Key a mutation carries on every attempt (set by the retry link). */
export function idempotencyKeyOf(context: Record<string, unknown>): string | undefined {
  const key = context[IDEMPOTENCY_KEY];
  return typeof key === 'string' ? key : undefined;
}

/**
 * Gives each mutation one Idempotency-Key (a random UUID, or the caller's own in
 * `context.idempotencyKey`) before its first attempt, so every retry of it carries the same key
 * and the API performs it once; retries per `retryDelay`; and turns whatever finally fails into a
 * PeasSwapError.
 */
export function retryLink(options: RetryOptions = {}): TRPCLink<AppRouter> {
  const resolved: ResolvedRetryOptions = { ...DEFAULT_RETRY, ...options };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const keyed =
          op.type === 'mutation' && idempotencyKeyOf(op.context) === undefined
            ? { ...op, context: { ...op.context, [IDEMPOTENCY_KEY]: newIdempotencyKey() } }
            : op;
        let current: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let stopped = false;

        const attempt = (retry: number) => {
          current = next(keyed).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const delay = retryDelay(error, retry + 1, resolved);
              if (delay === undefined || stopped) {
                observer.error(PeasSwapError.fromUnknown(error));
                return;
              }
              timer = setTimeout(() => attempt(retry + 1), delay);
            },
          });
        };
        attempt(0);

        return () => {
          stopped = true;
          clearTimeout(timer);
          current?.unsubscribe();
        };
      });
}
