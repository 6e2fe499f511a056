import { Webhook } from 'standardwebhooks';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router.js';

/** An event as the API sends it to a webhook endpoint (the same object as `events.retrieve`). */
export type WebhookEvent = inferRouterOutputs<AppRouter>['events']['retrieve'];

/** Request headers as a server framework hands them over: a Fetch `Headers` or a plain object. */
export type WebhookHeaders =
  { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function signatureHeaders(headers: WebhookHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of SIGNATURE_HEADERS) {
    let value: string | string[] | null | undefined;
    if (typeof headers.get === 'function') {
      value = (headers as { get(name: string): string | null }).get(name);
    } else {
      const record = headers as Record<string, string | string[] | undefined>;
      const key = Object.keys(record).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : record[key];
    }
    if (Array.isArray(value)) value = value[0];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/**
 * Checks a webhook delivery (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against the endpoint's `whsec_...` secret and answers the event it
 * carries. Throws when the signature does not match or the timestamp is more than five minutes
 * off. `payload` must be the raw body, byte for byte as received: not a re-serialised object.
 */
export function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
): WebhookEvent {
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  return new Webhook(secret).verify(body, signatureHeaders(headers)) as WebhookEvent;
}
