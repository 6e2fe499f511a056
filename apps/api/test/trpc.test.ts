import { TRPCClientError } from '@trpc/client';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { describe, expect, it } from 'vitest';
import { http, trpcClient, uniqueEmail, serverWithAccount } from './harness.js';

const { server, account } = serverWithAccount();

async function trpcError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('tRPC: the same procedures through the typed client', () => {
  it('creates, lists, retrieves, updates and deletes', async () => {
    const client = trpcClient(server, account.testKey);
    const created = await client.customers.create.mutate({
      name: 'Typed Client',
      email: uniqueEmail('typed'),
      phone: '+1 (415) 555-0100',
      metadata: { source: 'trpc' },
    });
    expect(created).toMatchObject({ object: 'customer', phone: '+14155550100', livemode: false });

    const list = await client.customers.list.query({ limit: 5 });
    expect(list.object).toBe('list');
    expect(list.data[0]?.id).toBe(created.id);

    expect(await client.customers.retrieve.query({ id: created.id })).toEqual(created);
    const updated = await client.customers.update.mutate({
      id: created.id,
      metadata: { source: null },
    });
    expect(updated.metadata).toEqual({});
    expect(await client.customers.delete.mutate({ id: created.id })).toEqual({
      id: created.id,
      object: 'customer',
      deleted: true,
    });
  });

  it('sees what REST created and REST sees what tRPC created', async () => {
    const client = trpcClient(server, account.testKey);
    const viaRest = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Via REST', email: uniqueEmail() },
    });
    expect(await client.customers.retrieve.query({ id: viaRest.body.id })).toEqual(viaRest.body);
    const viaTrpc = await client.customers.create.mutate({
      name: 'Via tRPC',
      email: uniqueEmail(),
    });
    const read = await http(server, 'GET', `/v1/customers/${viaTrpc.id}`, { key: account.testKey });
    expect(read.body).toEqual(viaTrpc);
  });

  it.each([
    [
      'an invalid email',
      { name: 'X', email: 'nope' },
      'BAD_REQUEST',
      400,
      'invalid_request_error',
      'email_invalid',
      'email',
    ],
    [
      'an impossible phone',
      { name: 'X', email: 'x@example.com', phone: '1' },
      'BAD_REQUEST',
      400,
      'invalid_request_error',
      'phone_invalid',
      'phone',
    ],
    [
      'an unknown field',
      { name: 'X', email: 'x@example.com', extra: 1 },
      'BAD_REQUEST',
      400,
      'invalid_request_error',
      'parameter_unknown',
      'extra',
    ],
    [
      'a missing name',
      { email: 'x@example.com' },
      'BAD_REQUEST',
      400,
      'invalid_request_error',
      'parameter_missing',
      'name',
    ],
  ])(
    'carries type, code and param in error data for %s',
    async (_label, input, trpcCode, status, type, code, param) => {
      const client = trpcClient(server, account.testKey);
      const error = await trpcError(client.customers.create.mutate(input as never));
      expect(error.data).toMatchObject({ type, code, param, httpStatus: status });
      expect(error.data.requestId).toMatch(/^req_/);
      expect(error.shape?.data.code).toBe(code);
      // tRPC's own code (JSON-RPC number) and the HTTP status the client really received.
      expect(error.shape?.code).toBe(TRPC_ERROR_CODES_BY_KEY[trpcCode as TRPC_ERROR_CODE_KEY]);
      expect((error.meta?.response as Response | undefined)?.status).toBe(status);
    },
  );

  it('answers auth, permission, missing and conflict errors with matching statuses', async () => {
    const anonymous = trpcClient(server, undefined);
    expect((await trpcError(anonymous.customers.list.query({}))).data).toMatchObject({
      type: 'authentication_error',
      code: 'api_key_invalid',
      httpStatus: 401,
    });
    const client = trpcClient(server, account.testKey);
    expect(
      (await trpcError(client.customers.retrieve.query({ id: 'cus_missing' }))).data,
    ).toMatchObject({
      code: 'resource_missing',
      param: 'id',
      httpStatus: 404,
    });
    const email = uniqueEmail('dup');
    const first = await client.customers.create.mutate({ name: 'One', email });
    expect(
      (await trpcError(client.customers.create.mutate({ name: 'Two', email }))).data,
    ).toMatchObject({
      code: 'customer_email_taken',
      customer: first.id,
      httpStatus: 409,
    });
  });

  it('keeps inputs strictly typed whatever REST received before', async () => {
    // A query-string number on REST must not make tRPC (or a JSON body) accept strings.
    const rest = await http(server, 'GET', '/v1/customers?limit=2', { key: account.testKey });
    expect(rest.status).toBe(200);
    const client = trpcClient(server, account.testKey);
    const error = await trpcError(client.customers.list.query({ limit: '2' } as never));
    expect(error.data).toMatchObject({ code: 'parameter_invalid', param: 'limit' });
    const restBody = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 123, email: uniqueEmail() },
    });
    expect(restBody.status).toBe(400);
    expect(restBody.body.error.param).toBe('name');
  });

  it('answers a malformed tRPC body with a parse error, not a 500', async () => {
    const res = await http(server, 'POST', '/trpc/customers.create', {
      key: account.testKey,
      rawBody: '{oops',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.data).toMatchObject({ code: 'json_invalid' });
  });
});
