import { TRPCClientError } from '@trpc/client';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_ENDPOINTS, newId, ROLLED_SECRET_OVERLAP_MS } from '@peasswap/domain';
import {
  events,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
} from '../src/db/schema/index.js';
import type { HostResolver } from '../src/webhooks/destinations.js';
import {
  http,
  newAccount,
  restrictedKey,
  startLoggedServer,
  startServer,
  testDatabase,
  trpcClient,
  type TestAccount,
  type TestServer,
} from './harness.js';

/** The DNS the SSRF check sees: names that lead outside, inside, or both; anything else fails. */
const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'other.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'loopback.example.com': ['127.0.0.1'],
  'private.example.com': ['192.168.1.1'],
  'mixed.example.com': ['93.184.216.34', '10.1.2.3'],
};
const resolver: HostResolver = (host) => {
  const addresses = DNS[host];
  return addresses ? Promise.resolve(addresses) : Promise.reject(new Error(`ENOTFOUND ${host}`));
};

let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  server = await startServer({ webhookResolver: resolver });
  account = await newAccount('Webhook merchant');
});
afterAll(() => server.close());

const PUBLIC_URL = 'https://hooks.example.com/peasswap';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

const create = (key: string, body: Record<string, unknown>) =>
  http(server, 'POST', '/v1/webhook_endpoints', { key, body });

async function created(key: string, body: Record<string, unknown> = {}) {
  const res = await create(key, { url: PUBLIC_URL, enabledEvents: ['*'], ...body });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; secret: string } & Record<string, unknown>;
}

const listedIds = async (key: string) =>
  (await http(server, 'GET', '/v1/webhook_endpoints?limit=100', { key })).body.data.map(
    (endpoint: { id: string }) => endpoint.id,
  ) as string[];

async function storedSecrets(id: string) {
  const { db } = await testDatabase();
  const [row] = await db
    .select({
      secret: webhookEndpoints.secret,
      previousSecret: webhookEndpoints.previousSecret,
      previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      failingSince: webhookEndpoints.failingSince,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id));
  return row;
}

describe('webhook endpoints: the happy path', () => {
  it('creates, retrieves, lists, updates and deletes over REST; the secret shows once', async () => {
    const endpoint = await created(account.liveKey, {
      enabledEvents: ['customer.created', 'payment.succeeded', 'customer.created'],
      description: 'CRM sync',
    });
    expect(endpoint).toMatchObject({
      object: 'webhook_endpoint',
      url: PUBLIC_URL,
      enabledEvents: ['customer.created', 'payment.succeeded'],
      description: 'CRM sync',
      status: 'enabled',
      disabledReason: null,
      disabledAt: null,
      livemode: true,
    });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(SECRET);
    expect(Buffer.from(endpoint.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect((await storedSecrets(endpoint.id))?.secret).toBe(endpoint.secret);

    const { secret, ...shown } = endpoint;
    const path = `/v1/webhook_endpoints/${endpoint.id}`;
    const retrieved = await http(server, 'GET', path, { key: account.liveKey });
    expect(retrieved.body).toEqual(shown);
    expect(retrieved.text).not.toContain(secret);
    const list = await http(server, 'GET', '/v1/webhook_endpoints', { key: account.liveKey });
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints' });
    expect(list.body.data).toContainEqual(shown);
    expect(list.text).not.toContain(secret);

    const updated = await http(server, 'PUT', path, {
      key: account.liveKey,
      body: {
        url: 'https://other.example.com/hooks',
        enabledEvents: ['*'],
        description: null,
      },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({
      url: 'https://other.example.com/hooks',
      enabledEvents: ['*'],
      description: null,
      status: 'enabled',
    });
    expect(updated.body).not.toHaveProperty('secret');
    const described = await http(server, 'PUT', path, {
      key: account.liveKey,
      body: { description: 'Ledger' },
    });
    expect(described.body).toMatchObject({ description: 'Ledger', enabledEvents: ['*'] });

    const deleted = await http(server, 'DELETE', path, { key: account.liveKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    expect((await http(server, 'GET', path, { key: account.liveKey })).status).toBe(404);
    expect(await storedSecrets(endpoint.id)).toBeUndefined();
  });

  it('serves the same procedures over tRPC', async () => {
    const client = trpcClient(server, account.testKey);
    const endpoint = await client.webhookEndpoints.create.mutate({
      url: 'http://127.0.0.1:4242/webhooks',
      enabledEvents: ['customer.deleted'],
    });
    expect(endpoint).toMatchObject({ livemode: false, secret: expect.stringMatching(SECRET) });
    const retrieved = await client.webhookEndpoints.retrieve.query({ id: endpoint.id });
    expect(retrieved).not.toHaveProperty('secret');
    const rolled = await client.webhookEndpoints.rollSecret.mutate({ id: endpoint.id });
    expect(rolled.secret).toMatch(SECRET);
    expect(rolled.secret).not.toBe(endpoint.secret);
    expect(await client.webhookEndpoints.delete.mutate({ id: endpoint.id })).toEqual({
      id: endpoint.id,
      object: 'webhook_endpoint',
      deleted: true,
    });
  });

  it('rolls the secret: the answer has the new one, the old one signs for 24 h more', async () => {
    const endpoint = await created(account.liveKey);
    const before = Date.now();
    const rolled = await http(server, 'POST', `/v1/webhook_endpoints/${endpoint.id}/roll_secret`, {
      key: account.liveKey,
    });
    const after = Date.now();
    expect(rolled.status, rolled.text).toBe(200);
    expect(rolled.body.secret).toMatch(SECRET);
    expect(rolled.body.secret).not.toBe(endpoint.secret);
    const stored = await storedSecrets(endpoint.id);
    expect(stored?.secret).toBe(rolled.body.secret);
    expect(stored?.previousSecret).toBe(endpoint.secret);
    const expires = stored?.previousSecretExpiresAt?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + ROLLED_SECRET_OVERLAP_MS);
    expect(expires).toBeLessThanOrEqual(after + ROLLED_SECRET_OVERLAP_MS);

    const retrieved = await http(server, 'GET', `/v1/webhook_endpoints/${endpoint.id}`, {
      key: account.liveKey,
    });
    expect(retrieved.body).not.toHaveProperty('secret');
    expect(retrieved.text).not.toContain(rolled.body.secret);
    expect(retrieved.text).not.toContain(endpoint.secret);
  });

  it('disables on request and enables again, clearing the reason and the failing streak', async () => {
    const endpoint = await created(account.liveKey);
    const path = `/v1/webhook_endpoints/${endpoint.id}`;
    const disabled = await http(server, 'PUT', path, {
      key: account.liveKey,
      body: { status: 'disabled' },
    });
    expect(disabled.body).toMatchObject({ status: 'disabled', disabledReason: 'requested' });
    expect(Date.parse(disabled.body.disabledAt)).not.toBeNaN();
    // Disabling it again keeps when (and why) it was first disabled.
    const again = await http(server, 'PUT', path, {
      key: account.liveKey,
      body: { status: 'disabled' },
    });
    expect(again.body.disabledAt).toBe(disabled.body.disabledAt);

    const { db } = await testDatabase();
    await db
      .update(webhookEndpoints)
      .set({ failingSince: new Date(Date.now() - 3_600_000) })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const enabled = await http(server, 'PUT', path, {
      key: account.liveKey,
      body: { status: 'enabled' },
    });
    expect(enabled.body).toMatchObject({
      status: 'enabled',
      disabledReason: null,
      disabledAt: null,
    });
    expect((await storedSecrets(endpoint.id))?.failingSince).toBeNull();
  });

  it('accepts http://127.0.0.1 in test mode, where a local receiver listens', async () => {
    const endpoint = await created(account.testKey, { url: 'http://127.0.0.1:4242/webhooks' });
    expect(endpoint).toMatchObject({ url: 'http://127.0.0.1:4242/webhooks', livemode: false });
    expect(await listedIds(account.liveKey)).not.toContain(endpoint.id);
  });

  it('sends a test event to that endpoint alone, recorded with its request', async () => {
    const other = await newAccount('Test events');
    const target = await created(other.liveKey, { enabledEvents: ['customer.created'] });
    const everything = await created(other.liveKey, { enabledEvents: ['*'] });
    const res = await http(server, 'POST', `/v1/webhook_endpoints/${target.id}/test_event`, {
      key: other.liveKey,
      headers: { 'idempotency-key': `test-event-${target.id}` },
    });
    expect(res.status, res.text).toBe(200);
    const { secret, ...shown } = target;
    expect(res.body).toMatchObject({
      object: 'event',
      type: 'webhook_endpoint.test',
      livemode: true,
      data: { object: shown },
      request: { id: res.headers.get('request-id'), idempotencyKey: `test-event-${target.id}` },
    });
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const read = await http(server, 'GET', `/v1/events/${res.body.id}`, { key: other.liveKey });
    expect(read.body).toEqual(res.body);

    const { db } = await testDatabase();
    const queued = await db
      .select({ endpoint: webhookDeliveries.endpointId, origin: webhookDeliveries.origin })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, res.body.id));
    expect(queued).toEqual([{ endpoint: target.id, origin: 'test' }]);
    expect(everything.id).not.toBe(target.id);
  });

  it('lists the delivery log newest first, page by page, and by event', async () => {
    const endpoint = await created(account.liveKey);
    const path = `/v1/webhook_endpoints/${endpoint.id}/deliveries`;
    const empty = await http(server, 'GET', path, { key: account.liveKey });
    expect(empty.body).toEqual({ object: 'list', data: [], hasMore: false, url: path });

    // Two test events, their attempts written as the delivery workers write them.
    const { db } = await testDatabase();
    const attempts: string[] = [];
    const eventIds: string[] = [];
    for (const round of [0, 1]) {
      const sent = await http(server, 'POST', `/v1/webhook_endpoints/${endpoint.id}/test_event`, {
        key: account.liveKey,
      });
      eventIds.push(sent.body.id);
      const [delivery] = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.eventId, sent.body.id));
      for (const attempt of [1, 2]) {
        const id = newId('webhookDelivery');
        attempts.push(id);
        await db.insert(webhookDeliveryAttempts).values({
          id,
          accountId: account.accountId,
          livemode: true,
          deliveryId: delivery?.id ?? 0,
          endpointId: endpoint.id,
          eventId: sent.body.id,
          eventType: 'webhook_endpoint.test',
          attempt,
          succeeded: attempt === 2,
          statusCode: attempt === 2 ? 200 : 500,
          error: null,
          durationMs: 12,
          responseExcerpt: attempt === 2 ? 'ok' : 'oops',
          nextRetryAt: attempt === 2 ? null : new Date(Date.UTC(2030, 0, 1)),
          createdAt: new Date(Date.UTC(2029, 0, 1 + round * 2 + attempt)),
        });
      }
    }
    const newestFirst = [...attempts].reverse();
    const all = await http(server, 'GET', path, { key: account.liveKey });
    expect(all.body.data.map((line: { id: string }) => line.id)).toEqual(newestFirst);
    expect(all.body.data[0]).toEqual({
      id: newestFirst[0],
      object: 'webhook_delivery',
      endpoint: endpoint.id,
      event: eventIds[1],
      eventType: 'webhook_endpoint.test',
      attempt: 2,
      succeeded: true,
      statusCode: 200,
      error: null,
      durationMs: 12,
      responseExcerpt: 'ok',
      nextRetryAt: null,
      createdAt: '2029-01-05T00:00:00.000Z',
    });
    expect(all.body.data[1]).toMatchObject({ attempt: 1, nextRetryAt: '2030-01-01T00:00:00.000Z' });

    const first = await http(server, 'GET', `${path}?limit=3`, { key: account.liveKey });
    expect(first.body.hasMore).toBe(true);
    const rest = await http(server, 'GET', `${path}?limit=3&startingAfter=${newestFirst[2]}`, {
      key: account.liveKey,
    });
    expect([...first.body.data, ...rest.body.data].map((line: { id: string }) => line.id)).toEqual(
      newestFirst,
    );
    expect(rest.body.hasMore).toBe(false);
    const ofFirstEvent = await http(server, 'GET', `${path}?event=${eventIds[0]}`, {
      key: account.liveKey,
    });
    expect(ofFirstEvent.body.data.map((line: { id: string }) => line.id)).toEqual(
      newestFirst.slice(2),
    );
  });

  it('never writes a secret to the logs', async () => {
    const logged = await startLoggedServer(await testDatabase());
    try {
      const res = await http(logged, 'POST', '/v1/webhook_endpoints', {
        key: account.testKey,
        body: { url: 'http://127.0.0.1:4242/logged', enabledEvents: ['*'] },
      });
      const rolled = await http(
        logged,
        'POST',
        `/v1/webhook_endpoints/${res.body.id}/roll_secret`,
        {
          key: account.testKey,
        },
      );
      expect(rolled.body.secret).toMatch(SECRET);
      expect(logged.lines.length).toBeGreaterThan(0);
      for (const secret of [res.body.secret, rolled.body.secret]) {
        expect(logged.lines.filter((line) => line.includes(secret))).toEqual([]);
      }
    } finally {
      await logged.close();
    }
  });
});

describe('webhook endpoints: what is refused, with nothing stored', () => {
  let refused: TestAccount;
  beforeAll(async () => {
    refused = await newAccount('Refused webhooks');
  });

  describe.each([
    ['no event type', { enabledEvents: [] }, 'parameter_invalid', 'enabledEvents'],
    [
      'an unknown type',
      { enabledEvents: ['customer.exploded'] },
      'parameter_invalid',
      'enabledEvents.0',
    ],
    [
      'the test type',
      { enabledEvents: ['webhook_endpoint.test'] },
      'parameter_invalid',
      'enabledEvents.0',
    ],
    [
      '`*` with others',
      { enabledEvents: ['*', 'customer.created'] },
      'parameter_invalid',
      'enabledEvents',
    ],
    ['an ftp:// url', { url: 'ftp://hooks.example.com/x' }, 'parameter_invalid', 'url'],
    [
      'a url with credentials',
      { url: 'https://me:pw@hooks.example.com/x' },
      'parameter_invalid',
      'url',
    ],
    ['no url', { url: undefined }, 'parameter_missing', 'url'],
    ['an unknown field', { secret: 'whsec_mine' }, 'parameter_unknown', 'secret'],
  ])('%s', (_name, fields, code, param) => {
    it.each([
      ['test', () => refused.testKey],
      ['live', () => refused.liveKey],
    ])('is a 400 naming the field (%s mode)', async (_mode, key) => {
      const res = await create(key(), { url: PUBLIC_URL, enabledEvents: ['*'], ...fields });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
      expect(await listedIds(key())).toEqual([]);
    });
  });

  it.each([
    'http://hooks.example.com/x',
    'https://127.0.0.1/x',
    'https://localhost/x',
    'https://10.0.0.5/x',
    'https://169.254.169.254/latest',
    'https://100.100.100.200/latest',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[fd00::1]/x',
    'https://loopback.example.com/x',
    'https://private.example.com/x',
    'https://mixed.example.com/x',
    'https://nowhere.example.com/x',
  ])('live mode refuses %s (url, after DNS)', async (url) => {
    const res = await create(refused.liveKey, { url, enabledEvents: ['*'] });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'url' });
    expect(await listedIds(refused.liveKey)).toEqual([]);
  });

  it.each(['https://10.0.0.5/x', 'http://169.254.169.254/latest', 'http://private.example.com/x'])(
    'test mode refuses %s too (only loopback is let in)',
    async (url) => {
      const res = await create(refused.testKey, { url, enabledEvents: ['*'] });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'url' });
      expect(await listedIds(refused.testKey)).toEqual([]);
    },
  );

  it('checks a new URL on update the same way, and keeps the old one', async () => {
    const endpoint = await created(account.liveKey);
    const path = `/v1/webhook_endpoints/${endpoint.id}`;
    for (const url of ['https://private.example.com/x', 'http://hooks.example.com/x']) {
      const res = await http(server, 'PUT', path, { key: account.liveKey, body: { url } });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'url' });
    }
    const unchanged = await http(server, 'GET', path, { key: account.liveKey });
    expect(unchanged.body.url).toBe(PUBLIC_URL);
  });

  it('refuses a test event to a disabled endpoint', async () => {
    const endpoint = await created(account.liveKey);
    await http(server, 'PUT', `/v1/webhook_endpoints/${endpoint.id}`, {
      key: account.liveKey,
      body: { status: 'disabled' },
    });
    const res = await http(server, 'POST', `/v1/webhook_endpoints/${endpoint.id}/test_event`, {
      key: account.liveKey,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'id' });
  });

  it(`allows ${MAX_WEBHOOK_ENDPOINTS} endpoints per environment, even when created at once`, async () => {
    const full = await newAccount('Many webhooks');
    const body = { url: 'http://127.0.0.1:4242/many', enabledEvents: ['*'] };
    const answers = await Promise.all(
      Array.from({ length: MAX_WEBHOOK_ENDPOINTS + 4 }, () => create(full.testKey, body)),
    );
    expect(answers.filter((res) => res.status === 200)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    const refusals = answers.filter((res) => res.status !== 200);
    expect(refusals).toHaveLength(4);
    for (const res of refusals) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid' });
      expect(res.body.error.message).toContain(`${MAX_WEBHOOK_ENDPOINTS} webhook endpoints`);
    }
    const ids = await listedIds(full.testKey);
    expect(ids).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    // The other environment counts its own; deleting one makes room again.
    await created(full.liveKey);
    await http(server, 'DELETE', `/v1/webhook_endpoints/${ids[0]}`, { key: full.testKey });
    expect((await create(full.testKey, body)).status).toBe(200);
  });
});

describe('webhook endpoints: security', () => {
  let owner: TestAccount;
  let stranger: TestAccount;
  let endpoint: { id: string; secret: string } & Record<string, unknown>;
  beforeAll(async () => {
    owner = await newAccount('Endpoint owner');
    stranger = await newAccount('Stranger');
    endpoint = await created(owner.liveKey, { description: 'Mine' });
  });

  const operations = (id: string) =>
    [
      ['GET', `/v1/webhook_endpoints/${id}`],
      ['PUT', `/v1/webhook_endpoints/${id}`, { description: 'Theirs', status: 'disabled' }],
      ['DELETE', `/v1/webhook_endpoints/${id}`],
      ['POST', `/v1/webhook_endpoints/${id}/roll_secret`],
      ['GET', `/v1/webhook_endpoints/${id}/deliveries`],
      ['POST', `/v1/webhook_endpoints/${id}/test_event`],
    ] as const;

  it.each([
    ['another account', () => stranger.liveKey],
    ['the other environment', () => owner.testKey],
  ])('answers an id from %s exactly like one that never existed', async (_from, key) => {
    const unknown = 'we_NeverExisted0000000000000';
    for (const [index, [method, path, body]] of operations(endpoint.id).entries()) {
      const res = await http(server, method, path, { key: key(), ...(body && { body }) });
      const [, unknownPath] = operations(unknown)[index] ?? [];
      const never = await http(server, method, unknownPath ?? '', {
        key: key(),
        ...(body && { body }),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      const { requestId: _a, ...error } = res.body.error;
      const { requestId: _b, ...neverError } = never.body.error;
      expect(error).toMatchObject({ code: 'resource_missing', param: 'id' });
      expect(JSON.stringify(error).replaceAll(endpoint.id, unknown)).toBe(
        JSON.stringify(neverError),
      );
    }
    expect(await listedIds(key())).not.toContain(endpoint.id);
    const client = trpcClient(server, key());
    const error = await client.webhookEndpoints.retrieve.query({ id: endpoint.id }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: 'resource_missing' });

    // Nothing happened to it, and nothing was recorded where the stranger looked.
    const mine = await http(server, 'GET', `/v1/webhook_endpoints/${endpoint.id}`, {
      key: owner.liveKey,
    });
    const { secret, ...shown } = endpoint;
    expect(mine.body).toEqual(shown);
    expect((await storedSecrets(endpoint.id))?.secret).toBe(secret);
    const { db } = await testDatabase();
    const recorded = await db
      .select({ id: events.id })
      .from(events)
      .where(inArray(events.accountId, [owner.accountId, stranger.accountId]));
    expect(recorded).toEqual([]);
  });

  it('needs webhooks:read to read and webhooks:write to change', async () => {
    const readOnly = await restrictedKey(owner.accountId, ['webhooks:read'], 'live');
    const unrelated = await restrictedKey(
      owner.accountId,
      ['customers:read', 'events:read'],
      'live',
    );
    const writeOnly = await restrictedKey(owner.accountId, ['webhooks:write'], 'live');
    const all = [
      ['POST', '/v1/webhook_endpoints', { url: PUBLIC_URL, enabledEvents: ['*'] }],
      ['GET', '/v1/webhook_endpoints'],
      ...operations(endpoint.id),
    ] as const;
    const reads = new Set(['GET']);
    for (const [method, path, body] of all) {
      const denied = await http(server, method, path, { key: unrelated, ...(body && { body }) });
      expect(denied.status, `${method} ${path}`).toBe(403);
      expect(denied.body.error).toMatchObject({
        type: 'permission_error',
        code: 'insufficient_permissions',
      });
      if (reads.has(method)) {
        const read = await http(server, method, path, { key: readOnly });
        expect(read.status, `${method} ${path}`).toBe(200);
        const denied = await http(server, method, path, { key: writeOnly });
        expect(denied.body.error?.code, `${method} ${path}`).toBe('insufficient_permissions');
      } else {
        const denied = await http(server, method, path, { key: readOnly, ...(body && { body }) });
        expect(denied.status, `${method} ${path}`).toBe(403);
        expect(denied.body.error.code).toBe('insufficient_permissions');
      }
    }
    const mine = await http(server, 'GET', `/v1/webhook_endpoints/${endpoint.id}`, {
      key: owner.liveKey,
    });
    expect(mine.body).toMatchObject({ description: 'Mine', status: 'enabled' });
    const written = await create(writeOnly, { url: PUBLIC_URL, enabledEvents: ['*'] });
    expect(written.status).toBe(200);
  });
});
