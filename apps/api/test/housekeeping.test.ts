import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { events, idempotencyKeys, sessions, signInAttempts } from '../src/db/schema/index.js';
import { runHousekeeping } from '../src/housekeeping.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { createUser } from '../src/queries/users.js';
import { buildServer } from '../src/server.js';
import { isolatedStore, runCli, type IsolatedStore } from './processes.js';

/**
 * Expired idempotency keys, ended sessions, forgotten sign-in failures and events past their 30
 * days are purged, by the
 * server on an interval and by `pnpm cli housekeeping`, and nothing still in use goes with them.
 * A database of its own, so the counts are exactly this file's rows.
 */
let store: IsolatedStore;
let database: DatabaseHandle;
let accountId: string;
let userId: string;

const open = async () => {
  database = await openDatabase({
    databaseUrl: store.env.DATABASE_URL,
    dataDir: store.env.DATA_DIR ?? 'memory://',
  });
};

beforeAll(async () => {
  store = await isolatedStore();
  await open();
  await database.migrate();
  accountId = (await createAccountWithKeys(database.db, 'Tidy merchant')).account.id;
  userId = (
    await createUser(database.db, {
      accountId,
      email: 'tidy@example.com',
      password: 'correct horse battery staple',
      role: 'owner',
    })
  ).id;
});
afterAll(async () => {
  await database.close();
  await store.cleanup();
});

const ago = (interval: string) => sql`now() - ${interval}::interval`;
const ahead = (interval: string) => sql`now() + ${interval}::interval`;

/** One row of each kind that has outlived its use, and live ones beside it; names tell them apart. */
async function insertRows(label: string) {
  const { db } = database;
  const answer = { requestHash: 'h', responseStatus: 200, responseBody: '{}' };
  await db.insert(idempotencyKeys).values([
    { accountId, livemode: false, key: `${label}-expired`, ...answer, createdAt: ago('25 hours') },
    { accountId, livemode: false, key: `${label}-live`, ...answer, createdAt: ago('23 hours') },
    { accountId, livemode: true, key: `${label}-new`, ...answer },
  ]);
  const session = (name: string, expiresAt: SQL) => ({
    id: `${label}-${name}`,
    accountId,
    userId,
    tokenHash: `${label}-${name}-hash`,
    expiresAt,
  });
  await db
    .insert(sessions)
    .values([session('ended', ago('1 minute')), session('open', ahead('1 hour'))]);
  await db.insert(signInAttempts).values([
    { emailIdentity: `${label}-forgotten@example.com`, failures: 3, lastFailedAt: ago('2 hours') },
    {
      emailIdentity: `${label}-locked@example.com`,
      failures: 9,
      lastFailedAt: ago('2 hours'),
      lockedUntil: ahead('5 minutes'),
    },
    { emailIdentity: `${label}-recent@example.com`, failures: 2, lastFailedAt: ago('5 minutes') },
  ]);
  const event = (name: string, createdAt: SQL) => ({
    id: `${label}-${name}`,
    accountId,
    livemode: false,
    type: 'customer.created',
    customerId: null,
    data: { object: { id: `cus_${label}` } },
    createdAt,
  });
  await db
    .insert(events)
    .values([event('event-old', ago('30 days 1 minute')), event('event-kept', ago('29 days'))]);
}

async function remainingRows() {
  const { db } = database;
  const keys = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys);
  const open = await db.select({ id: sessions.id }).from(sessions);
  const attempts = await db.select({ email: signInAttempts.emailIdentity }).from(signInAttempts);
  const kept = await db.select({ id: events.id }).from(events);
  return {
    keys: keys.map((row) => row.key).sort(),
    sessions: open.map((row) => row.id).sort(),
    attempts: attempts.map((row) => row.email).sort(),
    events: kept.map((row) => row.id).sort(),
  };
}

const kept = (label: string) => ({
  keys: [`${label}-live`, `${label}-new`],
  sessions: [`${label}-open`],
  attempts: [`${label}-locked@example.com`, `${label}-recent@example.com`],
  events: [`${label}-event-kept`],
});

describe('housekeeping', () => {
  it('deletes exactly the expired rows and keeps the live ones', async () => {
    await insertRows('a');
    expect(await runHousekeeping(database.db)).toEqual({
      idempotencyKeys: 1,
      sessions: 1,
      signInAttempts: 1,
      events: 1,
    });
    expect(await remainingRows()).toEqual(kept('a'));
    expect(await runHousekeeping(database.db)).toEqual({
      idempotencyKeys: 0,
      sessions: 0,
      signInAttempts: 0,
      events: 0,
    });
  });

  it('runs in the server on its interval and stops when the server closes', async () => {
    let app: FastifyInstance | undefined = await buildServer({
      database,
      logLevel: 'silent',
      housekeeping: { intervalSeconds: 0.1 },
    });
    try {
      await app.ready();
      await insertRows('b');
      const deadline = Date.now() + 5000;
      let rows = await remainingRows();
      // Events are the last purge of a run: once they are gone, the whole run is done.
      while (rows.events.includes('b-event-old') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await remainingRows();
      }
      const wanted = kept('b');
      expect(rows.keys.filter((key) => key.startsWith('b-'))).toEqual(wanted.keys);
      expect(rows.sessions.filter((id) => id.startsWith('b-'))).toEqual(wanted.sessions);
      expect(rows.attempts.filter((email) => email.startsWith('b-'))).toEqual(wanted.attempts);
      expect(rows.events.filter((id) => id.startsWith('b-'))).toEqual(wanted.events);
      const closing = Date.now();
      await app.close();
      app = undefined;
      expect(Date.now() - closing).toBeLessThan(2000);
    } finally {
      await app?.close();
    }
  });

  it('runs from the CLI', async () => {
    await runHousekeeping(database.db);
    await insertRows('c');
    // PGlite opens a folder in one process at a time: the CLI's turn.
    await database.close();
    const res = await runCli(['housekeeping', '--json'], store.env);
    await open();
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      object: 'housekeeping',
      removed: { idempotencyKeys: 1, sessions: 1, signInAttempts: 1, events: 1 },
    });
    const rows = await remainingRows();
    expect(rows.sessions.filter((id) => id.startsWith('c-'))).toEqual(kept('c').sessions);
  });
});
