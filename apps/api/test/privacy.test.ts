import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { type TRPCClientError } from '@trpc/client';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  REDACTED_CUSTOMER_NAME,
  REDACTED_TEXT,
  redactedEmail,
  type Customer,
  type CustomerExport,
  newId,
  type CustomerRedaction,
} from '@peasswap/domain';
import { rowsOf } from '../src/db/client.js';
import {
  auditLog,
  auditLogChanges,
  events,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
} from '../src/db/schema/index.js';
import {
  engine,
  http,
  newAccount,
  restrictedKey,
  serverWithAccount,
  testDatabase,
  trpcClient,
  uniqueEmail,
} from './harness.js';

const { server, account } = serverWithAccount();

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const random = () => randomBytes(6).toString('hex');

const get = (path: string, key = account.testKey) => http(server, 'GET', path, { key });
const post = (path: string, body: unknown, key = account.testKey, headers = {}) =>
  http(server, 'POST', path, { key, body, headers });

async function ok<T = any>(response: Promise<{ status: number; text: string; body: T }>) {
  const res = await response;
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/**
 * A customer with everything a person leaves behind, each personal value distinctive and random
 * (so a dump search finds only this customer's): a name they no longer use (in an update's
 * previousAttributes), an email, a phone, a description, a metadata value; cards, a payment whose
 * description and metadata repeat the name and nickname, a subscription, a schedule, stored
 * Idempotency-Key answers (its creation and an email_taken error naming it).
 */
async function personWithHistory() {
  const values = {
    oldName: `Oldname ${random()}`,
    name: `Wilhelmina ${random()}`,
    email: `w.${random()}@example.org`,
    phone: `+14157${String(randomInt(100_000, 999_999))}`,
    description: `Met at the fair ${random()}`,
    nickname: `nick${random()}`,
  };
  const createBody = {
    name: values.oldName,
    email: values.email,
    phone: values.phone,
    description: values.description,
    metadata: { nickname: values.nickname },
  };
  const createKey = `create-${random()}`;
  const created = await ok<Customer>(
    post('/v1/customers', createBody, account.testKey, { 'idempotency-key': createKey }),
  );
  const id = created.id;
  expect(created.phone).toBe(values.phone);
  await ok(
    http(server, 'PUT', `/v1/customers/${id}`, {
      key: account.testKey,
      body: { name: values.name },
    }),
  );
  const taken = await post(
    '/v1/customers',
    { name: 'Someone', email: values.email },
    account.testKey,
    {
      'idempotency-key': `taken-${random()}`,
    },
  );
  expect(taken.status).toBe(409);
  expect(taken.text).toContain(values.email);

  const card = async (number: string) =>
    ok<{ id: string; card: { fingerprint: string } }>(
      post('/v1/payment_methods', {
        type: 'card',
        card: { number, expMonth: 12, expYear: 2040, cvc: '123' },
        customer: id,
      }),
    );
  const visa = await card('4242424242424242');
  const mastercard = await card('5555555555554444');
  await ok(
    http(server, 'PUT', `/v1/customers/${id}`, {
      key: account.testKey,
      body: { defaultPaymentMethod: visa.id },
    }),
  );
  const payment = await ok<{ id: string; createdAt: string }>(
    post('/v1/payments', {
      customer: id,
      amount: 1234,
      currency: 'eur',
      paymentMethod: visa.id,
      description: `Invoice for ${values.name}`,
      metadata: { nickname: values.nickname, order: 'A-1' },
    }),
  );
  const subscription = await ok<{ id: string }>(
    post('/v1/subscriptions', { customer: id, amount: 990, currency: 'usd', interval: 'month' }),
  );
  const schedule = await ok<{ id: string }>(
    post('/v1/payment_schedules', {
      customer: id,
      currency: 'usd',
      items: [{ amount: 1200, dueAt: inDays(3) }],
    }),
  );
  return {
    id,
    values,
    erased: Object.values(values),
    createBody,
    createKey,
    visa,
    mastercard,
    payment,
    subscription,
    schedule,
  };
}

const redact = (id: string, key = account.testKey, headers = {}) =>
  post(`/v1/customers/${id}/redact`, undefined, key, headers);

const exportOf = (id: string, key = account.testKey) =>
  ok<CustomerExport>(get(`/v1/customers/${id}/export`, key));

/** None of `values` in `text`, in any case. */
function expectNoneIn(text: string, values: string[]) {
  const lower = text.toLowerCase();
  for (const value of values) expect(lower, value).not.toContain(value.toLowerCase());
}

describe('GET /v1/customers/{id}/export', () => {
  it('holds the profile, payments, cards without fingerprints, subscriptions, schedules, events and audit entries', async () => {
    const person = await personWithHistory();
    const document = await exportOf(person.id);
    expect(document.object).toBe('customer_export');
    expect(Date.parse(document.exportedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(document.customer).toMatchObject({
      id: person.id,
      object: 'customer',
      name: person.values.name,
      email: person.values.email,
      phone: person.values.phone,
      description: person.values.description,
      metadata: { nickname: person.values.nickname },
      defaultPaymentMethod: person.visa.id,
      deletedAt: null,
      mergedInto: null,
      redactedAt: null,
    });
    // The subscription's first charge is a payment of theirs too.
    expect(document.payments.map((payment) => payment.id)).toContain(person.payment.id);
    expect(document.payments.every((payment) => payment.customer === person.id)).toBe(true);
    expect(document.payments.length).toBe(2);
    expect(document.paymentMethods.map((card) => card.id).sort()).toEqual(
      [person.visa.id, person.mastercard.id].sort(),
    );
    expect(document.paymentMethods.find((card) => card.id === person.visa.id)).toEqual({
      id: person.visa.id,
      object: 'payment_method',
      type: 'card',
      card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2040 },
      customer: person.id,
      livemode: false,
      createdAt: expect.any(String),
      detachedAt: null,
    });
    const text = JSON.stringify(document);
    expect(text).not.toContain('fingerprint');
    expect(text).not.toContain(person.visa.card.fingerprint);
    expect(document.subscriptions.map((s) => s.id)).toEqual([person.subscription.id]);
    expect(document.schedules.map((s) => s.id)).toEqual([person.schedule.id]);
    const types = document.events.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'customer.created',
        'customer.updated',
        'payment_method.attached',
        'payment.succeeded',
        'subscription.created',
        'payment_schedule.created',
      ]),
    );
    // Newest first, like every list.
    const times = document.events.map((event) => event.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(document.auditEntries.every((entry) => entry.customer === person.id)).toBe(true);

    // The tRPC procedure answers the same document.
    const viaTrpc = await trpcClient(server, account.testKey).customers.exportData.query({
      id: person.id,
    });
    expect({ ...viaTrpc, exportedAt: '' }).toEqual({ ...document, exportedAt: '' });
  });

  it('exports deleted and merged customers, which retrieve answers 404', async () => {
    const deleted = await ok<Customer>(
      post('/v1/customers', { name: 'Gone Person', email: uniqueEmail('gone') }),
    );
    await ok(http(server, 'DELETE', `/v1/customers/${deleted.id}`, { key: account.testKey }));
    expect((await get(`/v1/customers/${deleted.id}`)).status).toBe(404);
    const deletedExport = await exportOf(deleted.id);
    expect(deletedExport.customer).toMatchObject({ id: deleted.id, name: 'Gone Person' });
    expect(deletedExport.customer.deletedAt).toEqual(expect.any(String));
    expect(deletedExport.events.map((event) => event.type)).toContain('customer.deleted');

    const survivor = await ok<Customer>(
      post('/v1/customers', { name: 'Survivor', email: uniqueEmail('survivor') }),
    );
    const merged = await ok<Customer>(
      post('/v1/customers', { name: 'Merged Away', email: uniqueEmail('merged') }),
    );
    await ok(post(`/v1/customers/${survivor.id}/merge`, { from: [merged.id] }));
    expect((await get(`/v1/customers/${merged.id}`)).body.error.code).toBe('customer_merged');
    expect((await exportOf(merged.id)).customer).toMatchObject({
      id: merged.id,
      name: 'Merged Away',
      mergedInto: survivor.id,
    });
  });
});

describe('POST /v1/customers/{id}/redact', () => {
  it('replaces the personal fields, frees the email, ends cards, subscriptions and schedules, keeps payments', async () => {
    const person = await personWithHistory();
    const { id, values } = person;
    const res = await redact(id);
    expect(res.status, res.text).toBe(200);
    const redaction = res.body as CustomerRedaction;
    expect(redaction).toEqual({
      object: 'customer_redaction',
      customer: {
        id,
        object: 'customer',
        name: REDACTED_CUSTOMER_NAME,
        email: redactedEmail(id),
        phone: null,
        description: null,
        metadata: {},
        defaultPaymentMethod: null,
        livemode: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
      redactedAt: expect.any(String),
    });
    expectNoneIn(res.text, person.erased);
    expect(await ok(get(`/v1/customers/${id}`))).toEqual(redaction.customer);

    // The email is free again.
    await ok(post('/v1/customers', { name: 'Someone new', email: values.email.toUpperCase() }));

    // Search, exact email and duplicates no longer find the redacted customer.
    for (const query of [
      values.name,
      values.oldName,
      values.email,
      values.phone,
      values.phone.slice(2),
    ]) {
      const found = await ok<{ data: Customer[] }>(
        get(`/v1/customers?limit=100&query=${encodeURIComponent(query)}`),
      );
      expect(
        found.data.map((customer) => customer.id),
        query,
      ).not.toContain(id);
    }
    const byEmail = await ok<{ data: Customer[] }>(
      get(`/v1/customers?email=${encodeURIComponent(values.email)}`),
    );
    expect(byEmail.data.map((customer) => customer.id)).not.toContain(id);

    // Cards detached, the subscription canceled, the schedule's item canceled.
    expect(
      (await ok<{ data: unknown[] }>(get(`/v1/customers/${id}/payment_methods`))).data,
    ).toEqual([]);
    expect((await ok(get(`/v1/payment_methods/${person.visa.id}`))).customer).toBeNull();
    expect(await ok(get(`/v1/subscriptions/${person.subscription.id}`))).toMatchObject({
      status: 'canceled',
      cancellationReason: 'requested',
    });
    expect(await ok(get(`/v1/payment_schedules/${person.schedule.id}`))).toMatchObject({
      status: 'canceled',
      items: [{ status: 'canceled' }],
    });

    // Payments keep amount, currency, status and date; the name inside their text is gone.
    const payment = await ok(get(`/v1/payments/${person.payment.id}`));
    expect(payment).toMatchObject({
      amount: 1234,
      currency: 'eur',
      status: 'succeeded',
      customer: id,
      createdAt: person.payment.createdAt,
      description: `Invoice for ${REDACTED_TEXT}`,
      metadata: { nickname: REDACTED_TEXT, order: 'A-1' },
    });
    const analytics = await ok(get(`/v1/customers/${id}/analytics`));
    expect(analytics.volume).toEqual(
      expect.arrayContaining([expect.objectContaining({ currency: 'eur', total: 1234 })]),
    );

    // Events: the detach, cancel and customer.updated events, none carrying an erased value.
    const eventsRes = await get(`/v1/events?customer=${id}&limit=100`);
    expect(eventsRes.status).toBe(200);
    expectNoneIn(eventsRes.text, person.erased);
    const types = (eventsRes.body.data as Array<{ type: string }>).map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'payment_method.detached',
        'subscription.canceled',
        'payment_schedule.canceled',
      ]),
    );
    const updated = (eventsRes.body.data as Array<{ type: string; data: any }>).find(
      (event) => event.type === 'customer.updated',
    );
    expect(updated?.data.object).toEqual(redaction.customer);

    // The export shows the placeholders and nothing erased.
    const document = await exportOf(id);
    expect(document.customer).toMatchObject({
      ...redaction.customer,
      redactedAt: redaction.redactedAt,
    });
    expectNoneIn(JSON.stringify(document), person.erased);
  });

  it('is idempotent: a repeat answers the same redactedAt and records nothing more', async () => {
    const person = await personWithHistory();
    const key = { 'idempotency-key': `redact-${random()}` };
    const firstRes = await redact(person.id, account.testKey, key);
    expect(firstRes.status, firstRes.text).toBe(200);
    const first = firstRes.body as CustomerRedaction;
    // Its own Idempotency-Key replays the answer byte for byte.
    const replayed = await redact(person.id, account.testKey, key);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.text).toBe(firstRes.text);
    const { db } = await testDatabase();
    const entries = () =>
      db
        .select({ id: auditLog.id, fields: auditLog.fields })
        .from(auditLog)
        .where(and(eq(auditLog.customerId, person.id), eq(auditLog.action, 'customer.redacted')));
    expect(await entries()).toEqual([
      {
        id: expect.stringMatching(/^aud_/),
        fields: expect.arrayContaining(['name', 'email', 'phone', 'description', 'metadata']),
      },
    ]);
    const eventCount = async () =>
      (await ok<{ data: unknown[] }>(get(`/v1/events?customer=${person.id}&limit=100`))).data
        .length;
    const events = await eventCount();

    const again = await ok<CustomerRedaction>(redact(person.id));
    expect(again).toEqual(first);
    const viaTrpc = await trpcClient(server, account.testKey).customers.redact.mutate({
      id: person.id,
    });
    expect(viaTrpc).toEqual(first);
    expect(await entries()).toHaveLength(1);
    expect(await eventCount()).toBe(events);
  });

  it('erases again what an update wrote to a redacted customer since', async () => {
    const person = await personWithHistory();
    const first = await ok<CustomerRedaction>(redact(person.id));
    const later = { name: `Later ${random()}`, description: `Later note ${random()}` };
    await ok(
      http(server, 'PUT', `/v1/customers/${person.id}`, { key: account.testKey, body: later }),
    );
    const second = await ok<CustomerRedaction>(redact(person.id));
    expect(second.customer).toMatchObject({ name: REDACTED_CUSTOMER_NAME, description: null });
    expect(Date.parse(second.redactedAt)).toBeGreaterThan(Date.parse(first.redactedAt));
    expectNoneIn(JSON.stringify(await exportOf(person.id)), Object.values(later));
    const eventsRes = await get(`/v1/events?customer=${person.id}&limit=100`);
    expectNoneIn(eventsRes.text, Object.values(later));
    expect(await ok(redact(person.id))).toEqual(second);
  });

  it('erases the values from audit entries, which stay, and from stored Idempotency-Key answers', async () => {
    const person = await personWithHistory();
    await ok(redact(person.id));
    const { db } = await testDatabase();
    const values = await db
      .select({ entryId: auditLogChanges.entryId })
      .from(auditLogChanges)
      .innerJoin(auditLog, eq(auditLog.id, auditLogChanges.entryId))
      .where(eq(auditLog.customerId, person.id));
    expect(values).toEqual([]);
    const document = await exportOf(person.id);
    expect(document.auditEntries.length).toBeGreaterThan(0);
    expect(document.auditEntries.every((entry) => entry.changes === null)).toBe(true);
    expect(document.auditEntries.map((entry) => entry.action)).toContain('customer.redacted');
    // The redaction's customer.updated event names no previous value: no empty entry beside it.
    expect(document.auditEntries.filter((entry) => entry.fields.length === 0)).toEqual([]);

    // A retry of the creation still replays an answer, now with the placeholders.
    const replay = await post('/v1/customers', person.createBody, account.testKey, {
      'idempotency-key': person.createKey,
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ id: person.id, name: REDACTED_CUSTOMER_NAME, phone: null });
    expectNoneIn(replay.text, person.erased);
    const stored = rowsOf<{ body: string }>(
      await db.execute(
        sql`select response_body as body from idempotency_keys where account_id = ${account.accountId}`,
      ),
    );
    expectNoneIn(stored.map((row) => row.body).join('\n'), person.erased);
  });

  it('a redaction sent by a dashboard user over tRPC is recorded as theirs', async () => {
    const person = await personWithHistory();
    const { db } = await testDatabase();
    const { createUser } = await import('../src/queries/users.js');
    const email = uniqueEmail('support');
    const password = 'correct horse battery staple';
    const user = await createUser(db, {
      accountId: account.accountId,
      email,
      password,
      role: 'support',
    });
    const dashboard = { 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': 'test' };
    const signIn = await http(server, 'POST', '/trpc/session.signIn', {
      body: { email, password },
      headers: dashboard,
    });
    expect(signIn.status, signIn.text).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const client = trpcClient(server, undefined, { ...dashboard, cookie });
    const done = await client.customers.redact.mutate({ id: person.id });
    expect(done.customer.name).toBe(REDACTED_CUSTOMER_NAME);
    const [entry] = await db
      .select({ actorType: auditLog.actorType, actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.customerId, person.id), eq(auditLog.action, 'customer.redacted')));
    expect(entry).toEqual({ actorType: 'user', actorId: user.id });
  });
});

describe('POST /v1/customers/{id}/redact: other states and places', () => {
  it('redacts a deleted customer, and touches no other customer', async () => {
    const bystander = await ok<Customer>(
      post('/v1/customers', {
        name: 'Bystander Person',
        email: uniqueEmail('bystander'),
        description: 'Stays as it is',
      }),
    );
    const person = await personWithHistory();
    await ok(http(server, 'DELETE', `/v1/customers/${person.id}`, { key: account.testKey }));
    const redaction = await ok<CustomerRedaction>(redact(person.id));
    expect(redaction.customer).toMatchObject({
      id: person.id,
      name: REDACTED_CUSTOMER_NAME,
      email: redactedEmail(person.id),
    });
    const document = await exportOf(person.id);
    expect(document.customer).toMatchObject({
      name: REDACTED_CUSTOMER_NAME,
      deletedAt: expect.any(String),
      redactedAt: redaction.redactedAt,
    });
    expectNoneIn(JSON.stringify(document), person.erased);
    expect(await ok(get(`/v1/customers/${bystander.id}`))).toEqual(bystander);
  });

  it('erases the values from the delivery log’s response excerpts and errors', async () => {
    const person = await personWithHistory();
    const { db } = await testDatabase();
    // A delivery of the customer's creation whose receiver echoed the payload back, written as the
    // workers write them (to an endpoint that is disabled, so no worker sends anything).
    const endpointId = newId('webhookEndpoint');
    await db.insert(webhookEndpoints).values({
      id: endpointId,
      accountId: account.accountId,
      livemode: false,
      url: 'https://hooks.example.com/echo',
      enabledEvents: ['*'],
      status: 'disabled',
      disabledReason: 'requested',
      secret: `whsec_${randomBytes(32).toString('base64')}`,
    });
    const [created] = await db
      .select({ id: events.id, data: events.data })
      .from(events)
      .where(and(eq(events.customerId, person.id), eq(events.type, 'customer.created')));
    const [delivery] = await db
      .insert(webhookDeliveries)
      .values({
        accountId: account.accountId,
        livemode: false,
        eventId: created?.id ?? '',
        endpointId,
        origin: 'redelivery',
        status: 'failed',
      })
      .returning({ id: webhookDeliveries.id });
    const attemptId = newId('webhookDelivery');
    await db.insert(webhookDeliveryAttempts).values({
      id: attemptId,
      accountId: account.accountId,
      livemode: false,
      deliveryId: delivery?.id ?? 0,
      endpointId,
      eventId: created?.id ?? '',
      eventType: 'customer.created',
      attempt: 1,
      succeeded: false,
      statusCode: 422,
      error: `rejected ${person.values.email}`,
      durationMs: 5,
      responseExcerpt: `echo: ${JSON.stringify(created?.data)}`,
      createdAt: new Date(),
    });
    await ok(redact(person.id));
    const [attempt] = await db
      .select({
        excerpt: webhookDeliveryAttempts.responseExcerpt,
        error: webhookDeliveryAttempts.error,
      })
      .from(webhookDeliveryAttempts)
      .where(eq(webhookDeliveryAttempts.id, attemptId));
    expect(attempt?.error).toBe(`rejected ${REDACTED_TEXT}`);
    expect(attempt?.excerpt).toContain('echo: {');
    expectNoneIn(`${attempt?.excerpt} ${attempt?.error}`, person.erased);
  });
});

describe('privacy requests: security', () => {
  it('answers 404 for another account’s and another environment’s customer, on both endpoints', async () => {
    const person = await ok<Customer>(
      post('/v1/customers', { name: 'Private Person', email: uniqueEmail('private') }),
    );
    const other = await newAccount('Other merchant');
    for (const key of [other.testKey, account.liveKey]) {
      const exported = await get(`/v1/customers/${person.id}/export`, key);
      expect(exported.status).toBe(404);
      expect(exported.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
      const redacted = await redact(person.id, key);
      expect(redacted.status).toBe(404);
      expect(redacted.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    const trpc = await trpcClient(server, other.testKey)
      .customers.exportData.query({ id: person.id })
      .catch((e: unknown) => e);
    expect((trpc as TRPCClientError<never>).data).toMatchObject({
      code: 'resource_missing',
      httpStatus: 404,
    });
    // Nothing was erased.
    expect(await ok(get(`/v1/customers/${person.id}`))).toMatchObject({ name: 'Private Person' });
  });

  it('needs customers:read to export and customers:write to redact', async () => {
    const person = await ok<Customer>(
      post('/v1/customers', { name: 'Guarded Person', email: uniqueEmail('guarded') }),
    );
    const writer = await restrictedKey(account.accountId, ['customers:write']);
    const reader = await restrictedKey(account.accountId, ['customers:read']);
    const refusedExport = await get(`/v1/customers/${person.id}/export`, writer);
    expect(refusedExport.status).toBe(403);
    expect(refusedExport.body.error.code).toBe('insufficient_permissions');
    expect((await get(`/v1/customers/${person.id}/export`, reader)).status).toBe(200);
    const refusedRedact = await redact(person.id, reader);
    expect(refusedRedact.status).toBe(403);
    expect(refusedRedact.body.error.code).toBe('insufficient_permissions');
    expect(await ok(get(`/v1/customers/${person.id}`))).toMatchObject({ name: 'Guarded Person' });
    expect((await redact(person.id, writer)).status).toBe(200);
  });
});

/** Every row of every table in the database, as text: what a data-only dump holds. */
async function everyRowAsText(): Promise<string> {
  const { db } = await testDatabase();
  const tables = rowsOf<{ name: string }>(
    await db.execute(
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = rowsOf<{ row: string }>(
      await db.execute(sql`select t::text as row from ${sql.identifier(name)} t`),
    );
    for (const { row } of rows) parts.push(row);
  }
  expect(tables.map((table) => table.name)).toEqual(
    expect.arrayContaining([
      'customers',
      'events',
      'idempotency_keys',
      'audit_log_changes',
      'payments',
    ]),
  );
  return parts.join('\n');
}

describe('after a redaction, the erased values are nowhere in the database', () => {
  it('in no row of any table (both engines)', async () => {
    const person = await personWithHistory();
    const before = await everyRowAsText();
    // The search is able to find them: every value is there before.
    for (const value of person.erased) expect(before.toLowerCase()).toContain(value.toLowerCase());
    await ok(redact(person.id));
    expectNoneIn(await everyRowAsText(), person.erased);
  });

  describe.runIf(engine === 'postgres')('in a full pg_dump (PostgreSQL)', () => {
    it('finds none of them', async () => {
      const url = process.env.DATABASE_URL;
      expect(url).toBeTruthy();
      const dump = async () =>
        (
          await promisify(execFile)('pg_dump', ['--data-only', '--no-owner', `--dbname=${url}`], {
            maxBuffer: 1 << 30,
          })
        ).stdout;
      const person = await personWithHistory();
      const before = await dump();
      for (const value of person.erased)
        expect(before.toLowerCase()).toContain(value.toLowerCase());
      await ok(redact(person.id));
      expectNoneIn(await dump(), person.erased);
    });
  });
});
