import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_TIMEOUT_MS, RESPONSE_EXCERPT_MAX_BYTES } from '@peasswap/domain';
import { rowsOf } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { webhookDeliveries, webhookEndpoints } from '../src/db/schema/index.js';
import { buildServer } from '../src/server.js';
import { deliverDueWebhooks, type DeliveryOptions } from '../src/webhooks/deliver.js';
import type { HostResolver } from '../src/webhooks/destinations.js';
import { sendWebhook } from '../src/webhooks/sender.js';
import {
  http,
  newAccount,
  openIsolatedDatabase,
  testDatabase,
  type TestAccount,
  type TestServer,
  uniqueEmail,
} from './harness.js';
import { runCli } from './processes.js';
import { startReceiver, type Receiver } from './webhook-receivers.js';

/**
 * Webhook delivery (SPEC §7) against real receivers on 127.0.0.1: signed as Standard Webhooks
 * says (checked by its reference verifier), retried on the schedule, endpoints disabled when they
 * keep failing, the SSRF guard applied again at delivery. Passes are run by the test with their
 * clock (`at`) set where the test wants it; endpoints and events come from the REST API.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PUBLIC_ADDRESS = '93.184.216.34';

/** DNS as the tests want it: what `hooks.example.com` resolves to now. */
let dnsAnswer: string[] | 'fail' = [PUBLIC_ADDRESS];
const resolve: HostResolver = (hostname) => {
  if (hostname !== 'hooks.example.com' || dnsAnswer === 'fail') {
    return Promise.reject(new Error(`ENOTFOUND ${hostname}`));
  }
  return Promise.resolve(dnsAnswer);
};

let server: TestServer;
const receivers: Receiver[] = [];

beforeAll(async () => {
  const database = await testDatabase();
  const app = await buildServer({ database, logLevel: 'silent', webhookResolver: resolve });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  server = { url: `http://127.0.0.1:${port}`, database, close: () => app.close() };
});
afterAll(() => server.close());
afterEach(async () => {
  dnsAnswer = [PUBLIC_ADDRESS];
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

/** Each test its own account, so its endpoints receive only its own events. */
interface Merchant extends TestAccount {
  key: string;
  livemode: boolean;
  pass(at: Date, options?: Partial<DeliveryOptions>): ReturnType<typeof deliverDueWebhooks>;
}

async function merchant(livemode = false): Promise<Merchant> {
  const account = await newAccount('Webhook merchant');
  const { db } = await testDatabase();
  return {
    ...account,
    key: livemode ? account.liveKey : account.testKey,
    livemode,
    pass: (at, options) =>
      deliverDueWebhooks(db, {
        at,
        resolve,
        scope: { accountId: account.accountId, livemode },
        ...options,
      }),
  };
}

async function createEndpoint(who: Merchant, url: string): Promise<{ id: string; secret: string }> {
  const created = await http(server, 'POST', '/v1/webhook_endpoints', {
    key: who.key,
    body: { url, enabledEvents: ['customer.created'] },
  });
  expect(created.status, created.text).toBe(200);
  return { id: created.body.id, secret: created.body.secret };
}

/** A change through the API: its `customer.created` event, as `GET /v1/events/{id}` answers it. */
async function createCustomer(who: Merchant): Promise<{ id: string; type: string }> {
  const customer = await http(server, 'POST', '/v1/customers', {
    key: who.key,
    body: { name: 'Hook Customer', email: uniqueEmail('hook') },
  });
  expect(customer.status, customer.text).toBe(200);
  const events = await http(server, 'GET', `/v1/events?customer=${customer.body.id}`, {
    key: who.key,
  });
  expect(events.body.data).toHaveLength(1);
  return events.body.data[0];
}

/** The endpoint's delivery log, oldest first. */
async function deliveryLog(who: Merchant, endpointId: string) {
  const log = await http(
    server,
    'GET',
    `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`,
    {
      key: who.key,
    },
  );
  expect(log.status, log.text).toBe(200);
  return (log.body.data as Array<Record<string, any>>).reverse();
}

async function endpointRow(id: string) {
  const { db } = await testDatabase();
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}

async function deliveryRows(endpointId: string) {
  const { db } = await testDatabase();
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
}

const verifies = (secret: string, body: string, headers: Record<string, string>) => {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
};

describe('signed as Standard Webhooks says', () => {
  it('is accepted by a receiver built on the reference verifier, which refuses a tampered body', async () => {
    const who = await merchant();
    let secret = '';
    const hook = await receiver((request, response) => {
      response.statusCode = verifies(secret, request.body, request.headers) ? 204 : 400;
      response.end();
    });
    ({ secret } = await createEndpoint(who, hook.url));
    expect(secret).toMatch(/^whsec_/);
    const event = await createCustomer(who);

    const run = await who.pass(new Date());
    expect(run).toMatchObject({ claimed: 1, delivered: 1, failed: 0, retrying: 0 });
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    if (!request) throw new Error('no request');
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'PeasSwap-Webhooks/1.0',
      'webhook-id': event.id,
    });
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Number(request.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    // The body is the event, exactly as the API answers it.
    expect(JSON.parse(request.body)).toEqual(event);

    const tampered = request.body.replace('Hook Customer', 'Hook Customes');
    expect(tampered).not.toBe(request.body);
    expect(() => new Webhook(secret).verify(tampered, request.headers)).toThrow(
      'No matching signature',
    );
    expect(() =>
      new Webhook(`whsec_${btoa('another secret')}`).verify(request.body, request.headers),
    ).toThrow();
  });

  it('refuses a timestamp more than 5 minutes old (a replay)', async () => {
    const who = await merchant();
    const errors: string[] = [];
    let secret = '';
    const hook = await receiver((request, response) => {
      try {
        new Webhook(secret).verify(request.body, request.headers);
        response.end();
      } catch (error) {
        errors.push((error as Error).message);
        response.statusCode = 400;
        response.end();
      }
    });
    ({ secret } = await createEndpoint(who, hook.url));
    const message = { id: 'evt_replayed', body: '{"id":"evt_replayed"}' };
    const target = { url: hook.url, livemode: false, secrets: [secret] };

    const fresh = await sendWebhook(target, message);
    expect(fresh).toMatchObject({ succeeded: true, statusCode: 200 });
    const stale = await sendWebhook(target, message, {
      signedAt: new Date(Date.now() - 6 * MINUTE),
    });
    expect(stale).toMatchObject({ succeeded: false, statusCode: 400 });
    expect(errors).toEqual(['Message timestamp too old']);
  });

  it('sends the same webhook-id on every retry, each attempt signed afresh', async () => {
    const who = await merchant();
    let secret = '';
    const hook = await receiver((request, response) => {
      response.statusCode = hook.requests.length === 1 ? 503 : 200;
      response.end(verifies(secret, request.body, request.headers) ? 'verified' : 'forged');
    });
    ({ secret } = await createEndpoint(who, hook.url));
    const event = await createCustomer(who);
    const t0 = new Date();

    expect(await who.pass(t0)).toMatchObject({ retrying: 1 });
    expect(await who.pass(new Date(t0.getTime() + 5 * MINUTE))).toMatchObject({ delivered: 1 });
    expect(hook.requests.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    const log = await deliveryLog(who, (await endpointOf(who)).id);
    expect(log.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
      [1, 503, 'verified'],
      [2, 200, 'verified'],
    ]);
  });
});

async function endpointOf(who: Merchant) {
  const list = await http(server, 'GET', '/v1/webhook_endpoints', { key: who.key });
  return list.body.data[0];
}

/** When each try of a delivery that always fails is made, from its first: SPEC §7's schedule. */
const SCHEDULE = [
  0,
  5 * MINUTE,
  35 * MINUTE,
  2 * HOUR + 35 * MINUTE,
  7 * HOUR + 35 * MINUTE,
  17 * HOUR + 35 * MINUTE,
  29 * HOUR + 35 * MINUTE,
  41 * HOUR + 35 * MINUTE,
  53 * HOUR + 35 * MINUTE,
  65 * HOUR + 35 * MINUTE,
];

describe('retries', () => {
  it('follow the schedule (at once, 5 min, 30 min, 2 h, 5 h, 10 h, then 12 h) and give up after 3 days', async () => {
    const who = await merchant();
    const hook = await receiver((_request, response) => {
      response.statusCode = 500;
      response.end('down');
    });
    const endpoint = await createEndpoint(who, hook.url);
    const event = await createCustomer(who);
    const t0 = new Date();
    const at = (offset: number) => new Date(t0.getTime() + offset);

    for (const [index, offset] of SCHEDULE.entries()) {
      if (index > 0) {
        // A second early: nothing is due, nothing is sent.
        expect(await who.pass(at(offset - 1000))).toMatchObject({ claimed: 0 });
        expect(hook.requests).toHaveLength(index);
      }
      const last = index === SCHEDULE.length - 1;
      expect(await who.pass(at(offset))).toMatchObject({
        claimed: 1,
        delivered: 0,
        retrying: last ? 0 : 1,
        failed: last ? 1 : 0,
      });
      expect(hook.requests).toHaveLength(index + 1);
    }
    expect(await who.pass(at(5 * 24 * HOUR))).toMatchObject({ claimed: 0 });
    expect(hook.requests).toHaveLength(SCHEDULE.length);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));

    const log = await deliveryLog(who, endpoint.id);
    expect(log).toHaveLength(SCHEDULE.length);
    log.forEach((attempt, index) => {
      const next = SCHEDULE[index + 1];
      expect(attempt).toMatchObject({
        object: 'webhook_delivery',
        event: event.id,
        eventType: 'customer.created',
        attempt: index + 1,
        succeeded: false,
        statusCode: 500,
        error: null,
        responseExcerpt: 'down',
        createdAt: at(SCHEDULE[index] ?? NaN).toISOString(),
        nextRetryAt: next === undefined ? null : at(next).toISOString(),
      });
    });
    expect(await deliveryRows(endpoint.id)).toMatchObject([
      { status: 'failed', attemptCount: SCHEDULE.length, nextAttemptAt: null },
    ]);
    // 65 h of failing is not yet 3 days: the endpoint is still enabled.
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: 'enabled', failingSince: t0 });
  });
});

describe('endpoint health', () => {
  it('disables an endpoint that has failed every delivery for 3 days', async () => {
    const who = await merchant();
    const hook = await receiver((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    const t0 = new Date();
    await who.pass(t0);
    await who.pass(new Date(t0.getTime() + 72 * HOUR - MINUTE));
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: 'enabled', failingSince: t0 });

    await createCustomer(who);
    await who.pass(new Date(t0.getTime() + 72 * HOUR));
    const retrieved = await http(server, 'GET', `/v1/webhook_endpoints/${endpoint.id}`, {
      key: who.key,
    });
    expect(retrieved.body).toMatchObject({
      status: 'disabled',
      disabledReason: 'failing',
      disabledAt: new Date(t0.getTime() + 72 * HOUR).toISOString(),
    });
    // Disabled: nothing more is sent to it, and nothing more is queued for it.
    await createCustomer(who);
    expect(await who.pass(new Date(t0.getTime() + 80 * HOUR))).toMatchObject({ claimed: 0 });
    expect(hook.requests).toHaveLength(3);
  });

  it('disables an endpoint at once when it answers 410 Gone', async () => {
    const who = await merchant();
    const hook = await receiver((_request, response) => {
      response.statusCode = 410;
      response.end('gone');
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    const t0 = new Date();
    expect(await who.pass(t0)).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await endpointRow(endpoint.id)).toMatchObject({
      status: 'disabled',
      disabledReason: 'gone',
      disabledAt: t0,
    });
    expect(await who.pass(new Date(t0.getTime() + HOUR))).toMatchObject({ claimed: 0 });
    expect(hook.requests).toHaveLength(1);
  });

  it('starts the failing streak again after a success', async () => {
    const who = await merchant();
    let status = 500;
    const hook = await receiver((_request, response) => {
      response.statusCode = status;
      response.end();
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    const t0 = new Date();
    await who.pass(t0);
    expect(await endpointRow(endpoint.id)).toMatchObject({ failingSince: t0 });

    status = 200;
    expect(await who.pass(new Date(t0.getTime() + 5 * MINUTE))).toMatchObject({ delivered: 1 });
    expect(await endpointRow(endpoint.id)).toMatchObject({ failingSince: null });

    // Three days after the first failure, but the streak began with this one: still enabled.
    status = 500;
    await createCustomer(who);
    const later = new Date(t0.getTime() + 73 * HOUR);
    expect(await who.pass(later)).toMatchObject({ claimed: 1, delivered: 0 });
    expect(await endpointRow(endpoint.id)).toMatchObject({
      status: 'enabled',
      failingSince: later,
    });
    expect(hook.requests).toHaveLength(3);
  });
});

describe('SSRF guard at delivery', () => {
  it('refuses a live endpoint whose host now resolves to loopback, metadata or private addresses, without connecting', async () => {
    const who = await merchant(true);
    const hook = await receiver();
    // Created while the host resolved publicly; it points at the receiver's port all along.
    const endpoint = await createEndpoint(who, `https://hooks.example.com:${hook.port}/webhooks`);
    await createCustomer(who);
    const t0 = new Date();
    const answers: Array<[string[] | 'fail', string]> = [
      [['127.0.0.1'], 'address_refused'],
      [['169.254.169.254'], 'address_refused'],
      [[PUBLIC_ADDRESS, '10.0.0.7'], 'address_refused'],
      [['::ffff:127.0.0.1'], 'address_refused'],
      ['fail', 'dns_failed'],
    ];
    for (const [index, [answer]] of answers.entries()) {
      dnsAnswer = answer;
      expect(await who.pass(new Date(t0.getTime() + (SCHEDULE[index] ?? NaN)))).toMatchObject({
        claimed: 1,
        retrying: 1,
      });
    }
    const log = await deliveryLog(who, endpoint.id);
    expect(log.map((attempt) => [attempt.statusCode, attempt.error, attempt.succeeded])).toEqual(
      answers.map(([, error]) => [null, error, false]),
    );
    expect(hook.connections).toBe(0);
    expect(hook.requests).toHaveLength(0);
  });

  it('does not follow a redirect: a 302 is a failed attempt, the other receiver never hears of it', async () => {
    const who = await merchant();
    const elsewhere = await receiver();
    const hook = await receiver((_request, response) => {
      response.writeHead(302, { location: elsewhere.url }).end();
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await deliveryLog(who, endpoint.id)).toMatchObject([
      { attempt: 1, succeeded: false, statusCode: 302, error: null },
    ]);
    expect(hook.requests).toHaveLength(1);
    expect(elsewhere.connections).toBe(0);
  });
});

describe('what is kept of an answer', () => {
  it('reads 2 KiB of the body and no more, even from a receiver that never ends it', async () => {
    const who = await merchant();
    // A NUL, then 2-byte characters: the 2,048th byte falls inside one.
    const hook = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.write(`\u0000${'é'.repeat(1500)}`);
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    // With no time limit to speak of, only stopping at 2 KiB ends this pass.
    expect(await who.pass(new Date(), { timeoutMs: 10 * 60_000 })).toMatchObject({
      delivered: 1,
    });
    const [attempt] = await deliveryLog(who, endpoint.id);
    expect(attempt?.responseExcerpt).toBe('é'.repeat(1023));
    expect(Buffer.byteLength(attempt?.responseExcerpt ?? '')).toBeLessThanOrEqual(
      RESPONSE_EXCERPT_MAX_BYTES,
    );
  });

  it('gives a receiver 10 s, then records a timeout', async () => {
    expect(DELIVERY_TIMEOUT_MS).toBe(10_000);
    const who = await merchant();
    const hook = await receiver(() => {
      // Never answers.
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ claimed: 1, retrying: 1 });
    const [attempt] = await deliveryLog(who, endpoint.id);
    expect(attempt).toMatchObject({ statusCode: null, error: 'timeout', responseExcerpt: null });
    expect(attempt?.durationMs).toBeGreaterThanOrEqual(DELIVERY_TIMEOUT_MS - 5);
    expect(hook.requests).toHaveLength(1);
  }, 30_000);

  it('records a refused connection as connection_failed', async () => {
    const who = await merchant();
    const gone = await receiver();
    const endpoint = await createEndpoint(who, gone.url);
    await gone.close();
    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ retrying: 1 });
    expect(await deliveryLog(who, endpoint.id)).toMatchObject([
      { statusCode: null, error: 'connection_failed', responseExcerpt: null },
    ]);
  });
});

describe('rolled secret', () => {
  it('signs with the old and the new secret for 24 h, then with the new one only', async () => {
    const who = await merchant();
    const hook = await receiver();
    const endpoint = await createEndpoint(who, hook.url);
    const rolled = await http(server, 'POST', `/v1/webhook_endpoints/${endpoint.id}/roll_secret`, {
      key: who.key,
    });
    expect(rolled.status, rolled.text).toBe(200);
    const newSecret: string = rolled.body.secret;
    expect(newSecret).not.toBe(endpoint.secret);

    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ delivered: 1 });
    await createCustomer(who);
    expect(await who.pass(new Date(Date.now() + 24 * HOUR + MINUTE))).toMatchObject({
      delivered: 1,
    });

    const [during, after] = hook.requests;
    if (!during || !after) throw new Error('two deliveries expected');
    expect(during.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifies(endpoint.secret, during.body, during.headers)).toBe(true);
    expect(verifies(newSecret, during.body, during.headers)).toBe(true);
    expect(after.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verifies(endpoint.secret, after.body, after.headers)).toBe(false);
    expect(verifies(newSecret, after.body, after.headers)).toBe(true);
  });
});

describe('deliveries racing their own bookkeeping', () => {
  it('records nothing, and does not fail, when the endpoint is deleted mid-delivery', async () => {
    const who = await merchant();
    let endpointId = '';
    const hook = await receiver((_request, response) => {
      void http(server, 'DELETE', `/v1/webhook_endpoints/${endpointId}`, { key: who.key }).then(
        (deleted) => response.end(String(deleted.status)),
      );
    });
    endpointId = (await createEndpoint(who, hook.url)).id;
    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ claimed: 1, delivered: 0, retrying: 0 });
    expect(hook.requests).toHaveLength(1);
    expect(await deliveryRows(endpointId)).toEqual([]);
  });

  it('records nothing, and does not fail, when the event is purged mid-delivery', async () => {
    const who = await merchant();
    const { db } = await testDatabase();
    const hook = await receiver((request, response) => {
      const id = request.headers['webhook-id'] ?? '';
      void db.execute(sql`delete from events where id = ${id}`).then(() => response.end());
    });
    const endpoint = await createEndpoint(who, hook.url);
    await createCustomer(who);
    expect(await who.pass(new Date())).toMatchObject({ claimed: 1, delivered: 0 });
    expect(await deliveryRows(endpoint.id)).toEqual([]);
  });

  it('records an attempt once when a claimer whose lease ran out and the next one both send it', async () => {
    const who = await merchant();
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const hook = await receiver((_request, response) => {
      if (hook.requests.length === 1) void firstHeld.then(() => response.end('first'));
      else response.end('second');
    });
    const endpoint = await createEndpoint(who, hook.url);
    const event = await createCustomer(who);
    const t0 = new Date();

    const slow = who.pass(t0, { leaseMs: 1 });
    while (hook.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    // The slow claimer's lease has ended: the next pass takes the delivery and sends it too.
    const next = await who.pass(new Date(Math.max(t0.getTime(), Date.now()) + MINUTE));
    releaseFirst();
    const first = await slow;
    expect(next.claimed + first.claimed).toBe(2);
    expect(next.delivered + first.delivered).toBe(1);
    expect(hook.requests.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(await deliveryLog(who, endpoint.id)).toMatchObject([
      { attempt: 1, succeeded: true, responseExcerpt: 'second' },
    ]);
    expect(await deliveryRows(endpoint.id)).toMatchObject([
      { status: 'succeeded', attemptCount: 1 },
    ]);
  });

  it('delivers a test event to its endpoint alone', async () => {
    const who = await merchant();
    const hook = await receiver();
    const other = await receiver();
    const endpoint = await createEndpoint(who, hook.url);
    await createEndpoint(who, other.url);
    const sent = await http(server, 'POST', `/v1/webhook_endpoints/${endpoint.id}/test_event`, {
      key: who.key,
    });
    expect(sent.status, sent.text).toBe(200);
    expect(await who.pass(new Date())).toMatchObject({ delivered: 1 });
    expect(hook.requests.map((r) => JSON.parse(r.body).type)).toEqual(['webhook_endpoint.test']);
    expect(other.requests).toHaveLength(0);
  });
});

describe('the delivery pass', () => {
  it('counts only due deliveries, and the rows show what became of each', async () => {
    const who = await merchant();
    const hook = await receiver();
    const endpoint = await createEndpoint(who, hook.url);
    for (let i = 0; i < 25; i += 1) await createCustomer(who);
    const run = await who.pass(new Date(), { concurrency: 4, batchSize: 10 });
    expect(run).toMatchObject({ claimed: 10, delivered: 10 });
    expect(await who.pass(new Date(), { concurrency: 4 })).toMatchObject({
      claimed: 15,
      delivered: 15,
    });
    const rows = await deliveryRows(endpoint.id);
    expect(rows.filter((row) => row.status === 'succeeded')).toHaveLength(25);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id'])).size).toBe(25);
    const [count] = rowsOf<{ n: number | string }>(
      await (
        await testDatabase()
      ).db.execute(
        sql`select count(*) as n from webhook_delivery_attempts where endpoint_id = ${endpoint.id}`,
      ),
    );
    expect(Number(count?.n)).toBe(25);
  });
});

describe('in the server, and from the CLI', () => {
  it('delivers as soon as a change commits (woken by its NOTIFY), and `webhooks deliver` runs a pass', async () => {
    const { store, database } = await openIsolatedDatabase();
    let databaseOpen = true;
    try {
      const { testKey } = await createAccountWithKeys(database.db, 'Woken merchant');
      // An interval of an hour: only the NOTIFY of a commit can wake these deliveries.
      const app = await buildServer({
        database,
        logLevel: 'silent',
        webhooks: { intervalSeconds: 3600 },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const api = { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
      const hook = await receiver();
      const endpoint = await http(api as TestServer, 'POST', '/v1/webhook_endpoints', {
        key: testKey.secret,
        body: { url: hook.url, enabledEvents: ['*'] },
      });
      expect(endpoint.status, endpoint.text).toBe(200);
      const createCustomerThere = async () => {
        const created = await http(api as TestServer, 'POST', '/v1/customers', {
          key: testKey.secret,
          body: { name: 'Woken', email: uniqueEmail('woken') },
        });
        expect(created.status, created.text).toBe(200);
      };
      for (let i = 1; i <= 3; i += 1) {
        await createCustomerThere();
        await until(() => hook.requests.length === i);
      }

      // One that fails is retried in 5 minutes: `pnpm cli webhooks deliver --at` then sends it.
      hook.answer = (_request, response) => {
        response.statusCode = 500;
        response.end();
      };
      await createCustomerThere();
      const attempted = sql`select count(*) as n from webhook_delivery_attempts where not succeeded`;
      await until(
        async () => Number(rowsOf<{ n: string }>(await database.db.execute(attempted))[0]?.n) === 1,
      );
      await app.close();
      await database.close();
      databaseOpen = false;
      hook.answer = (_request, response) => response.end('ok');
      const at = new Date(Date.now() + 6 * MINUTE).toISOString();
      const cli = await runCli(['webhooks', 'deliver', '--at', at, '--json'], store.env);
      expect(cli.code, cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({
        object: 'webhook_delivery_run',
        at,
        claimed: 1,
        delivered: 1,
        failed: 0,
        retrying: 0,
      });
      expect(hook.requests).toHaveLength(5);
    } finally {
      if (databaseOpen) await database.close();
      await store.cleanup();
    }
  }, 120_000);
});

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
