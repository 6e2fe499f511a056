import { describe, expect, it } from 'vitest';
import { http, newAccount, uniqueEmail, serverWithAccount } from './harness.js';

const { server, account } = serverWithAccount();

const create = (body: unknown, key = account.testKey) =>
  http(server, 'POST', '/v1/customers', { key, body });

describe('customers: happy paths', () => {
  it('creates, retrieves, updates and deletes a customer over REST', async () => {
    const email = uniqueEmail('ada');
    const created = await create({
      name: '  Ada Lovelace  ',
      email: email.toUpperCase(),
      phone: '(415) 555-0123',
      description: 'First programmer',
      metadata: { plan: 'pro' },
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('request-id')).toMatch(/^req_/);
    expect(created.body).toMatchObject({
      object: 'customer',
      name: 'Ada Lovelace',
      email: email.toUpperCase(),
      phone: '+14155550123',
      description: 'First programmer',
      metadata: { plan: 'pro' },
      livemode: false,
    });
    expect(created.body.id).toMatch(/^cus_[0-9A-Za-z]{24}$/);
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);

    const id = created.body.id as string;
    const retrieved = await http(server, 'GET', `/v1/customers/${id}`, { key: account.testKey });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual(created.body);

    const updated = await http(server, 'PUT', `/v1/customers/${id}`, {
      key: account.testKey,
      body: { description: null, metadata: { plan: null, tier: 'gold' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Ada Lovelace',
      phone: '+14155550123',
      description: null,
      metadata: { tier: 'gold' },
    });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(created.body.updatedAt),
    );

    const deleted = await http(server, 'DELETE', `/v1/customers/${id}`, { key: account.testKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });
  });

  it('answers a create byte for byte as every later read prints it, and as its event', async () => {
    const created = await create({
      name: 'Key order',
      email: uniqueEmail('order'),
      // Not the order a jsonb column keeps: fewer UTF-8 bytes first (é is two), then by the bytes.
      metadata: { zeta: '1', ab: '2', é: '3', aa: '4', b: '5' },
    });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body.metadata)).toEqual(['b', 'aa', 'ab', 'é', 'zeta']);
    const id = created.body.id as string;
    const retrieved = await http(server, 'GET', `/v1/customers/${id}`, { key: account.testKey });
    expect(retrieved.text).toBe(created.text);
    const events = await http(server, 'GET', `/v1/events?type=customer.created&limit=10`, {
      key: account.testKey,
    });
    const event = (events.body.data as { data: { object: { id: string } } }[]).find(
      (candidate) => candidate.data.object.id === id,
    );
    expect(JSON.stringify(event?.data.object)).toBe(created.text);
  });

  it('changes only the fields an update sends', async () => {
    const created = await create({
      name: 'Grace',
      email: uniqueEmail(),
      phone: '+44 20 7946 0958',
    });
    const updated = await http(server, 'PUT', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      body: { name: 'Grace Hopper' },
    });
    expect(updated.body).toMatchObject({
      name: 'Grace Hopper',
      email: created.body.email,
      phone: '+442079460958',
      metadata: {},
    });
    const cleared = await http(server, 'PUT', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      body: { phone: null },
    });
    expect(cleared.body.phone).toBeNull();
  });

  it('answers a deleted customer with 404 everywhere and frees its email', async () => {
    const email = uniqueEmail('gone');
    const created = await create({ name: 'Gone Soon', email });
    const id = created.body.id as string;
    await http(server, 'DELETE', `/v1/customers/${id}`, { key: account.testKey });

    for (const [method, body] of [['GET'], ['PUT', { name: 'x' }], ['DELETE']] as const) {
      const res = await http(server, method, `/v1/customers/${id}`, { key: account.testKey, body });
      expect(res.status, method).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    const listed = await http(server, 'GET', `/v1/customers?email=${encodeURIComponent(email)}`, {
      key: account.testKey,
    });
    expect(listed.body.data).toEqual([]);

    const again = await create({ name: 'Back Again', email: email.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(id);
  });
});

describe('customers: validation', () => {
  const valid = () => ({ name: 'Valid Name', email: uniqueEmail() });
  const cases: Array<[string, Record<string, unknown>, number, string, string | undefined]> = [
    ['missing name', { name: undefined }, 400, 'parameter_missing', 'name'],
    ['missing email', { email: undefined }, 400, 'parameter_missing', 'email'],
    ['blank name', { name: '   ' }, 400, 'parameter_invalid', 'name'],
    ['name over 256', { name: 'x'.repeat(257) }, 400, 'parameter_invalid', 'name'],
    ['control character in name', { name: 'Ada\u0007' }, 400, 'parameter_invalid', 'name'],
    ['name not a string', { name: 42 }, 400, 'parameter_invalid', 'name'],
    ['email without @', { email: 'ada.example.com' }, 400, 'email_invalid', 'email'],
    ['email with two @', { email: 'a@b@example.com' }, 400, 'email_invalid', 'email'],
    ['email without dotted domain', { email: 'ada@localhost' }, 400, 'email_invalid', 'email'],
    [
      'email over 254',
      { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` },
      400,
      'email_invalid',
      'email',
    ],
    ['impossible phone', { phone: '12' }, 400, 'phone_invalid', 'phone'],
    ['phone with letters', { phone: 'call me' }, 400, 'phone_invalid', 'phone'],
    [
      'description over 1000',
      { description: 'd'.repeat(1001) },
      400,
      'parameter_invalid',
      'description',
    ],
    [
      'card number in name',
      { name: '4242 4242 4242 4242' },
      400,
      'sensitive_data_rejected',
      'name',
    ],
    [
      'card number in description',
      { description: 'card 4000-0000-0000-0002' },
      400,
      'sensitive_data_rejected',
      'description',
    ],
    [
      'card number in metadata',
      { metadata: { note: '4000000000009995' } },
      400,
      'sensitive_data_rejected',
      'metadata.note',
    ],
    [
      'metadata value over 500',
      { metadata: { plan: 'p'.repeat(501) } },
      400,
      'parameter_invalid',
      'metadata.plan',
    ],
    [
      'metadata key over 40',
      { metadata: { ['k'.repeat(41)]: 'v' } },
      400,
      'parameter_invalid',
      `metadata.${'k'.repeat(41)}`,
    ],
    [
      'metadata value not a string',
      { metadata: { plan: 3 } },
      400,
      'parameter_invalid',
      'metadata.plan',
    ],
    [
      'metadata with 51 keys',
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      400,
      'parameter_invalid',
      'metadata',
    ],
    ['unknown field', { nickname: 'Ada' }, 400, 'parameter_unknown', 'nickname'],
    ['NUL in description', { description: 'a\u0000b' }, 400, 'parameter_invalid', 'description'],
  ];

  it.each(cases)('%s', async (_label, patch, status, code, param) => {
    const body = { ...valid(), ...patch };
    const before = await http(server, 'GET', '/v1/customers?limit=100', { key: account.testKey });
    const res = await create(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.param).toBe(param);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.requestId).toBe(res.headers.get('request-id'));
    expect(typeof res.body.error.message).toBe('string');
    // Bad input changes nothing.
    const after = await http(server, 'GET', '/v1/customers?limit=100', { key: account.testKey });
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('answers with exactly the envelope and nothing else', async () => {
    const res = await create({ name: 'X', email: 'nope' });
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(Object.keys(res.body.error).sort()).toEqual([
      'code',
      'message',
      'param',
      'requestId',
      'type',
    ]);
  });

  it('refuses malformed JSON, a non-object body and an oversized body', async () => {
    const malformed = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      rawBody: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'json_invalid',
    });

    const array = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: [1, 2],
    });
    expect(array.status).toBe(400);
    expect(array.body.error.type).toBe('invalid_request_error');

    const huge = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Big', email: uniqueEmail(), description: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('request_too_large');
  });

  it('rejects unknown fields on update and an id in the body', async () => {
    const created = await create(valid());
    const unknown = await http(server, 'PUT', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      body: { colour: 'blue' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const id = await http(server, 'PUT', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      body: { id: 'cus_other' },
    });
    expect(id.status).toBe(400);
    expect(id.body.error).toMatchObject({ code: 'parameter_unknown', param: 'id' });
  });

  it('refuses a metadata update that would pass 50 keys, and changes nothing', async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const created = await create({ ...valid(), metadata: fifty });
    expect(created.status).toBe(200);
    const res = await http(server, 'PUT', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
      body: { name: 'Changed', metadata: { extra: 'one too many' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'metadata' });
    const after = await http(server, 'GET', `/v1/customers/${created.body.id}`, {
      key: account.testKey,
    });
    expect(after.body.name).toBe('Valid Name');
    expect(Object.keys(after.body.metadata)).toHaveLength(50);
  });
});

describe('customers: one live customer per email', () => {
  it('answers a second create with 409 naming the existing customer, case-insensitively', async () => {
    const email = uniqueEmail('taken');
    const first = await create({ name: 'First', email });
    const second = await create({ name: 'Second', email: `  ${email.toUpperCase()} ` });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'customer_email_taken',
      param: 'email',
      customer: first.body.id,
    });
    expect(second.body.error.message).toContain(first.body.id);
  });

  it('refuses an update to an email another customer has', async () => {
    const taken = uniqueEmail('owner');
    const owner = await create({ name: 'Owner', email: taken });
    const other = await create({ name: 'Other', email: uniqueEmail() });
    const res = await http(server, 'PUT', `/v1/customers/${other.body.id}`, {
      key: account.testKey,
      body: { email: taken.toUpperCase() },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'customer_email_taken', customer: owner.body.id });
  });

  it('stores exactly one of 20 concurrent creates with one email', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create({ name: `Racer ${i}`, email })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const listed = await http(server, 'GET', `/v1/customers?email=${encodeURIComponent(email)}`, {
      key: account.testKey,
    });
    expect(listed.body.data).toHaveLength(1);
    // The insert and its event are one statement: the 19 refused creates recorded nothing.
    const events = await http(server, 'GET', '/v1/events?type=customer.created&limit=100', {
      key: account.testKey,
    });
    const ofEmail = (events.body.data as { data: { object: { email: string } } }[]).filter(
      (event) => event.data.object.email === email,
    );
    expect(ofEmail.map((event) => event.data.object)).toEqual(listed.body.data);
  });

  it('lets the same email exist once per environment and per account', async () => {
    const email = uniqueEmail('shared');
    const other = await newAccount('Other merchant');
    expect((await create({ name: 'Test env', email })).status).toBe(200);
    expect((await create({ name: 'Live env', email }, account.liveKey)).status).toBe(200);
    expect((await create({ name: 'Other account', email }, other.testKey)).status).toBe(200);
  });
});
