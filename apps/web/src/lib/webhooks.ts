import type { WebhookDelivery, WebhookEndpoint } from './types';

/**
 * Deliveries happen in the background, and can disable an endpoint (a 410, 3 days of failures):
 * an endpoint's page and the newest page of its log ask again this often while they are shown.
 */
const LIVE_REFRESH_MS = 3_000;

/** A query's refetchInterval for that: every few seconds, but not after an error (a 404 stays). */
export function liveRefresh(query: { state: { status: string } }): number | false {
  return query.state.status === 'error' ? false : LIVE_REFRESH_MS;
}

/**
 * Why the system (not a person) turned an endpoint off, as the dashboard's notices say it; none
 * while it is enabled or when someone disabled it on purpose.
 */
export function systemDisabledReason(
  endpoint: Pick<WebhookEndpoint, 'status' | 'disabledReason'>,
): string | undefined {
  if (endpoint.status !== 'disabled') return undefined;
  switch (endpoint.disabledReason) {
    case 'failing':
      return 'Disabled after 3 days of failed deliveries.';
    case 'gone':
      return 'Disabled because your endpoint answered 410 Gone.';
    default:
      return undefined;
  }
}

export function statusLabel(endpoint: Pick<WebhookEndpoint, 'status' | 'disabledReason'>): string {
  if (endpoint.status === 'enabled') return 'Enabled';
  switch (endpoint.disabledReason) {
    case 'failing':
      return 'Disabled: failing';
    case 'gone':
      return 'Disabled: 410 Gone';
    default:
      return 'Disabled';
  }
}

const DELIVERY_ERRORS: Record<string, string> = {
  timeout: 'Timed out',
  connection_failed: 'Connection failed',
  address_refused: 'Address refused',
  dns_failed: 'DNS lookup failed',
};

/** A delivery attempt's outcome: the status code answered, or why there was no answer. */
export function deliveryResult(
  delivery: Pick<WebhookDelivery, 'succeeded' | 'statusCode' | 'error'>,
): { tone: 'succeeded' | 'failed'; label: string } {
  const tone = delivery.succeeded ? 'succeeded' : 'failed';
  if (delivery.statusCode !== null) return { tone, label: String(delivery.statusCode) };
  const error = delivery.error ?? 'failed';
  return { tone, label: DELIVERY_ERRORS[error] ?? error };
}

/** "85 ms", "1.2 s", "10 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${seconds < 10 ? seconds.toFixed(1).replace(/\.0$/, '') : Math.round(seconds)} s`;
}
