import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverDueWebhooks } from '../src/webhooks/deliver.js';
import {
  http,
  newAccount,
  restrictedKey,
  startServer,
  testDatabase,
  trpcClient,
  uniqueEmail,
  type TestAccount,
  type TestServer,
} from './harness.js';
import { startReceiver, type Receiver } from './webhook-receivers.js';

/**
 * `POST /v1/events/{id}/redeliver`: an event sent again, as a new delivery with its own schedule,
 * to every enabled subscriber or to one endpoint; the same `webhook-id` each time, so receivers
 * can tell it is the same event. Passes run with the test's clock.
 */
let server: TestServer;
let account: TestAccount;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // A live endpoint's host must resolve to a public address: this one does, here.
  server = await startServer({
    webhookResolver: (hostname) =>
      hostname === 'hooks.example.com'
        ? Promise.resolve(['93.184.216.34'])
        : Promise.reject(new Error(`ENOTFOUND ${hostname}`)),
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  account = await newAccount('Redelivery merchant');
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

async function endpoint(url: string, enabledEvents: string[], key = account.testKey) {
  const res = await http(server, 'POST', '/v1/webhook_endpoints', {
    key,
    body: { url, enabledEvents },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.id as string;
}

async function pass(at = new Date()) {
  const { db } = await testDatabase();
  return deliverDueWebhooks(db, { at, scope: { accountId: account.accountId, livemode: false } });
}

async function customerCreatedEvent(): Promise<string> {
  const customer = await http(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { name: 'Replayed', email: uniqueEmail('replayed') },
  });
  expect(customer.status).toBe(200);
  const list = await http(server, 'GET', `/v1/events?customer=${customer.body.id}`, {
    key: account.testKey,
  });
  return list.body.data[0].id as string;
}

const webhookIds = (r: Receiver) => r.requests.map((request) => request.headers['webhook-id']);

describe('redelivery', () => {
  it('sends the event again to every enabled subscriber, with the same webhook-id', async () => {
    const subscribed = await receiver();
    const other = await receiver();
    const subscribedId = await endpoint(subscribed.url, ['customer.created']);
    await endpoint(other.url, ['payment.succeeded']);
    const eventId = await customerCreatedEvent();
    expect((await pass()).delivered).toBe(1);
    expect(webhookIds(subscribed)).toEqual([eventId]);

    const redelivered = await http(server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: account.testKey,
      body: {},
    });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ id: eventId, object: 'event' });
    expect((await pass()).delivered).toBe(1);
    expect(webhookIds(subscribed)).toEqual([eventId, eventId]);
    expect(subscribed.requests[1]?.body).toBe(subscribed.requests[0]?.body);
    expect(other.requests).toEqual([]);

    // Its log has both, each the first attempt of its delivery.
    const log = await http(server, 'GET', `/v1/webhook_endpoints/${subscribedId}/deliveries`, {
      key: account.testKey,
    });
    expect(
      log.body.data.map((line: { event: string; attempt: number }) => [line.event, line.attempt]),
    ).toEqual([
      [eventId, 1],
      [eventId, 1],
    ]);
  });

  it('sends it to one endpoint when asked, even one not subscribed to its type', async () => {
    const subscribed = await receiver();
    const unsubscribed = await receiver();
    await endpoint(subscribed.url, ['customer.created']);
    const unsubscribedId = await endpoint(unsubscribed.url, ['payment.succeeded']);
    const eventId = await customerCreatedEvent();
    await pass();

    const client = trpcClient(server, account.testKey);
    await client.events.redeliver.mutate({ id: eventId, endpoint: unsubscribedId });
    expect((await pass()).delivered).toBe(1);
    expect(webhookIds(unsubscribed)).toEqual([eventId]);
    expect(webhookIds(subscribed)).toEqual([eventId]);
  });

  it('retries a redelivery on the schedule like any delivery', async () => {
    const failing = await receiver();
    failing.answer = (_request, response) => response.writeHead(503).end('down');
    await endpoint(failing.url, ['customer.created']);
    const eventId = await customerCreatedEvent();
    const t0 = new Date();
    await pass(t0);
    await http(server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: account.testKey,
      body: {},
    });
    // Both deliveries fail now, and are due again 5 minutes later, not before.
    expect(await pass(new Date(t0.getTime() + 1000))).toMatchObject({ retrying: 1 });
    expect(await pass(new Date(t0.getTime() + 4 * 60_000))).toMatchObject({ claimed: 0 });
    failing.answer = (_request, response) => response.end('ok');
    expect(await pass(new Date(t0.getTime() + 6 * 60_000))).toMatchObject({ delivered: 2 });
  });

  it('refuses a disabled endpoint, and another account’s or environment’s endpoint is unknown', async () => {
    const target = await receiver();
    const endpointId = await endpoint(target.url, ['customer.created']);
    const eventId = await customerCreatedEvent();
    await http(server, 'PUT', `/v1/webhook_endpoints/${endpointId}`, {
      key: account.testKey,
      body: { status: 'disabled' },
    });
    const disabled = await http(server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: account.testKey,
      body: { endpoint: endpointId },
    });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error).toMatchObject({ code: 'parameter_invalid', param: 'endpoint' });

    const other = await newAccount('Other merchant');
    const foreign = await endpoint(target.url, ['*'], other.testKey);
    const liveEndpoint = await endpoint('https://hooks.example.com/live', ['*'], account.liveKey);
    for (const id of [foreign, liveEndpoint, 'we_000000000000000000000000']) {
      const res = await http(server, 'POST', `/v1/events/${eventId}/redeliver`, {
        key: account.testKey,
        body: { endpoint: id },
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'endpoint' });
    }
    await pass();
    expect(target.requests).toEqual([]);
  });

  it('needs webhooks:write', async () => {
    const eventId = await customerCreatedEvent();
    const reader = await restrictedKey(account.accountId, ['events:read', 'webhooks:read']);
    const res = await http(server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: reader,
      body: {},
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_permissions');
  });
});
