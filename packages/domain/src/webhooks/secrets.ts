/**
 * An endpoint's signing secret: `whsec_` and the base64 of 32 random bytes (Standard Webhooks).
 * Signatures are made with the decoded bytes, never with the text.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return WEBHOOK_SECRET_PREFIX + btoa(String.fromCharCode(...bytes));
}

/** How long a rolled secret still signs, beside the new one, so receivers can switch over. */
export const ROLLED_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
