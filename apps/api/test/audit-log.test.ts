import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntrySchema, type AuditEntry } from '@peasswap/domain';
import { processorDecider } from '../src/billing/charges.js';
import { runBilling } from '../src/billing/engine.js';
import { apiKeys } from '../src/db/schema/index.js';
import { BILLING_ORIGIN, recordAudit } from '../src/events/outbox.js';
import { simulatedProcessor } from '../src/payments/processor.js';
import { createUser, type UserRole } from '../src/queries/users.js';
import {
  engine,
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

let server: TestServer;
/** Fails an idempotent request after its writes, before its answer is stored, when armed. */
let failAnswering = false;

beforeAll(async () => {
  server = await startServer({
    idempotencyFaults: (step) => {
      if (failAnswering && step === 'answering') throw new Error('injected fault');
    },
  });
});
afterAll(() => server.close());

// A fresh account per test: its audit log holds only that test's changes.
let account: TestAccount;
beforeEach(async () => {
  failAnswering = false;
  account = await newAccount('Audit merchant');
});

const VISA = '4242424242424242';
const EXP_YEAR = new Date().getUTCFullYear() + 3;
const PASSWORD = 'correct horse battery staple';
const DASHBOARD = { 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': 'test' };

async function entriesOf(key = account.testKey, query = ''): Promise<AuditEntry[]> {
  const res = await http<{ data: AuditEntry[] }>(server, 'GET', `/v1/audit_log?limit=100${query}`, {
    key,
  });
  expect(res.status, res.text).toBe(200);
  for (const entry of res.body.data) AuditEntrySchema.parse(entry);
  return res.body.data;
}

/** The id of the account's test-mode secret key: the actor of its requests. */
async function secretKeyId(livemode = false): Promise<string> {
  const { db } = await testDatabase();
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.accountId, account.accountId),
        eq(apiKeys.livemode, livemode),
        eq(apiKeys.kind, 'secret'),
      ),
    );
  if (!row) throw new Error('no secret key');
  return row.id;
}

/** A signed-in dashboard user of `role`, with a tRPC client on its session cookie. */
async function signedIn(role: UserRole) {
  const { db } = await testDatabase();
  const email = uniqueEmail(role);
  const user = await createUser(db, {
    accountId: account.accountId,
    email,
    password: PASSWORD,
    role,
  });
  const signIn = await http(server, 'POST', '/trpc/session.signIn', {
    body: { email, password: PASSWORD },
    headers: DASHBOARD,
  });
  expect(signIn.status, signIn.text).toBe(200);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const headers = { ...DASHBOARD, cookie };
  return { user, headers, client: trpcClient(server, undefined, headers) };
}

async function post(path: string, body?: unknown, key = account.testKey) {
  return http(server, 'POST', path, { key, ...(body !== undefined && { body }) });
}

async function newCustomer(body: Record<string, unknown> = {}, key = account.testKey) {
  const res = await post('/v1/customers', { name: 'Ann Lee', email: uniqueEmail(), ...body }, key);
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; email: string };
}

/** Entries oldest first, as the changes were made. */
async function history(query = ''): Promise<AuditEntry[]> {
  return (await entriesOf(account.testKey, query)).reverse();
}

describe('recording', () => {
  it('records a customer’s create, update and delete: actor, fields, values, request and address', async () => {
    const keyId = await secretKeyId();
    const created = await post('/v1/customers', {
      name: 'Ann Lee',
      email: 'ann.lee@example.com',
      phone: '+14155550123',
      metadata: { plan: 'pro' },
    });
    const id = (created.body as { id: string }).id;
    const updated = await http(server, 'PUT', `/v1/customers/${id}`, {
      key: account.testKey,
      body: { name: 'Ann Lee-Smith', description: 'VIP' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(updated.status).toBe(200);
    const deleted = await http(server, 'DELETE', `/v1/customers/${id}`, { key: account.testKey });
    expect(deleted.status).toBe(200);

    const [create, update, remove, ...more] = await history();
    expect(more).toEqual([]);
    expect(create).toEqual({
      id: expect.stringMatching(/^aud_/),
      object: 'audit_entry',
      livemode: false,
      actor: { type: 'api_key', id: keyId },
      action: 'customer.created',
      objectId: id,
      customer: id,
      fields: ['name', 'email', 'phone', 'metadata'],
      changes: {
        name: { after: 'Ann Lee' },
        email: { after: 'a***@example.com' },
        phone: { after: '+14*******23' },
        metadata: { after: { plan: 'pro' } },
      },
      requestId: created.headers.get('request-id'),
      clientIp: '127.0.0.1',
      createdAt: expect.any(String),
    });
    expect(update).toMatchObject({
      action: 'customer.updated',
      objectId: id,
      fields: ['name', 'description'],
      changes: {
        name: { before: 'Ann Lee', after: 'Ann Lee-Smith' },
        description: { after: 'VIP' },
      },
      requestId: updated.headers.get('request-id'),
      // The server trusts no proxy here: the address is the connection's, not the header's.
      clientIp: '127.0.0.1',
    });
    expect(remove).toMatchObject({
      action: 'customer.deleted',
      objectId: id,
      fields: [],
      changes: {},
      requestId: deleted.headers.get('request-id'),
    });
  });

  it('records payments, payment methods, subscriptions and schedules, each about its customer', async () => {
    const customer = (await newCustomer()).id;
    const card = { number: VISA, expMonth: 12, expYear: EXP_YEAR, cvc: '123' };
    const loose = await post('/v1/payment_methods', { type: 'card', card });
    const attached = await post('/v1/payment_methods', { type: 'card', card, customer });
    const pm = (attached.body as { id: string }).id;
    const payment = await post('/v1/payments', {
      amount: 2500,
      currency: 'usd',
      customer,
      paymentMethod: pm,
    });
    expect(payment.status, payment.text).toBe(200);
    const subscription = await post('/v1/subscriptions', {
      customer,
      amount: 1500,
      currency: 'usd',
      interval: 'month',
    });
    expect(subscription.status, subscription.text).toBe(200);
    const subId = (subscription.body as { id: string }).id;
    const subUpdate = await http(server, 'PUT', `/v1/subscriptions/${subId}`, {
      key: account.testKey,
      body: { cancelAtPeriodEnd: true },
    });
    expect(subUpdate.status, subUpdate.text).toBe(200);
    const subCancel = await http(server, 'DELETE', `/v1/subscriptions/${subId}`, {
      key: account.testKey,
    });
    expect(subCancel.status).toBe(200);
    const schedule = await post('/v1/payment_schedules', {
      customer,
      currency: 'usd',
      items: [{ amount: 500, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }],
    });
    expect(schedule.status, schedule.text).toBe(200);
    const schedId = (schedule.body as { id: string }).id;
    expect((await post(`/v1/payment_schedules/${schedId}/cancel`)).status).toBe(200);
    expect((await post(`/v1/payment_methods/${pm}/detach`)).status).toBe(200);

    const entries = await history(`&action=payment_method.created`);
    expect(entries).toEqual([
      expect.objectContaining({
        objectId: (loose.body as { id: string }).id,
        customer: null,
        fields: ['type', 'card'],
        changes: {
          type: { after: 'card' },
          card: { after: expect.objectContaining({ brand: 'visa', last4: '4242' }) },
        },
      }),
    ]);
    const about = (await history(`&customer=${customer}`)).map((e) => [e.action, e.objectId]);
    expect(about).toEqual([
      ['customer.created', customer],
      ['payment_method.attached', pm],
      ['payment.succeeded', (payment.body as { id: string }).id],
      // The subscription's first period, charged by its create.
      ['payment.succeeded', expect.stringMatching(/^pay_/)],
      ['subscription.created', subId],
      ['subscription.updated', subId],
      ['subscription.canceled', subId],
      ['payment_schedule.created', schedId],
      ['payment_schedule.canceled', schedId],
      ['payment_method.detached', pm],
    ]);
    const byAction = Object.fromEntries(
      (await history(`&customer=${customer}`)).map((e) => [e.action, e]),
    );
    expect(byAction['subscription.updated']).toMatchObject({
      fields: ['cancelAtPeriodEnd', 'canceledAt'],
      changes: {
        cancelAtPeriodEnd: { before: false, after: true },
        canceledAt: { after: expect.any(String) },
      },
    });
    expect(byAction['subscription.canceled']?.changes).toMatchObject({
      status: { after: 'canceled' },
      cancellationReason: { after: 'requested' },
    });
    expect(byAction['payment_method.detached']).toMatchObject({
      fields: ['customer'],
      changes: { customer: { before: customer } },
    });
    const paid = (await history(`&object=${(payment.body as { id: string }).id}`))[0];
    expect(paid?.changes).toMatchObject({
      amount: { after: 2500 },
      currency: { after: 'usd' },
      status: { after: 'succeeded' },
    });
  });

  it('records a merge (the survivor and each merged customer) and each imported row', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer({ phone: '+14155550123' });
    const merged = await post(`/v1/customers/${survivor.id}/merge`, {
      from: [other.id],
      fields: { phone: other.id },
    });
    expect(merged.status, merged.text).toBe(200);
    const mergeEntries = await history('&action=customer.merged');
    expect(mergeEntries).toEqual([
      expect.objectContaining({
        objectId: survivor.id,
        fields: ['phone'],
        changes: { phone: { after: '+14*******23' } },
        requestId: merged.headers.get('request-id'),
      }),
    ]);
    expect(await history('&action=customer.merged_into')).toEqual([
      expect.objectContaining({
        objectId: other.id,
        customer: other.id,
        changes: { mergedInto: { after: survivor.id } },
        requestId: merged.headers.get('request-id'),
      }),
    ]);

    const imported = await http(server, 'POST', '/v1/customers/import', {
      key: account.testKey,
      rawBody: `name,email\nBo Ray,${uniqueEmail('bo')}\nCy Day,${uniqueEmail('cy')}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status, imported.text).toBe(200);
    const rows = await history('&action=customer.created');
    expect(rows.slice(-2)).toEqual([
      expect.objectContaining({ changes: expect.objectContaining({ name: { after: 'Bo Ray' } }) }),
      expect.objectContaining({ changes: expect.objectContaining({ name: { after: 'Cy Day' } }) }),
    ]);
    expect(rows.slice(-2).map((e) => e.requestId)).toEqual([
      imported.headers.get('request-id'),
      imported.headers.get('request-id'),
    ]);
  });

  it('records webhook endpoints and API keys, naming secrets but never keeping them', async () => {
    const admin = await signedIn('admin');
    const endpoint = await post('/v1/webhook_endpoints', {
      url: 'http://127.0.0.1:4242/hooks',
      enabledEvents: ['*'],
    });
    expect(endpoint.status, endpoint.text).toBe(200);
    const { id: we, secret: firstSecret } = endpoint.body as { id: string; secret: string };
    const updated = await http(server, 'PUT', `/v1/webhook_endpoints/${we}`, {
      key: account.testKey,
      body: { description: 'CRM sync', enabledEvents: ['customer.created'] },
    });
    expect(updated.status).toBe(200);
    const rolled = await post(`/v1/webhook_endpoints/${we}/roll_secret`);
    const rolledSecret = (rolled.body as { secret: string }).secret;
    expect(rolledSecret).toMatch(/^whsec_/);
    expect(
      (await http(server, 'DELETE', `/v1/webhook_endpoints/${we}`, { key: account.testKey }))
        .status,
    ).toBe(200);

    const key = await admin.client.apiKeys.create.mutate({ kind: 'secret' });
    await admin.client.apiKeys.revoke.mutate({ id: key.id });
    // A revocation of a revoked key changes nothing: no entry.
    await admin.client.apiKeys.revoke.mutate({ id: key.id });

    const entries = await history();
    expect(entries.map((e) => [e.action, e.objectId, e.actor.type, e.fields])).toEqual([
      ['webhook_endpoint.created', we, 'api_key', ['url', 'enabledEvents', 'status', 'secret']],
      ['webhook_endpoint.updated', we, 'api_key', ['enabledEvents', 'description']],
      ['webhook_endpoint.secret_rolled', we, 'api_key', ['secret']],
      ['webhook_endpoint.deleted', we, 'api_key', []],
      ['api_key.created', key.id, 'user', ['kind', 'prefix', 'permissions', 'secret']],
      ['api_key.revoked', key.id, 'user', ['revokedAt']],
    ]);
    expect(entries[0]?.changes?.secret).toEqual({});
    expect(entries[1]?.changes?.enabledEvents).toEqual({
      before: ['*'],
      after: ['customer.created'],
    });
    expect(entries[4]?.actor).toEqual({ type: 'user', id: admin.user.id });
    expect(entries[4]?.clientIp).toBe('127.0.0.1');

    // Nowhere in the log, nor in the tables behind it.
    const { db } = await testDatabase();
    const stored = JSON.stringify(
      await db.execute(sql`select a.*, c.changes from audit_log a
        left join audit_log_changes c on c.entry_id = a.id
        where a.account_id = ${account.accountId}`),
    );
    for (const secret of [firstSecret, rolledSecret, key.secret]) {
      expect(JSON.stringify(entries)).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    expect(stored).not.toContain(key.secret.slice(8));
  });

  it('keeps no card number or fingerprint, and masks contact details', async () => {
    const customer = await newCustomer({ email: 'jane.doe@example.com', phone: '+442071838750' });
    const card = await post('/v1/payment_methods', {
      type: 'card',
      card: { number: VISA, expMonth: 12, expYear: EXP_YEAR, cvc: '123' },
      customer: customer.id,
    });
    const fingerprint = (card.body as { card: { fingerprint: string } }).card.fingerprint;
    expect(fingerprint).toBeTruthy();
    const loose = await post('/v1/payment_methods', {
      type: 'card',
      card: { number: '4000000000000341', expMonth: 12, expYear: EXP_YEAR, cvc: '123' },
    });
    expect(loose.status).toBe(200);
    const looseFingerprint = (loose.body as { card: { fingerprint: string } }).card.fingerprint;
    const text = JSON.stringify(await entriesOf());
    expect(text).toContain((loose.body as { id: string }).id);
    const secrets = [VISA, '4000000000000341', fingerprint, looseFingerprint];
    for (const secret of [...secrets, 'jane.doe', '2071838750']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('j***@example.com');
  });

  it('records a dashboard user’s writes as theirs, and nothing a refused or rolled-back write tried', async () => {
    const support = await signedIn('support');
    const viewer = await signedIn('viewer');
    const created = await support.client.customers.create.mutate({
      name: 'Dee Ho',
      email: uniqueEmail('dee'),
    });
    const refusedByRole = await viewer.client.customers.update
      .mutate({ id: created.id, name: 'Nope' })
      .catch((error: unknown) => error);
    expect(refusedByRole).toBeInstanceOf(Error);
    // Refused by validation, by the database (email taken) and by permission.
    const invalid = await post('/v1/customers', { name: 'X', email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    const taken = await post('/v1/customers', { name: 'X', email: created.email });
    expect(taken.status).toBe(409);
    const reader = await restrictedKey(account.accountId, ['customers:read']);
    expect((await post('/v1/customers', { name: 'X', email: uniqueEmail() }, reader)).status).toBe(
      403,
    );
    // Rolled back after its writes: the request fails before its answer is stored.
    failAnswering = true;
    const failed = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { name: 'Rolled Back', email: uniqueEmail('rb') },
      headers: { 'idempotency-key': `audit-${Date.now()}` },
    });
    // The same for a write without an event (the audit log alone).
    const failedEndpoint = await http(server, 'POST', '/v1/webhook_endpoints', {
      key: account.testKey,
      body: { url: 'http://127.0.0.1:4242/rolled-back', enabledEvents: ['*'] },
      headers: { 'idempotency-key': `audit-we-${Date.now()}` },
    });
    failAnswering = false;
    expect(failed.status).toBe(500);
    expect(failedEndpoint.status).toBe(500);
    const endpoints = await http(server, 'GET', '/v1/webhook_endpoints', { key: account.testKey });
    expect(endpoints.body.data).toEqual([]);

    const entries = await history();
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'customer.created',
        objectId: created.id,
        actor: { type: 'user', id: support.user.id },
        requestId: expect.stringMatching(/^req_/),
        clientIp: '127.0.0.1',
      }),
    ]);
  });

  it('records dashboard users, account-wide, without their passwords', async () => {
    const owner = await signedIn('owner');
    const invited = await owner.client.users.invite.mutate({
      email: 'New.Person@example.com',
      role: 'viewer',
    });
    await owner.client.users.updateRole.mutate({ id: invited.user.id, role: 'support' });
    // The same role again changes nothing: no entry.
    await owner.client.users.updateRole.mutate({ id: invited.user.id, role: 'support' });
    await owner.client.users.remove.mutate({ id: invited.user.id });

    const entries = (await entriesOf(account.liveKey)).reverse();
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'user.invited',
        objectId: invited.user.id,
        livemode: null,
        actor: { type: 'user', id: owner.user.id },
        customer: null,
        changes: expect.objectContaining({
          email: { after: 'N***@example.com' },
          role: { after: 'viewer' },
          invitedBy: { after: owner.user.id },
        }),
      }),
      expect.objectContaining({
        action: 'user.role_updated',
        fields: ['role'],
        changes: { role: { before: 'viewer', after: 'support' } },
      }),
      expect.objectContaining({ action: 'user.removed', fields: [], changes: {} }),
    ]);
    expect(await entriesOf(account.testKey)).toHaveLength(3);
    expect(JSON.stringify(entries)).not.toContain(invited.temporaryPassword);
  });

  it('records billing’s own changes as the system’s, with no request or address', async () => {
    const customer = (await newCustomer()).id;
    const subscription = await post('/v1/subscriptions', {
      customer,
      amount: 1500,
      currency: 'usd',
      interval: 'month',
      defaultPaymentMethod: 'pm_card_visa',
    });
    expect(subscription.status, subscription.text).toBe(200);
    const { currentPeriodEnd, currentPeriodStart } = subscription.body as Record<string, string>;
    const { db } = await testDatabase();
    await runBilling(db, {
      at: new Date(Date.parse(currentPeriodEnd ?? '') + 1000),
      scope: { accountId: account.accountId, livemode: false },
      decide: processorDecider(simulatedProcessor),
    });
    const [renewed, paid] = await entriesOf();
    const system = { actor: { type: 'system', id: null }, requestId: null, clientIp: null };
    expect(paid).toMatchObject({ action: 'payment.succeeded', customer, ...system });
    expect(renewed).toMatchObject({
      action: 'subscription.updated',
      customer,
      ...system,
      changes: expect.objectContaining({
        currentPeriodStart: { before: currentPeriodStart, after: currentPeriodEnd },
      }),
    });
  });

  it('keeps entries account-wide (livemode null) visible in both environments', async () => {
    const { db } = await testDatabase();
    const [id] = await recordAudit(
      db,
      { accountId: account.accountId, livemode: null },
      BILLING_ORIGIN,
      [
        {
          action: 'user.invited',
          objectId: 'usr_audit',
          after: { email: 'new@example.com', role: 'viewer' },
        },
      ],
    );
    for (const key of [account.testKey, account.liveKey]) {
      expect(await entriesOf(key)).toEqual([
        expect.objectContaining({
          id,
          livemode: null,
          actor: { type: 'system', id: null },
          changes: { email: { after: 'n***@example.com' }, role: { after: 'viewer' } },
        }),
      ]);
    }
  });
});

describe('append-only', () => {
  async function refusal(statement: ReturnType<typeof sql>): Promise<string> {
    const { db } = await testDatabase();
    // In a transaction rolled back whatever happens: a broken trigger must not empty the log.
    const outcome = await db
      .transaction(async (tx) => {
        await tx.execute(statement);
        throw new Error('statement was allowed');
      })
      .catch((error: unknown) => error);
    const error = outcome as { message?: string; cause?: { message?: string } };
    return `${error.message ?? ''} ${error.cause?.message ?? ''}`;
  }

  it.each([
    ['UPDATE audit_log', sql`update audit_log set action = 'forged'`],
    ['DELETE FROM audit_log', sql`delete from audit_log`],
    ['TRUNCATE audit_log', sql`truncate audit_log cascade`],
    ['UPDATE audit_log_changes', sql`update audit_log_changes set changes = '{}'::jsonb`],
  ])(`refuses %s on ${engine}`, async (_name, statement) => {
    await newCustomer();
    expect(await refusal(statement)).toMatch(/refused: the audit log is append-only/);
    expect((await entriesOf()).map((e) => e.action)).toEqual(['customer.created']);
  });
});

describe('listing', () => {
  it('filters by object, actor, action, customer and time, and pages both ways', async () => {
    const support = await signedIn('support');
    const first = await newCustomer();
    const second = await newCustomer();
    await http(server, 'PUT', `/v1/customers/${first.id}`, {
      key: account.testKey,
      body: { name: 'Renamed' },
    });
    await support.client.customers.update.mutate({ id: second.id, name: 'By support' });
    const all = await entriesOf();
    expect(all.map((e) => e.action)).toEqual([
      'customer.updated',
      'customer.updated',
      'customer.created',
      'customer.created',
    ]);
    const ids = (list: AuditEntry[]) => list.map((e) => e.id);
    expect(ids(await entriesOf(undefined, `&object=${first.id}`))).toEqual([
      all[1]?.id,
      all[3]?.id,
    ]);
    expect(ids(await entriesOf(undefined, `&customer=${second.id}`))).toEqual([
      all[0]?.id,
      all[2]?.id,
    ]);
    expect(ids(await entriesOf(undefined, `&actor=${support.user.id}`))).toEqual([all[0]?.id]);
    expect(ids(await entriesOf(undefined, `&actor=${await secretKeyId()}`))).toEqual(
      ids(all.slice(1)),
    );
    expect(ids(await entriesOf(undefined, '&action=customer.created'))).toEqual(ids(all.slice(2)));
    expect(ids(await entriesOf(undefined, '&action=customer.*'))).toEqual(ids(all));
    expect(await entriesOf(undefined, '&action=payment.*')).toEqual([]);
    const middle = all[1]?.createdAt ?? '';
    expect(ids(await entriesOf(undefined, `&createdGte=${middle}`))).toEqual(ids(all.slice(0, 2)));
    expect(ids(await entriesOf(undefined, `&createdLte=${middle}`))).toEqual(ids(all.slice(1)));

    // Pages of two, forwards then back.
    const page = async (query: string) =>
      (await http(server, 'GET', `/v1/audit_log?limit=2${query}`, { key: account.testKey }))
        .body as {
        data: AuditEntry[];
        hasMore: boolean;
        url: string;
      };
    const one = await page('');
    expect([ids(one.data), one.hasMore, one.url]).toEqual([
      ids(all.slice(0, 2)),
      true,
      '/v1/audit_log',
    ]);
    const two = await page(`&startingAfter=${all[1]?.id}`);
    expect([ids(two.data), two.hasMore]).toEqual([ids(all.slice(2)), false]);
    const back = await page(`&endingBefore=${all[2]?.id}`);
    expect([ids(back.data), back.hasMore]).toEqual([ids(all.slice(0, 2)), false]);

    const bad = await http(server, 'GET', '/v1/audit_log?action=customer', {
      key: account.testKey,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'action' });
  });

  it('shows neither another account’s entries nor the other environment’s, nor takes their ids as cursors', async () => {
    const mine = await newCustomer();
    const live = await newCustomer({}, account.liveKey);
    const other = await newAccount('Other audit merchant');
    const theirs = await http(server, 'POST', '/v1/customers', {
      key: other.testKey,
      body: { name: 'Theirs', email: uniqueEmail() },
    });
    expect(theirs.status).toBe(200);
    const [theirEntry] = await entriesOf(other.testKey);
    const [liveEntry] = await entriesOf(account.liveKey);
    expect(liveEntry?.objectId).toBe(live.id);
    expect((await entriesOf()).map((e) => e.objectId)).toEqual([mine.id]);
    for (const foreign of [theirEntry?.id, liveEntry?.id]) {
      for (const cursor of ['startingAfter', 'endingBefore']) {
        const res = await http(server, 'GET', `/v1/audit_log?${cursor}=${foreign}`, {
          key: account.testKey,
        });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'resource_missing', param: cursor });
      }
    }
    expect(await entriesOf(undefined, `&object=${(theirs.body as { id: string }).id}`)).toEqual([]);
  });
});

describe('permission', () => {
  it('is audit:read: owner, admin and developer sessions and secret keys; not support, viewer or keys without it', async () => {
    await newCustomer();
    for (const role of ['support', 'viewer'] as const) {
      const { headers } = await signedIn(role);
      const res = await http(server, 'GET', '/trpc/auditLog.list', { headers });
      expect(res.status, role).toBe(403);
      expect(res.body.error.data).toMatchObject({ code: 'insufficient_permissions' });
    }
    for (const role of ['owner', 'admin', 'developer'] as const) {
      const { client } = await signedIn(role);
      const list = await client.auditLog.list.query({});
      expect(
        list.data.map((e) => e.action),
        role,
      ).toContain('customer.created');
    }
    const without = await restrictedKey(account.accountId, ['customers:read', 'events:read']);
    const refused = await http(server, 'GET', '/v1/audit_log', { key: without });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_permissions' });
    const reader = await restrictedKey(account.accountId, ['audit:read']);
    expect((await http(server, 'GET', '/v1/audit_log', { key: reader })).status).toBe(200);
    expect((await http(server, 'GET', '/v1/audit_log')).status).toBe(401);
  });
});
