import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { http, openIsolatedDatabase, startLoggedServer } from './harness.js';
import { isolatedStore, runCli, type IsolatedStore } from './processes.js';

/**
 * Logs hold no personal data at any level: a request carrying a customer's details that fails in
 * the database is logged with its request id and SQLSTATE, and nothing the caller sent. The server
 * runs on a database of its own, where a trigger refuses the probe's inserts with a message that
 * quotes the email (as a driver's message may), so the failure is a real one from the database.
 */
const PERSON = {
  name: 'Probe Augusta Byronesque',
  email: 'augusta.byronesque@example.com',
  phone: '+44 20 7946 0958',
};
const PHONE_DIGITS = '2079460958';
const CARD = '4242424242424242';
const COOKIE_TOKEN = 'cookie-token-that-must-not-be-logged';
const MADE_UP_KEY = 'sk_test_madeUpKeyThatMustNotBeLogged0000';

let store: IsolatedStore;
let database: DatabaseHandle;
let server: Awaited<ReturnType<typeof startLoggedServer>>;
let key: string;

beforeAll(async () => {
  ({ store, database } = await openIsolatedDatabase());
  await database.db.execute(
    sql.raw(`create function refuse_probe() returns trigger language plpgsql as $$
      begin
        raise exception 'refusing %', new.email using errcode = 'P0001', detail = new.name;
      end $$`),
  );
  await database.db.execute(
    sql.raw(`create trigger refuse_probe before insert on customers for each row
      when (new.name like 'Probe%') execute function refuse_probe()`),
  );
  key = (await createAccountWithKeys(database.db, 'Logged merchant')).testKey.secret;
  server = await startLoggedServer(database);
});
afterAll(async () => {
  await server.close();
  await database.close();
  await store.cleanup();
});

const logged = () => server.lines.join('');
const entries = () => server.lines.map((line) => JSON.parse(line) as Record<string, any>);

/** Everything a caller sent that identifies a person, a key or a card. */
function expectNothingPersonal(text: string) {
  const lower = text.toLowerCase();
  expect(lower).not.toContain(PERSON.email);
  expect(lower).not.toContain('augusta');
  expect(lower).not.toContain('byronesque');
  expect(text).not.toContain(PHONE_DIGITS);
  expect(text).not.toContain('7946 0958');
  expect(text).not.toContain(CARD);
  expect(text).not.toContain(key);
  expect(text).not.toContain(key.slice(8));
  expect(text).not.toContain(MADE_UP_KEY.slice(8));
  expect(text).not.toContain(COOKIE_TOKEN);
}

describe('logs', () => {
  it('log a 500 from the database with its request id and SQLSTATE, and none of the request', async () => {
    const rest = await http(server, 'POST', '/v1/customers', {
      key,
      body: PERSON,
      headers: { 'idempotency-key': `create ${PERSON.email}` },
    });
    const trpc = await http(server, 'POST', '/trpc/customers.create', { key, body: PERSON });
    expectNothingPersonal(logged());
    for (const res of [rest, trpc]) {
      expect(res.status).toBe(500);
      const requestId = res.headers.get('request-id');
      const failure = entries().find(
        (entry) => entry.level === 50 && entry.reqId === requestId && entry.err,
      );
      expect(failure, `an error line for ${requestId}`).toBeDefined();
      expect(failure?.err.sqlState).toBe('P0001');
      expect(failure?.err.stack).toMatch(/^\s+at /);
      // Drizzle's error, somewhere down the chain of causes: its SQL text, not its values.
      const chain = [];
      for (let err = failure?.err; err; err = err.cause) chain.push(err);
      const drizzle = chain.find((err) => err.type === 'DrizzleQueryError');
      expect(drizzle?.query).toMatch(/^\s*with written as \(insert into "customers"/);
    }
  });

  it('log no query string values, bodies, path values, keys or cookies at any level', async () => {
    const email = encodeURIComponent(PERSON.email);
    await http(server, 'GET', `/v1/customers?email=${email}&query=${PHONE_DIGITS}`, { key });
    const input = encodeURIComponent(JSON.stringify({ email: PERSON.email }));
    await http(server, 'GET', `/trpc/customers.list?input=${input}`, { key });
    await http(server, 'GET', `/v1/customers/${CARD}`, { key });
    await http(server, 'GET', `/v1/customers/${email}`, { key });
    const card = await http(server, 'POST', '/v1/customers', {
      key,
      body: { name: 'Card Holder', email: 'holder@example.com', metadata: { note: CARD } },
    });
    expect(card.status).toBe(400);
    const broken = await http(server, 'POST', '/v1/customers', {
      key,
      rawBody: `{"email": "${PERSON.email}", "card": "${CARD}"`,
    });
    expect(broken.status).toBe(400);
    expect((await http(server, 'GET', '/v1/customers', { key: MADE_UP_KEY })).status).toBe(401);
    await http(server, 'GET', '/trpc/session.me', {
      headers: { cookie: `peasswap_session=${COOKIE_TOKEN}`, 'x-peasswap-client': 'dashboard' },
    });
    expect(entries().some((entry) => entry.msg === 'incoming request')).toBe(true);
    expectNothingPersonal(logged());
  });
});

describe('log calls', () => {
  it('never print an error message, however the error is handed to the logger', () => {
    // Shaped like a driver's error: values in the message and in enumerable fields.
    const leaky = () =>
      Object.assign(new Error(`could not save ${PERSON.email}`), {
        params: [PERSON.name, PERSON.phone],
        detail: `Key (email)=(${PERSON.email}) already exists.`,
      });
    server.log.error(leaky());
    server.log.error(leaky(), 'with a message of its own');
    server.log.warn({ err: leaky() });
    // Fastify's default error handler logs `({ err }, err.message)`.
    const error = leaky();
    server.log.error({ err: error }, error.message);
    server.log.info({ error: leaky(), cause: leaky() }, 'under other names');
    server.log.error({ err: `thrown text ${PERSON.email}` }, 'a thrown string');
    const text = logged();
    expectNothingPersonal(text);
    expect(text).toContain('with a message of its own');
    expect(text).toContain('under other names');
  });
});

describe('cli logs', () => {
  let cliStore: IsolatedStore;
  beforeAll(async () => {
    cliStore = await isolatedStore();
  });
  afterAll(() => cliStore.cleanup());

  it('report a failed command without the values it was given', async () => {
    const first = await runCli(['bootstrap', '--json'], cliStore.env);
    expect(first.code, first.stderr).toBe(0);
    const { accountId } = JSON.parse(first.stdout) as { accountId: string };
    const create = ['users', 'create', '--account', accountId, '--role', 'viewer'];
    const args = [...create, '--email', PERSON.email, '--password', `${CARD}-secret`];
    expect((await runCli(args, cliStore.env)).code).toBe(0);
    // The same email again: the database refuses it with a unique violation.
    const again = await runCli(args, cliStore.env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('23505');
    expectNothingPersonal(again.stderr);
  });
});
