/**
 * When a failed delivery is tried again (SPEC §7, close to Stripe's): at once, then 5 min, 30
 * min, 2 h, 5 h and 10 h after each failure, then every 12 h, for up to 3 days from the first
 * try. After that the delivery is failed for good.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS = [5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR] as const;
export const LATER_RETRY_DELAY_MS = 12 * HOUR;
export const DELIVERY_WINDOW_MS = 3 * 24 * HOUR;

/** A 2xx within this long is a delivery; anything else, or nothing, is a failure. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The next try after the `attempts`-th failed one (1 for the first), failed at `failedAt`, of a
 * delivery first scheduled at `firstScheduledAt`; null when the 3 days are over.
 */
export function nextRetryAt(firstScheduledAt: Date, attempts: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1] ?? LATER_RETRY_DELAY_MS;
  const next = failedAt.getTime() + delay;
  return next - firstScheduledAt.getTime() > DELIVERY_WINDOW_MS ? null : new Date(next);
}

/** An endpoint that has failed every delivery for this long is disabled. */
export const ENDPOINT_FAILING_LIMIT_MS = 3 * 24 * HOUR;

export type EndpointDisabledReason = 'requested' | 'failing' | 'gone';

export interface EndpointHealth {
  /** Since when every delivery to it has failed; null while the last one succeeded. */
  failingSince: Date | null;
}

/**
 * An endpoint after one delivery attempt: a success makes it healthy; a failure starts (or
 * continues) its failing streak; `410 Gone` disables it at once, and a streak of 3 days does too.
 */
export function endpointAfterAttempt(
  health: EndpointHealth,
  attempt: { succeeded: boolean; statusCode: number | null; at: Date },
): EndpointHealth & { disable?: EndpointDisabledReason } {
  if (attempt.succeeded) return { failingSince: null };
  const failingSince = health.failingSince ?? attempt.at;
  if (attempt.statusCode === 410) return { failingSince, disable: 'gone' };
  if (attempt.at.getTime() - failingSince.getTime() >= ENDPOINT_FAILING_LIMIT_MS) {
    return { failingSince, disable: 'failing' };
  }
  return { failingSince };
}

/** Whether an HTTP answer is a delivery: any 2xx. Redirects are not followed, so are failures. */
export const isDelivered = (statusCode: number): boolean => statusCode >= 200 && statusCode < 300;
