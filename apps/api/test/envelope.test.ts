import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, MAX_ID_LENGTH } from '@peasswap/domain';
import type { AppRouter } from '../src/trpc/root.js';
import {
  http,
  newAccount,
  startServer,
  trpcClient,
  uniqueEmail,
  type HttpResult,
  type TestAccount,
  type TestServer,
} from './harness.js';

/**
 * Every failure, whoever raises it (Fastify while routing or parsing, the HTTP edge, a procedure),
 * is answered in the contract's envelope on REST and in tRPC's error shape on /trpc, with the
 * request id of the response.
 */
let server: TestServer;
let limited: TestServer;
let account: TestAccount;

beforeAll(async () => {
  server = await startServer();
  limited = await startServer({ rateLimit: { perSecond: 0.001, burst: 1 } });
  account = await newAccount('Envelope merchant');
});
afterAll(async () => {
  await server.close();
  await limited.close();
});

/** Exactly `{"error": {type, code, message, param?, requestId, ...}}`, matching the header. */
function expectEnvelope(res: HttpResult, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body as object)).toEqual(['error']);
  const { error } = res.body as { error: Record<string, unknown> };
  expect(ERROR_CODES).toContain(error.code);
  expect(error).toMatchObject({ code, requestId: res.headers.get('request-id') });
  expect(typeof error.type).toBe('string');
  expect(typeof error.message).toBe('string');
  expect(error.param).toBe(param);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.text).not.toMatch(/FST_|statusCode|stack/);
}

async function raw(target: TestServer, method: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${account.testKey}`);
  const response = await fetch(`${target.url}${path}`, { ...init, method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

describe('REST: failures raised by the framework', () => {
  it('a malformed percent-encoding in the path', async () => {
    expectEnvelope(await raw(server, 'GET', '/v1/customers/%FF'), 400, 'parameter_invalid');
  });

  it('ids are accepted in the path as long as anywhere else, and refused beyond', async () => {
    const longest = `cus_${'x'.repeat(MAX_ID_LENGTH - 4)}`;
    const missing = await raw(server, 'GET', `/v1/customers/${longest}`);
    expectEnvelope(missing, 404, 'resource_missing', 'id');
    const tooLong = await raw(server, 'GET', `/v1/customers/${longest}x`);
    expectEnvelope(tooLong, 400, 'parameter_invalid', 'id');
  });

  it('a body that is not JSON, or not declared as JSON', async () => {
    const broken = await raw(server, 'POST', '/v1/customers', {
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expectEnvelope(broken, 400, 'json_invalid');
    for (const contentType of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
    ]) {
      const other = await raw(server, 'POST', '/v1/customers', {
        headers: { 'content-type': contentType },
        body: 'name=Ada',
      });
      expectEnvelope(other, 400, 'json_invalid');
    }
    const tooLarge = await raw(server, 'POST', '/v1/customers', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }),
    });
    expectEnvelope(tooLarge, 413, 'request_too_large');
  });

  it('a URL that names no route, and a route with another method (405 with Allow)', async () => {
    expectEnvelope(await raw(server, 'GET', '/v1/nothing-here'), 404, 'route_missing');
    const patch = await raw(server, 'PATCH', '/v1/customers/cus_123');
    expectEnvelope(patch, 405, 'method_not_allowed');
    expect(patch.headers.get('allow')).toBe('GET, PUT, DELETE');
    const deleteList = await raw(server, 'DELETE', '/v1/customers');
    expectEnvelope(deleteList, 405, 'method_not_allowed');
    expect(deleteList.headers.get('allow')).toBe('POST, GET');
  });
});

/** tRPC's error shape: `{error: {message, code, data: {type, code, param?, httpStatus, ...}}}`. */
interface TrpcErrorAnswer {
  error: { message: string; code: number; data: Record<string, unknown> };
}

function expectTrpcError(
  answer: TrpcErrorAnswer,
  status: number,
  code: string,
  requestId: string | null,
) {
  expect(Object.keys(answer)).toEqual(['error']);
  expect(typeof answer.error.message).toBe('string');
  expect(typeof answer.error.code).toBe('number');
  expect(answer.error.data).toMatchObject({ code, httpStatus: status, requestId });
  expect(typeof answer.error.data.type).toBe('string');
}

describe('tRPC: refusals at the HTTP edge come in tRPC’s shape', () => {
  it('a rate limit, for one call and for each call of a batch, with Retry-After', async () => {
    await raw(limited, 'GET', '/v1/customers'); // spends the one request the key may make
    const single = await raw(limited, 'GET', '/trpc/customers.list?input=%7B%7D');
    expect(single.status).toBe(429);
    expect(single.headers.get('retry-after')).toMatch(/^\d+$/);
    expectTrpcError(single.body, 429, 'rate_limited', single.headers.get('request-id'));
    expect(single.body.error.data.path).toBe('customers.list');

    const batch = await raw(
      limited,
      'GET',
      '/trpc/customers.list,customers.retrieve?batch=1&input=%7B%7D',
    );
    expect(batch.status).toBe(429);
    expect(batch.body).toHaveLength(2);
    for (const answer of batch.body) {
      expectTrpcError(answer, 429, 'rate_limited', batch.headers.get('request-id'));
    }
  });

  it('the typed client reads the rate limit as a TRPCClientError with the code', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${limited.url}/trpc`,
          headers: () => ({ authorization: `Bearer ${account.testKey}` }),
        }),
      ],
    });
    const failure = await client.customers.list.query({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect((failure as TRPCClientError<AppRouter>).data).toMatchObject({
      code: 'rate_limited',
      type: 'rate_limit_error',
      httpStatus: 429,
    });
  });

  it('an Idempotency-Key reused with another body', async () => {
    const headers = { 'idempotency-key': `trpc-reused-${Date.now()}` };
    const client = trpcClient(server, account.testKey, headers);
    await client.customers.create.mutate({ name: 'First', email: uniqueEmail('trpc-reused') });
    const reused = await client.customers.create
      .mutate({ name: 'Second', email: uniqueEmail('trpc-reused') })
      .catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(TRPCClientError);
    expect((reused as TRPCClientError<AppRouter>).data).toMatchObject({
      code: 'idempotency_key_reused',
      type: 'idempotency_error',
      httpStatus: 400,
    });
  });

  it('a malformed JSON body and an unknown procedure', async () => {
    const broken = await raw(server, 'POST', '/trpc/customers.create', {
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(broken.status).toBe(400);
    expectTrpcError(broken.body, 400, 'json_invalid', broken.headers.get('request-id'));

    const unknown = await raw(server, 'GET', '/trpc/customers.nothing');
    expect(unknown.status).toBe(404);
    expectTrpcError(unknown.body, 404, 'route_missing', unknown.headers.get('request-id'));
  });

  it('an invalid API key', async () => {
    const res = await fetch(`${server.url}/trpc/customers.list?input=%7B%7D`, {
      headers: { authorization: 'Bearer sk_test_not_a_real_key' },
    });
    const body = (await res.json()) as TrpcErrorAnswer;
    expect(res.status).toBe(401);
    expectTrpcError(body, 401, 'api_key_invalid', res.headers.get('request-id'));
  });
});

describe('REST: the same refusals in the envelope', () => {
  it('a rate limit', async () => {
    const res = await http(limited, 'GET', '/v1/customers', { key: account.testKey });
    expectEnvelope(res, 429, 'rate_limited');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
