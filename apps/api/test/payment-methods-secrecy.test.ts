import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import {
  engine,
  http,
  openIsolatedDatabase,
  startLoggedServer,
  trpcClient,
  uniqueEmail,
} from './harness.js';
import type { IsolatedStore } from './processes.js';

/**
 * The number and CVC of a card never rest anywhere (SPEC §6): cards go in through REST and tRPC,
 * with Idempotency-Keys (replayed, and reused with another card), valid and refused (a bad CVC,
 * an expired card, a mistyped number, a declined attach), then the whole database and the
 * server's log at `trace` are searched for every number (however grouped) and every CVC. The
 * server runs on a database of its own, so what is searched is exactly what these requests left.
 */
const THIS_YEAR = new Date().getUTCFullYear();

interface SentCard {
  /** As sent: grouped as a person might type it. */
  number: string;
  cvc: string;
  expYear?: number;
}

// Each CVC is distinct, and none is a number these requests use for anything else.
const CARDS = {
  visaRest: { number: '4242 4242 4242 4242', cvc: '847' },
  mastercardTrpc: { number: '5555-5555-5555-4444', cvc: '591' },
  amexBatch: { number: '3782 822463 10005', cvc: '7394' },
  discoverClient: { number: '6011111111111117', cvc: '472' },
  jcbBadCvc: { number: '3566 0020 2036 0505', cvc: '5831' },
  dinersExpired: { number: '3056930009020004', cvc: '619', expYear: THIS_YEAR - 1 },
  mistyped: { number: '4242424242424241', cvc: '703' },
  declines: { number: '4000000000000002', cvc: '936' },
  noFunds: { number: '4000 0000 0000 9995', cvc: '258' },
  declinesCharges: { number: '4000000000000341', cvc: '364' },
  unionpayReused: { number: '6200000000000005', cvc: '175' },
} satisfies Record<string, SentCard>;
/** Sent as the name of a field, where no card belongs. */
const NUMBER_AS_FIELD_NAME = '4111111111111111';

const cardOf = ({ number, cvc, expYear }: SentCard) => ({
  number,
  cvc,
  expMonth: 11,
  expYear: expYear ?? THIS_YEAR + 4,
});

let store: IsolatedStore;
let database: DatabaseHandle;
let server: Awaited<ReturnType<typeof startLoggedServer>>;
let key: string;

beforeAll(async () => {
  ({ store, database } = await openIsolatedDatabase());
  key = (await createAccountWithKeys(database.db, 'Card merchant')).testKey.secret;
  server = await startLoggedServer(database);
  await sendCards();
  await server.close();
});
afterAll(async () => {
  await server.close();
  await database.close().catch(() => undefined);
  await store.cleanup();
});

/** Every way a card reaches the server, answered as expected (so the search means something). */
async function sendCards() {
  const restCreate = (body: unknown, idempotencyKey?: string) =>
    http(server, 'POST', '/v1/payment_methods', {
      key,
      body,
      headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    });
  const trpcCreate = (body: unknown, idempotencyKey: string, batch = false) =>
    http(server, 'POST', `/trpc/paymentMethods.create${batch ? '?batch=1' : ''}`, {
      key,
      body: batch ? { 0: body } : body,
      headers: { 'idempotency-key': idempotencyKey },
    });
  const customerRes = await http(server, 'POST', '/v1/customers', {
    key,
    body: { name: 'Card Holder', email: uniqueEmail('secrecy') },
  });
  const customer = customerRes.body.id as string;

  const visa = { type: 'card', card: cardOf(CARDS.visaRest), customer };
  const first = await restCreate(visa, 'visa-rest');
  expect(first.status, first.text).toBe(200);
  const replay = await restCreate(visa, 'visa-rest');
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  const reused = await restCreate(
    { type: 'card', card: cardOf(CARDS.unionpayReused) },
    'visa-rest',
  );
  expect(reused.body.error.code).toBe('idempotency_key_reused');

  const mastercard = { type: 'card', card: cardOf(CARDS.mastercardTrpc), customer };
  expect((await trpcCreate(mastercard, 'mastercard-trpc')).status).toBe(200);
  expect((await trpcCreate(mastercard, 'mastercard-trpc')).headers.get('idempotent-replayed')).toBe(
    'true',
  );
  const amex = { type: 'card', card: cardOf(CARDS.amexBatch), customer };
  const batch = await trpcCreate(amex, 'amex-batch', true);
  expect(batch.status, batch.text).toBe(200);
  const client = trpcClient(server, key);
  const discover = await client.paymentMethods.create.mutate({
    type: 'card',
    card: cardOf(CARDS.discoverClient),
  });

  const refusals = [
    [CARDS.jcbBadCvc, 'cvc_invalid'],
    [CARDS.dinersExpired, 'card_expired'],
    [CARDS.mistyped, 'card_number_invalid'],
  ] as const;
  for (const [card, code] of refusals) {
    const body = { type: 'card', card: cardOf(card) };
    for (const res of [
      await restCreate(body, `rest-${code}`),
      await restCreate(body, `rest-${code}`),
      await trpcCreate(body, `trpc-${code}`),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.error.data?.code ?? res.body.error.code).toBe(code);
    }
  }
  for (const [card, code] of [
    [CARDS.declines, 'card_declined'],
    [CARDS.noFunds, 'insufficient_funds'],
  ] as const) {
    const refused = await restCreate({ type: 'card', card: cardOf(card), customer }, code);
    expect(refused.body.error.code).toBe(code);
    const unattached = await restCreate({ type: 'card', card: cardOf(card) });
    const charge = await http(server, 'POST', '/v1/payments', {
      key,
      body: { amount: 1500, currency: 'usd', paymentMethod: unattached.body.id },
    });
    expect(charge.body.failureCode).toBe(code);
  }
  const declinesCharges = await restCreate(
    { type: 'card', card: cardOf(CARDS.declinesCharges), customer },
    'declines-charges',
  );
  const named = await restCreate(
    { type: 'card', card: { ...cardOf(CARDS.visaRest), [NUMBER_AS_FIELD_NAME]: 'x' } },
    'number-as-field-name',
  );
  expect(named.body.error.code).toBe('parameter_unknown');

  for (const paymentMethod of [first.body.id, declinesCharges.body.id]) {
    await http(server, 'POST', '/v1/payments', {
      key,
      body: { amount: 2000, currency: 'usd', customer, paymentMethod },
      headers: { 'idempotency-key': `pay-${paymentMethod}` },
    });
  }
  await http(server, 'PUT', `/v1/customers/${customer}`, {
    key,
    body: { defaultPaymentMethod: first.body.id },
  });
  await http(server, 'GET', `/v1/customers/${customer}/payment_methods`, { key });
  await http(server, 'POST', `/v1/payment_methods/${discover.id}/attach`, {
    key,
    body: { customer },
  });
  await http(server, 'POST', `/v1/payment_methods/${first.body.id}/detach`, { key });
}

const ALLOWED_AROUND = String.raw`\s"'\`,;()\[\]{}<>|`;

/** What gives a card away: each number with any grouping, and each CVC as a value of its own. */
function leaksIn(text: string): string[] {
  const found: string[] = [];
  const numbers = [...Object.values(CARDS).map((card) => card.number), NUMBER_AS_FIELD_NAME];
  for (const number of numbers) {
    const digits = number.replace(/\D/g, '');
    if (new RegExp(digits.split('').join(String.raw`[\s-]*`)).test(text)) found.push(number);
  }
  for (const { cvc } of Object.values(CARDS)) {
    const token = new RegExp(`(?<=^|[${ALLOWED_AROUND}])${cvc}(?=$|[${ALLOWED_AROUND}])`);
    if (token.test(text)) found.push(`CVC ${cvc}`);
  }
  return found;
}

describe('card numbers and CVCs at rest', () => {
  it('the search finds a card where one is written, so it can fail', () => {
    expect(leaksIn(`{"number":"4242-4242-4242-4242"}`)).toEqual(['4242 4242 4242 4242']);
    expect(leaksIn(`x\t378282246310005\ty`)).toEqual(['3782 822463 10005']);
    expect(leaksIn(`{"cvc":"7394"}`)).toEqual(['CVC 7394']);
    expect(leaksIn(`847\n`)).toEqual(['CVC 847']);
    // Not a CVC: part of an id, a time, a base64 secret or a longer number.
    expect(leaksIn(`pm_Ab847Z 12:30:01.847 ab/847+c= 18470 1.847`)).toEqual([]);
  });

  it('are nowhere in the server’s log at trace level', () => {
    expect(server.log.level).toBe('trace');
    const log = server.lines.join('');
    expect(server.lines.length).toBeGreaterThan(40);
    expect(log).toContain('/v1/payment_methods');
    expect(leaksIn(log)).toEqual([]);
  });

  it.runIf(engine === 'postgres')(
    'are nowhere in pg_dump of the whole database (schema and data)',
    async () => {
      const url = store.env.DATABASE_URL ?? '';
      const { stdout: dump } = await promisify(execFile)('pg_dump', ['--dbname', url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(dump).toContain('COPY public.payment_methods');
      expect(dump).toContain('COPY public.idempotency_keys');
      expect(dump).toMatch(/\t4444\t/); // the mastercard's last4, kept as it may be
      expect(leaksIn(dump)).toEqual([]);
    },
  );

  // pg_dump needs a PostgreSQL server; the embedded database is searched table by table instead,
  // then file by file (heap, WAL and all) once it is closed.
  it.runIf(engine === 'pglite')(
    'are nowhere in any table of the embedded database, nor in its files',
    async () => {
      const tables = rowsOf<{ schema: string; name: string }>(
        await database.db.execute(sql`select table_schema as schema, table_name as name
          from information_schema.tables
          where table_schema not in ('pg_catalog', 'information_schema')`),
      );
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(['payment_methods', 'idempotency_keys', 'server_secrets']),
      );
      let dump = '';
      for (const { schema, name } of tables) {
        const rows = rowsOf<{ row: string }>(
          await database.db.execute(
            sql`select t::text as row from ${sql.identifier(schema)}.${sql.identifier(name)} t`,
          ),
        );
        dump += `${schema}.${name}\n${rows.map((r) => r.row).join('\n')}\n`;
      }
      expect(dump).toContain('4444');
      expect(leaksIn(dump)).toEqual([]);

      await database.close();
      const files = filesUnder(store.env.DATA_DIR ?? '');
      expect(files.length).toBeGreaterThan(100);
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1');
        expect(
          leaksIn(bytes).filter((leak) => !leak.startsWith('CVC')),
          file,
        ).toEqual([]);
      }
    },
  );
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
