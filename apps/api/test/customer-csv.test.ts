import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxIdentity, nameKey } from '@peasswap/domain';
import { rowsOf } from '../src/db/client.js';
import { createUser } from '../src/queries/users.js';
import {
  http,
  newAccount,
  type HttpResult,
  restrictedKey,
  serverWithAccount,
  testDatabase,
  trpcClient,
  type TestAccount,
} from './harness.js';

const { server, account } = serverWithAccount();

const CARD = '4242424242424242';
const PASSWORD = 'correct horse battery staple';

function importCsv(csv: string, query = '', key = account.testKey, headers = {}) {
  return http(server, 'POST', `/v1/customers/import${query}`, {
    key,
    rawBody: csv,
    headers: { 'content-type': 'text/csv', ...headers },
  });
}

async function exportCsv(query = '', key = account.testKey) {
  const response = await fetch(`${server.url}/v1/customers/export.csv${query}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const text = await response.text();
  return { response, text, records: parse(text) };
}

/** Every `customer` row of an account, straight from the table. */
async function customersOf(accountId: string) {
  const { db } = await testDatabase();
  return rowsOf<{ id: string; name: string; email: string }>(
    await db.execute(
      sql`select id, name, email from customers where account_id = ${accountId} and deleted_at is null`,
    ),
  );
}

async function eventCount(accountId: string, type: string) {
  const { db } = await testDatabase();
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(
      sql`select count(*) as n from events where account_id = ${accountId} and type = ${type}`,
    ),
  );
  return Number(row?.n);
}

let counter = 0;
/** A fresh email for this file; `tag` keeps a test's rows apart from the others'. */
const email = (tag: string) => `${tag}.${Date.now().toString(36)}.${(counter += 1)}@example.com`;

describe('import: happy paths', () => {
  it('creates customers from a file with a BOM, CRLF, quoted commas and newlines', async () => {
    const [a, b, c] = [email('happy'), email('happy'), email('happy')];
    const csv =
      '\uFEFFName,Email,phone,description,metadata.plan\r\n' +
      `Ada Lovelace,${a},(415) 555-0123,"Analyst, first",pro\r\n` +
      `"Grace Hopper",${b},,"Line one\r\nline two",\r\n` +
      '\r\n' +
      `"Alan ""The"" Turing",${c},,,enterprise\r\n`;
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'customer_import',
      dryRun: false,
      created: 3,
      updated: 0,
      skipped: 0,
      errors: 0,
    });
    expect(res.body.rows.map((row: any) => [row.line, row.status, row.errors])).toEqual([
      [2, 'created', []],
      [3, 'created', []],
      [6, 'created', []],
    ]);
    const ada = await http(server, 'GET', `/v1/customers/${res.body.rows[0].customer}`, {
      key: account.testKey,
    });
    expect(ada.body).toMatchObject({
      name: 'Ada Lovelace',
      email: a,
      phone: '+14155550123',
      description: 'Analyst, first',
      metadata: { plan: 'pro' },
    });
    const grace = await http(server, 'GET', `/v1/customers/${res.body.rows[1].customer}`, {
      key: account.testKey,
    });
    expect(grace.body).toMatchObject({
      name: 'Grace Hopper',
      phone: null,
      description: 'Line one\r\nline two',
      metadata: {},
    });
    const { db } = await testDatabase();
    const [keys] = rowsOf<{ mailbox_identity: string; name_key: string }>(
      await db.execute(
        sql`select mailbox_identity, name_key from customers where id = ${ada.body.id}`,
      ),
    );
    // The duplicate finder's keys, written by the same domain rules as create writes them.
    expect(keys).toEqual({
      mailbox_identity: mailboxIdentity(a),
      name_key: nameKey('Ada Lovelace'),
    });
    const alan = await http(server, 'GET', `/v1/customers/${res.body.rows[2].customer}`, {
      key: account.testKey,
    });
    expect(alan.body).toMatchObject({
      name: 'Alan "The" Turing',
      metadata: { plan: 'enterprise' },
    });
  });

  it('records customer.created for every customer it creates, in the request', async () => {
    const fresh = await newAccount('Events import');
    const csv = ['name,email', ...Array.from({ length: 7 }, (_, i) => `N${i},${email('ev')}`)];
    const res = await importCsv(csv.join('\n'), '', fresh.testKey);
    expect(res.body.created).toBe(7);
    expect(await eventCount(fresh.accountId, 'customer.created')).toBe(7);
    const events = await http(server, 'GET', '/v1/events?type=customer.created&limit=100', {
      key: fresh.testKey,
    });
    const ids = events.body.data.map((event: any) => event.data.object.id).sort();
    expect(ids).toEqual(res.body.rows.map((row: any) => row.customer).sort());
    expect(events.body.data[0].request.id).toBe(res.headers.get('request-id'));
  });

  it('is the same procedure over tRPC, for the dashboard upload', async () => {
    const client = trpcClient(server, account.testKey);
    const mail = email('trpc');
    const report = await client.customers.import.mutate({
      csv: `\uFEFFname,email\nTina,${mail}\nBad,not-an-email\n`,
    });
    expect(report).toMatchObject({ created: 1, errors: 1 });
    expect(report.rows[1]).toMatchObject({
      line: 3,
      status: 'error',
      errors: [{ param: 'email', code: 'email_invalid' }],
    });
    const again = await client.customers.import
      .mutate({ csv: `name,email\nTina,${mail}\n`, onDuplicate: 'skip', dryRun: true })
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ skipped: 1, dryRun: true });
    const refused = await client.customers.import
      .mutate({ csv: 'name,email,shoe_size\n' })
      .catch((error: { data?: unknown }) => error.data);
    expect(refused).toMatchObject({ code: 'parameter_unknown', param: 'shoe_size' });
  });
});

describe('import: rows refused one by one', () => {
  it('names the param, code and line of each fault and keeps the good rows', async () => {
    const good = [email('rows'), email('rows')];
    const csv = [
      'name,email,phone,description,metadata.ref',
      `Good One,${good[0]},,,`,
      'Bad Email,not-an-email,,,',
      `Bad Phone,${email('rows')},12,,`,
      `,${email('rows')},,,`,
      `Card Name ${CARD},${email('rows')},,,`,
      `Card Desc,${email('rows')},,"pay with 4242 4242 4242 4242",`,
      `Card Meta,${email('rows')},,,${CARD}`,
      `Card Phone,${email('rows')},${CARD},,`,
      `Card Email,${CARD}@example.com,,,`,
      'Too,few',
      `Good Two,${good[1]},+44 20 7946 0958,,`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, errors: 9 });
    const summary = res.body.rows.map((row: any) => [
      row.line,
      row.status,
      row.errors.map((error: any) => `${error.param ?? '-'}:${error.code}`),
    ]);
    expect(summary).toEqual([
      [2, 'created', []],
      [3, 'error', ['email:email_invalid']],
      [4, 'error', ['phone:phone_invalid']],
      [5, 'error', ['name:parameter_invalid']],
      [6, 'error', ['name:sensitive_data_rejected']],
      [7, 'error', ['description:sensitive_data_rejected']],
      [8, 'error', ['metadata.ref:sensitive_data_rejected']],
      [9, 'error', ['phone:sensitive_data_rejected']],
      [10, 'error', ['email:sensitive_data_rejected']],
      [11, 'error', ['-:parameter_invalid']],
      [12, 'created', []],
    ]);
    // The report is stored for idempotent replays and read by people: no card number in it.
    expect(res.text).not.toMatch(/4242/);
    const stored = await http(server, 'GET', `/v1/customers?email=${good[1]}`, {
      key: account.testKey,
    });
    expect(stored.body.data[0]).toMatchObject({ name: 'Good Two', phone: '+442079460958' });
  });

  it('reports every fault of a row, not only the first', async () => {
    const res = await importCsv('name,email,phone\n,nope,12\n');
    expect(res.body.rows[0].errors.map((error: any) => error.code)).toEqual([
      'parameter_invalid',
      'email_invalid',
      'phone_invalid',
    ]);
  });
});

describe('import: the file refused as a whole', () => {
  const refused = async (csv: string, query = ''): Promise<HttpResult<any>> => {
    const fresh = await newAccount('Refused import');
    const res = await importCsv(csv, query, fresh.testKey);
    expect(await customersOf(fresh.accountId)).toEqual([]);
    return res;
  };

  it.each([
    [
      'an unknown column',
      'name,email,shoe_size\nA,a@example.com,9\n',
      'parameter_unknown',
      'shoe_size',
    ],
    ['no email column', 'name,phone\nA,+14155550123\n', 'parameter_missing', 'email'],
    ['no name column', 'email\na@example.com\n', 'parameter_missing', 'name'],
    [
      'a column twice',
      'name,email,Email\nA,a@example.com,b@example.com\n',
      'parameter_invalid',
      'email',
    ],
    ['an empty column name', 'name,email,\nA,a@example.com,x\n', 'parameter_invalid', undefined],
    [
      'a metadata key too long',
      `name,email,metadata.${'k'.repeat(41)}\n`,
      'parameter_invalid',
      `metadata.${'k'.repeat(41)}`,
    ],
    [
      'a card number as a column',
      `name,email,metadata.${CARD}\n`,
      'sensitive_data_rejected',
      'metadata.[redacted]',
    ],
    ['an empty file', '', 'parameter_missing', 'name'],
  ])('refuses %s', async (_label, csv, code, param) => {
    const res = await refused(csv);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code });
    expect(res.body.error.param).toBe(param);
    expect(res.text).not.toContain(CARD);
  });

  it('refuses an unclosed quote up front, naming the line where it opens', async () => {
    const csv = [
      'name,email,description',
      `Before,${email('quote')},fine`,
      `"Multi`,
      `line",${email('quote')},fine`,
      `Opens,${email('quote')},"never closed`,
      `After,${email('quote')},more`,
      `Last,${email('quote')},end`,
    ].join('\n');
    const res = await refused(csv);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'parameter_invalid', line: '5' });
    expect(res.body.error.message).toContain('line 5');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const fresh = await newAccount('Latin-1');
    const response = await fetch(`${server.url}/v1/customers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fresh.testKey}`, 'content-type': 'text/csv' },
      body: Buffer.from('name,email\nJos\xe9,jose@example.com\n', 'latin1'),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'parameter_invalid',
    );
    expect(await customersOf(fresh.accountId)).toEqual([]);
  });

  it.each([
    ['JSON', 'application/json', '{"csv":"name,email"}'],
    ['plain text', 'text/plain', 'name,email\n'],
    ['CSV in another charset', 'text/csv; charset=iso-8859-1', 'name,email\n'],
  ])('answers 415 for %s', async (_label, contentType, body) => {
    const res = await importCsv(body, '', account.testKey, { 'content-type': contentType });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'content_type_unsupported',
    });
    expect(res.headers.get('request-id')).toBe(res.body.error.requestId);
  });

  it('answers 415 for no body at all', async () => {
    const res = await http(server, 'POST', '/v1/customers/import', { key: account.testKey });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('content_type_unsupported');
  });

  it('accepts text/csv on the import route only', async () => {
    const res = await http(server, 'POST', '/v1/customers', {
      key: account.testKey,
      rawBody: 'name,email\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('json_invalid');
  });

  it('answers 413 in the envelope over 64 MiB', async () => {
    const body = 'name,email\n' + 'x'.repeat(64 * 1024 * 1024);
    const res = await importCsv(body);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'request_too_large' });
    expect(res.body.error.message).toContain('64 MiB');
  });

  it.each([
    ['?dryRun=yes', 'parameter_invalid', 'dryRun'],
    ['?onDuplicate=merge', 'parameter_invalid', 'onDuplicate'],
    ['?limit=5', 'parameter_unknown', 'limit'],
    ['?csv=x', 'parameter_unknown', 'csv'],
  ])('refuses the query %s', async (query, code, param) => {
    const res = await importCsv('name,email\n', query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, param });
  });
});

describe('import: duplicates', () => {
  let fresh: TestAccount;
  let existing: { id: string; email: string };
  beforeAll(async () => {
    fresh = await newAccount('Duplicates import');
    const mail = email('dup');
    const created = await http(server, 'POST', '/v1/customers', {
      key: fresh.testKey,
      body: {
        name: 'Old Name',
        email: mail,
        phone: '+14155550123',
        metadata: { keep: 'yes', plan: 'free' },
      },
    });
    existing = { id: created.body.id, email: mail };
  });

  it('onDuplicate=error (the default) refuses a taken email and a repeat in the file', async () => {
    const other = email('dup');
    const csv = `name,email\nAgain,${existing.email.toUpperCase()}\nFirst,${other}\nSecond,${other}\n`;
    const res = await importCsv(csv, '', fresh.testKey);
    expect(res.body).toMatchObject({ created: 1, errors: 2 });
    expect(res.body.rows[0]).toMatchObject({
      status: 'error',
      errors: [{ param: 'email', code: 'customer_email_taken' }],
    });
    expect(res.body.rows[0].errors[0].message).toContain(existing.id);
    expect(res.body.rows[2]).toMatchObject({
      line: 4,
      status: 'error',
      errors: [
        { param: 'email', code: 'customer_email_taken', message: 'Line 3 has the same email.' },
      ],
    });
  });

  it('onDuplicate=skip leaves the customer as it is and skips repeats', async () => {
    const other = email('dup');
    const csv = `name,email\nChanged,${existing.email}\nOnce,${other}\nTwice,${other}\n`;
    const res = await importCsv(csv, '?onDuplicate=skip', fresh.testKey);
    expect(res.body).toMatchObject({ created: 1, skipped: 2, errors: 0 });
    expect(res.body.rows[0]).toMatchObject({ status: 'skipped', customer: existing.id });
    expect(res.body.rows[2]).toMatchObject({
      status: 'skipped',
      customer: res.body.rows[1].customer,
    });
    const stored = await http(server, 'GET', `/v1/customers/${existing.id}`, {
      key: fresh.testKey,
    });
    expect(stored.body.name).toBe('Old Name');
    const once = await http(server, 'GET', `/v1/customers/${res.body.rows[1].customer}`, {
      key: fresh.testKey,
    });
    expect(once.body.name).toBe('Once');
  });

  it('onDuplicate=update merges into the customer, with one event per change', async () => {
    const before = await eventCount(fresh.accountId, 'customer.updated');
    const other = email('dup');
    const csv = [
      'name,email,phone,description,metadata.plan,metadata.seats',
      `New Name,${existing.email},,Imported,pro,`,
      `Created,${other},,,,3`,
      `Created Again,${other},+14155550199,,,4`,
    ].join('\n');
    const res = await importCsv(csv, '?onDuplicate=update', fresh.testKey);
    expect(res.body).toMatchObject({ created: 1, updated: 2, errors: 0 });
    expect(res.body.rows[0]).toMatchObject({ status: 'updated', customer: existing.id });
    const stored = await http(server, 'GET', `/v1/customers/${existing.id}`, {
      key: fresh.testKey,
    });
    expect(stored.body).toMatchObject({
      name: 'New Name',
      phone: '+14155550123',
      description: 'Imported',
      metadata: { keep: 'yes', plan: 'pro' },
    });
    const folded = await http(server, 'GET', `/v1/customers/${res.body.rows[1].customer}`, {
      key: fresh.testKey,
    });
    expect(folded.body).toMatchObject({
      name: 'Created Again',
      phone: '+14155550199',
      metadata: { seats: '4' },
    });
    expect(res.body.rows[2]).toMatchObject({ status: 'updated', customer: folded.body.id });
    expect(await eventCount(fresh.accountId, 'customer.updated')).toBe(before + 1);
    const events = await http(server, 'GET', '/v1/events?type=customer.updated&limit=1', {
      key: fresh.testKey,
    });
    expect(events.body.data[0].data).toMatchObject({
      object: { id: existing.id, name: 'New Name' },
      previousAttributes: { name: 'Old Name', description: null },
    });
  });

  it('dryRun=true reports what would happen and writes nothing', async () => {
    const other = email('dry');
    const csv = `name,email\nDry,${other}\nSkipped,${existing.email}\nBad,nope\n`;
    const customersBefore = (await customersOf(fresh.accountId)).length;
    const eventsBefore = await eventCount(fresh.accountId, 'customer.created');
    const res = await importCsv(csv, '?dryRun=true&onDuplicate=skip', fresh.testKey);
    expect(res.body).toMatchObject({ dryRun: true, created: 1, skipped: 1, errors: 1 });
    expect(res.body.rows[0].customer).toBeUndefined();
    expect(res.body.rows[1].customer).toBe(existing.id);
    expect((await customersOf(fresh.accountId)).length).toBe(customersBefore);
    expect(await eventCount(fresh.accountId, 'customer.created')).toBe(eventsBefore);
  });
});

describe('import: batches', () => {
  it('a refused row costs its batch neighbours nothing', async () => {
    const fresh = await newAccount('Batch neighbours');
    const lines = Array.from({ length: 1_201 }, (_, i) =>
      i === 700 ? 'Bad,not-an-email' : `Row ${i},${email('batch')}`,
    );
    const res = await importCsv(['name,email', ...lines].join('\n'), '', fresh.testKey);
    expect(res.body).toMatchObject({ created: 1_200, errors: 1 });
    expect(res.body.rows[700]).toMatchObject({ line: 702, status: 'error' });
    expect((await customersOf(fresh.accountId)).length).toBe(1_200);
    expect(await eventCount(fresh.accountId, 'customer.created')).toBe(1_200);
  });

  it('a failure midway leaves whole batches only, each with its events', async () => {
    const fresh = await newAccount('Batch crash');
    const { db } = await testDatabase();
    // The database itself fails the third batch, after its customers are inserted, as their
    // events are written (a trigger, for this account only): what a lost connection or a crash
    // does to a transaction that has not committed.
    const fn = `fail_import_${fresh.accountId.toLowerCase()}`;
    await db.execute(
      sql.raw(`create function ${fn}() returns trigger language plpgsql as $$
        begin
          if new.account_id = '${fresh.accountId}' and new.data->'object'->>'name' = 'Crash' then
            raise exception 'simulated failure';
          end if;
          return new;
        end $$`),
    );
    await db.execute(
      sql.raw(`create trigger ${fn} before insert on events for each row execute function ${fn}()`),
    );
    try {
      const lines = Array.from({ length: 1_300 }, (_, i) =>
        i === 1_100 ? `Crash,${email('crash')}` : `Row ${i},${email('crash')}`,
      );
      const res = await importCsv(['name,email', ...lines].join('\n'), '', fresh.testKey);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('api_error');
      const stored = await customersOf(fresh.accountId);
      expect(stored.length).toBe(1_000);
      expect(new Set(stored.map((row) => row.name))).toEqual(
        new Set(Array.from({ length: 1_000 }, (_, i) => `Row ${i}`)),
      );
      expect(await eventCount(fresh.accountId, 'customer.created')).toBe(1_000);
    } finally {
      await db.execute(sql.raw(`drop trigger ${fn} on events`));
      await db.execute(sql.raw(`drop function ${fn}()`));
    }
  });

  it('replays an import sent with an Idempotency-Key, writing nothing again', async () => {
    const fresh = await newAccount('Idempotent import');
    const csv = `name,email\nOnce,${email('idem')}\n`;
    const headers = { 'idempotency-key': `import-${Date.now()}` };
    const first = await importCsv(csv, '', fresh.testKey, headers);
    const again = await importCsv(csv, '', fresh.testKey, headers);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await customersOf(fresh.accountId)).length).toBe(1);
  });
});

describe('import and export: who may', () => {
  it('needs customers:write to import and customers:read to export', async () => {
    const readOnly = await restrictedKey(account.accountId, ['customers:read']);
    const writeOnly = await restrictedKey(account.accountId, ['customers:write']);
    const imported = await importCsv(`name,email\nX,${email('perm')}\n`, '', readOnly);
    expect(imported.status).toBe(403);
    expect(imported.body.error.code).toBe('insufficient_permissions');
    const allowed = await importCsv(`name,email\nX,${email('perm')}\n`, '', writeOnly);
    expect(allowed.status).toBe(200);
    const exported = await http(server, 'GET', '/v1/customers/export.csv', { key: writeOnly });
    expect(exported.status).toBe(403);
    expect(exported.body.error.code).toBe('insufficient_permissions');
    const anonymous = await http(server, 'GET', '/v1/customers/export.csv');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('api_key_invalid');
    const anonymousImport = await http(server, 'POST', '/v1/customers/import', {
      rawBody: 'name,email\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(anonymousImport.status).toBe(401);
  });
});

describe('export from the dashboard', () => {
  it('takes the session cookie with the dashboard’s headers, and its role’s permission', async () => {
    const { db } = await testDatabase();
    const owner = await newAccount('Dashboard export');
    const mail = email('viewer');
    await createUser(db, {
      accountId: owner.accountId,
      email: mail,
      password: PASSWORD,
      role: 'viewer',
    });
    const signedIn = await http(server, 'POST', '/trpc/session.signIn', {
      body: { email: mail, password: PASSWORD },
      headers: { 'x-peasswap-client': 'dashboard' },
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await importCsv(`name,email\nSeen,${email('seen')}\n`, '', owner.testKey);
    const headers = { cookie, 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': 'test' };
    const ok = await http(server, 'GET', '/v1/customers/export.csv', { headers });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Seen');
    const live = await http(server, 'GET', '/v1/customers/export.csv', {
      headers: { ...headers, 'x-peasswap-environment': 'live' },
    });
    expect(live.text).not.toContain('Seen');
    // A plain link or a cross-site page cannot send the client header: the cookie alone is nothing.
    const linked = await http(server, 'GET', '/v1/customers/export.csv', { headers: { cookie } });
    expect(linked.status).toBe(403);
    expect(linked.body.error.code).toBe('cross_site_request_refused');
    // The import takes the session too (import-session.test.ts), with the role's permission: a
    // viewer may export but not import.
    const upload = await http(server, 'POST', '/v1/customers/import', {
      rawBody: 'name,email\n',
      headers: { ...headers, 'content-type': 'text/csv' },
    });
    expect(upload.status).toBe(403);
    expect(upload.body.error.code).toBe('insufficient_permissions');
  });
});

describe('export', () => {
  let fresh: TestAccount;
  const stamp = Date.now().toString(36);
  beforeAll(async () => {
    fresh = await newAccount('Export');
    const rows = Array.from({ length: 2_345 }, (_, i) => `Person ${i},p${i}.${stamp}@example.com`);
    const res = await importCsv(['name,email', ...rows].join('\n'), '', fresh.testKey);
    expect(res.body.created).toBe(2_345);
  });

  afterAll(() => undefined);

  it('streams every customer exactly once, newest first, with the header', async () => {
    const { response, records } = await exportCsv('', fresh.testKey);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = records;
    expect(header).toEqual([
      'id',
      'name',
      'email',
      'phone',
      'description',
      'metadata',
      'created_at',
    ]);
    expect(rows.length).toBe(2_345);
    expect(new Set(rows.map((row) => row[0])).size).toBe(2_345);
    const listed = await http(server, 'GET', '/v1/customers?limit=3', { key: fresh.testKey });
    expect(rows.slice(0, 3).map((row) => row[0])).toEqual(listed.body.data.map((c: any) => c.id));
  });

  it('never holds another account’s or environment’s customers', async () => {
    const { records } = await exportCsv('', fresh.liveKey);
    expect(records).toEqual([
      ['id', 'name', 'email', 'phone', 'description', 'metadata', 'created_at'],
    ]);
    const mine = await exportCsv('', account.testKey);
    const ids = new Set(mine.records.map((row) => row[0]));
    const theirs = await customersOf(fresh.accountId);
    expect(theirs.some((row) => ids.has(row.id))).toBe(false);
  });

  it('applies the list filters', async () => {
    const byEmail = await exportCsv(`?email=P7.${stamp}@EXAMPLE.com`, fresh.testKey);
    expect(byEmail.records.slice(1).map((row) => row[1])).toEqual(['Person 7']);
    const byQuery = await exportCsv('?query=person%20123', fresh.testKey);
    expect(
      byQuery.records
        .slice(1)
        .map((row) => row[1])
        .sort(),
    ).toEqual(
      Array.from({ length: 11 }, (_, i) => (i === 0 ? 'Person 123' : `Person 123${i - 1}`)).sort(),
    );
    const all = (await exportCsv('', fresh.testKey)).records.slice(1);
    const pivot = all[100]?.[6] ?? '';
    const newer = await exportCsv(`?createdGte=${encodeURIComponent(pivot)}`, fresh.testKey);
    const older = await exportCsv(`?createdLte=${encodeURIComponent(pivot)}`, fresh.testKey);
    expect(newer.records.slice(1).every((row) => (row[6] ?? '') >= pivot)).toBe(true);
    expect(older.records.slice(1).every((row) => (row[6] ?? '') <= pivot)).toBe(true);
    expect(newer.records.length + older.records.length - 2).toBeGreaterThanOrEqual(all.length);
  });

  it('refuses what the list would refuse, in the envelope', async () => {
    const unknown = await http(server, 'GET', '/v1/customers/export.csv?limit=5', {
      key: fresh.testKey,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'limit' });
    const bad = await http(server, 'GET', '/v1/customers/export.csv?createdGte=yesterday', {
      key: fresh.testKey,
    });
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'createdGte' });
  });

  it('escapes cells a spreadsheet would run as formulas', async () => {
    const other = await newAccount('Formulas');
    const csv = [
      'name,email,description,metadata.note',
      `=SUM(1),${email('f')},+cmd,@x`,
      `-2+3,${email('f')},"=HYPERLINK(""http://x"")",plain`,
    ].join('\n');
    expect((await importCsv(csv, '', other.testKey)).body.created).toBe(2);
    const { text, records } = await exportCsv('', other.testKey);
    const byName = new Map(records.slice(1).map((row) => [row[1], row]));
    expect(byName.get("'=SUM(1)")?.[4]).toBe("'+cmd");
    expect(byName.get("'-2+3")?.[4]).toBe('\'=HYPERLINK("http://x")');
    expect(JSON.parse(byName.get("'=SUM(1)")?.[5] ?? '')).toEqual({ note: '@x' });
    expect(text).not.toMatch(/(^|,)[=+\-@]/m);
  });
});
