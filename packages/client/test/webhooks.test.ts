import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/index.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const event = { id: 'evt_1', object: 'event', type: 'customer.created', data: { object: {} } };
const payload = JSON.stringify(event);

function signed(body = payload, at = new Date()) {
  const id = 'evt_1';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

describe('verifyWebhook', () => {
  it('answers the event of a delivery signed with the endpoint secret', () => {
    expect(verifyWebhook(payload, signed(), secret)).toEqual(event);
    // Headers as a Fetch Headers object, or as Node hands them over (any case, arrays).
    expect(verifyWebhook(payload, new Headers(signed()), secret)).toEqual(event);
    const node = Object.fromEntries(
      Object.entries(signed()).map(([name, value]) => [name.toUpperCase(), [value]]),
    );
    expect(verifyWebhook(new TextEncoder().encode(payload), node, secret)).toEqual(event);
  });

  it('throws on a changed body, another secret, or a stale timestamp', () => {
    expect(() => verifyWebhook(payload.replace('created', 'deleted'), signed(), secret)).toThrow();
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => verifyWebhook(payload, signed(), other)).toThrow();
    const stale = signed(payload, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyWebhook(payload, stale, secret)).toThrow();
  });
});
