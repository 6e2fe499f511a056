import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, type TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

type Schema = { description?: string; properties?: Record<string, Schema>; $ref?: string };

describe('platform: OpenAPI document and docs', () => {
  it('serves a valid OpenAPI 3.1 document covering every endpoint', async () => {
    const res = await http(server, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const document = res.body;
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/audit_log',
      '/v1/customers',
      '/v1/customers/duplicates',
      '/v1/customers/export.csv',
      '/v1/customers/import',
      '/v1/customers/{id}',
      '/v1/customers/{id}/analytics',
      '/v1/customers/{id}/duplicates',
      '/v1/customers/{id}/export',
      '/v1/customers/{id}/merge',
      '/v1/customers/{id}/payment_methods',
      '/v1/customers/{id}/payments',
      '/v1/customers/{id}/redact',
      '/v1/events',
      '/v1/events/{id}',
      '/v1/events/{id}/redeliver',
      '/v1/payment_methods',
      '/v1/payment_methods/{id}',
      '/v1/payment_methods/{id}/attach',
      '/v1/payment_methods/{id}/detach',
      '/v1/payment_schedules',
      '/v1/payment_schedules/{id}',
      '/v1/payment_schedules/{id}/cancel',
      '/v1/payments',
      '/v1/payments/{id}',
      '/v1/subscriptions',
      '/v1/subscriptions/{id}',
      '/v1/test_helpers/billing/run',
      '/v1/webhook_endpoints',
      '/v1/webhook_endpoints/{id}',
      '/v1/webhook_endpoints/{id}/deliveries',
      '/v1/webhook_endpoints/{id}/roll_secret',
      '/v1/webhook_endpoints/{id}/test_event',
    ]);
    expect(Object.keys(document.paths['/v1/webhook_endpoints/{id}']).sort()).toEqual([
      'delete',
      'get',
      'put',
    ]);
    expect(Object.keys(document.paths['/v1/subscriptions/{id}']).sort()).toEqual([
      'delete',
      'get',
      'put',
    ]);
    expect(Object.keys(document.paths['/v1/customers']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/customers/{id}']).sort()).toEqual([
      'delete',
      'get',
      'put',
    ]);
  });

  it('describes every operation, parameter and field', async () => {
    const { body: document } = await http(server, 'GET', '/openapi.json');
    const undocumented: string[] = [];
    const visit = (schema: Schema | undefined, where: string) => {
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        if (!property.description && !property.$ref) undocumented.push(`${where}.${name}`);
        visit(property, `${where}.${name}`);
      }
    };
    for (const [path, methods] of Object.entries<Record<string, any>>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, where).toBeTruthy();
        for (const parameter of operation.parameters) {
          if (!parameter.description) undocumented.push(`${where} ?${parameter.name}`);
        }
        visit(operation.requestBody?.content['application/json']?.schema, where);
      }
    }
    for (const [name, schema] of Object.entries<Schema>(document.components.schemas))
      visit(schema, name);
    expect(undocumented).toEqual([]);
  });

  it('serves the reference UI at /docs without outside assets', async () => {
    const res = await fetch(`${server.url}/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|unpkg\.com/);
  });
});

describe('platform: health and request ids', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await http(server, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await http(server, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('puts a Request-Id on every response, errors and unknown routes included', async () => {
    for (const [method, path] of [
      ['GET', '/healthz'],
      ['GET', '/v1/customers'],
      ['GET', '/v1/unknown'],
      ['POST', '/trpc/customers.create'],
    ] as const) {
      const res = await http(server, method, path);
      expect(res.headers.get('request-id'), `${method} ${path}`).toMatch(/^req_[0-9A-Za-z]{24}$/);
    }
  });

  it('answers an unknown API route with the envelope', async () => {
    const res = await http(server, 'GET', '/v1/unknown');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'route_missing' });
  });
});
