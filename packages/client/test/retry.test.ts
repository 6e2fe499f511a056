import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPeasSwapClient, PeasSwapError, type PeasSwapClientOptions } from '../src/index.js';
import { backoffDelay, DEFAULT_RETRY, newIdempotencyKey, retryAfterMs } from '../src/retry.js';

/**
 * The client's retry policy against a real HTTP server that answers as the API's tRPC endpoint
 * does (status, `{error: {message, code, data}}`, `Retry-After`), scripted per test.
 */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';

let seen: Seen[] = [];
let script: Answer[] = [];
let server: http.Server;
let baseUrl: string;

const customer = { id: 'cus_1', object: 'customer', name: 'Ada', email: 'ada@example.com' };
const failure = (status: number, code: string, type = 'api_error', extra = {}) => ({
  status,
  body: {
    error: {
      message: code,
      code: -32600,
      data: { type, code, httpStatus: status, requestId: `req_${status}`, path: 'x', ...extra },
    },
  },
});
const ok: Answer = { status: 200, body: { result: { data: customer } } };

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      at: Date.now(),
    });
    request.resume();
    request.on('end', () => {
      const answer = script.shift() ?? ok;
      if (answer === 'drop') {
        request.socket.destroy();
        return;
      }
      const batched = request.url?.includes('batch=1');
      // A batch answers one result per procedure in the path (`a,b?batch=1`).
      const calls = (request.url ?? '').split('?')[0]?.split(',').length ?? 1;
      const body = batched ? Array.from({ length: calls }, () => answer.body) : answer.body;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  script = [];
});

const client = (options: Partial<PeasSwapClientOptions> = {}) =>
  createPeasSwapClient({
    baseUrl,
    apiKey: 'sk_test_123',
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
const create = (c = client()) =>
  c.customers.create.mutate({ name: 'Ada', email: 'ada@example.com' });
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('retries', () => {
  it('retries 5xx with one Idempotency-Key for every attempt of a call', async () => {
    script = [failure(500, 'api_error'), failure(503, 'api_error'), ok];
    await expect(create()).resolves.toMatchObject({ id: 'cus_1' });
    expect(seen).toHaveLength(3);
    const keys = seen.map((request) => request.headers['idempotency-key']);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Set(keys).size).toBe(1);
  });

  it('gives each call its own key, and a key the caller chose is kept', async () => {
    const c = client();
    await create(c);
    await create(c);
    await c.customers.create.mutate(
      { name: 'Ada', email: 'ada@example.com' },
      { context: { idempotencyKey: 'order-42' } },
    );
    const keys = seen.map((request) => request.headers['idempotency-key']);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('order-42');
  });

  it('retries a network error with the same key (the answer may have been lost)', async () => {
    script = ['drop', ok];
    await expect(create()).resolves.toMatchObject({ id: 'cus_1' });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers['idempotency-key']).toBe(seen[0]?.headers['idempotency-key']);
  });

  it('retries 409 idempotency_key_in_use, but not another 409', async () => {
    script = [failure(409, 'idempotency_key_in_use', 'idempotency_error'), ok];
    await expect(create()).resolves.toMatchObject({ id: 'cus_1' });
    expect(seen).toHaveLength(2);

    seen = [];
    script = [failure(409, 'customer_email_taken', 'invalid_request_error')];
    const error = await caught(create());
    expect(error).toBeInstanceOf(PeasSwapError);
    expect(seen).toHaveLength(1);
  });

  it('waits out a 429 for as long as Retry-After says', async () => {
    script = [
      { ...failure(429, 'rate_limited', 'rate_limit_error'), headers: { 'retry-after': '1' } },
      ok,
    ];
    await expect(create()).resolves.toMatchObject({ id: 'cus_1' });
    expect(seen).toHaveLength(2);
    const waited = (seen[1]?.at ?? 0) - (seen[0]?.at ?? 0);
    // The backoff alone would be at most 20 ms here.
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: the 429 surfaces', async () => {
    script = [
      { ...failure(429, 'rate_limited', 'rate_limit_error'), headers: { 'retry-after': '120' } },
    ];
    const error = await caught(create());
    expect(error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited', status: 429 });
    expect(seen).toHaveLength(1);
  });

  it('never retries another 4xx, and surfaces it as one typed PeasSwapError', async () => {
    script = [failure(400, 'email_invalid', 'invalid_request_error', { param: 'email' })];
    const error = await caught(create());
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(PeasSwapError);
    expect(error).toMatchObject({
      name: 'PeasSwapError',
      type: 'invalid_request_error',
      code: 'email_invalid',
      param: 'email',
      status: 400,
      requestId: 'req_400',
    });
  });

  it('gives up after maxRetries, answering the last error', async () => {
    script = [failure(503, 'api_error'), failure(503, 'api_error'), failure(502, 'api_error')];
    const error = await caught(create());
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({ type: 'api_error', status: 502 });

    seen = [];
    script = [failure(503, 'api_error')];
    await caught(create(client({ retry: { maxRetries: 0 } })));
    expect(seen).toHaveLength(1);
  });

  it('calls no answer at all api_connection_error', async () => {
    script = ['drop', 'drop', 'drop'];
    const error = await caught(create());
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({
      type: 'api_connection_error',
      status: undefined,
      code: undefined,
    });
  });

  it('retries queries too, without an Idempotency-Key', async () => {
    script = [
      failure(500, 'api_error'),
      { status: 200, body: { result: { data: { object: 'list', data: [] } } } },
    ];
    await expect(client().customers.list.query({})).resolves.toMatchObject({ object: 'list' });
    expect(seen).toHaveLength(2);
    expect(seen.every((request) => request.headers['idempotency-key'] === undefined)).toBe(true);
  });
});

describe('idempotency keys', () => {
  it('are version 4 UUIDs, also where crypto.randomUUID is missing (plain http pages)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newIdempotencyKey()).toMatch(uuid);
    const randomUUID = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(crypto), 'randomUUID');
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
      expect(keys.size).toBe(100);
      for (const key of keys) expect(key).toMatch(uuid);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
      expect(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(crypto), 'randomUUID')).toEqual(
        randomUUID,
      );
    }
  });
});

describe('backoff', () => {
  it('doubles from initialDelayMs, never exceeds maxDelayMs, and is jittered', () => {
    const options = { ...DEFAULT_RETRY, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(2, options, () => 1)).toBe(200);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(10, options, () => 1)).toBe(1_000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
    expect(backoffDelay(2, options, () => 0.5)).toBe(150);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('transport', () => {
  it('sends mutations one per request and batches queries made together', async () => {
    const c = client();
    script = [ok, ok];
    await Promise.all([create(c), create(c)]);
    expect(seen.map((request) => request.url)).toEqual([
      '/trpc/customers.create',
      '/trpc/customers.create',
    ]);
    expect(seen[0]?.headers['idempotency-key']).not.toBe(seen[1]?.headers['idempotency-key']);

    seen = [];
    script = [{ status: 200, body: { result: { data: customer } } }];
    await Promise.all([
      c.customers.retrieve.query({ id: 'cus_1' }),
      c.customers.retrieve.query({ id: 'cus_2' }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toMatch(/^\/trpc\/customers\.retrieve,customers\.retrieve\?batch=1/);
  });

  it('sends the key as a bearer token, or none with a session transport and its headers', async () => {
    await create();
    expect(seen[0]?.headers.authorization).toBe('Bearer sk_test_123');

    seen = [];
    const session = createPeasSwapClient({
      baseUrl,
      headers: () => ({ 'x-peasswap-client': 'dashboard' }),
    });
    await create(session);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.headers['x-peasswap-client']).toBe('dashboard');
  });
});
