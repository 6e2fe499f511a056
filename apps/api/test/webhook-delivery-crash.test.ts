import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { buildServer } from '../src/server.js';
import { http, openStore, uniqueEmail, type TestServer } from './harness.js';
import { exitOf, isolatedStore, startServerProcess } from './processes.js';
import { startReceiver } from './webhook-receivers.js';

/**
 * At least once, under the worst a machine can do: a server delivering 200 events is killed with
 * SIGKILL while deliveries are in flight (the receiver holds their answers), then a new server
 * opens the same database. Every event must reach the receiver (twice is allowed, never zero
 * times) and every delivery must end succeeded. On both engines: PGlite in a data folder, which
 * the killed process had open, and PostgreSQL.
 */
const EVENTS = 200;
/** Answered at once; the receiver holds every answer after these until the server is dead. */
const ANSWERED_BEFORE_HOLDING = 60;
/** The server's concurrency: held this many, its every delivery slot is stuck mid-request. */
const IN_FLIGHT = 10;
/** The killed server's leases, shortened so its deliveries are free again within seconds. */
const LEASE_MS = 3_000;

async function count(database: DatabaseHandle, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await database.db.execute(query));
  return Number(row?.n ?? 0);
}

async function until(what: string, check: () => boolean | Promise<boolean>, context = () => '') {
  const deadline = Date.now() + 90_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook delivery and kill -9', () => {
  it('delivers every event at least once after the delivering server is killed mid-delivery', async () => {
    const store = await isolatedStore();
    let holding = true;
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_request, response) => {
      if (holding && receiver.requests.length > ANSWERED_BEFORE_HOLDING) held.push(response);
      else response.end('ok');
    });
    let child: ReturnType<typeof startServerProcess> | undefined;
    let database: DatabaseHandle | undefined;
    let after: Awaited<ReturnType<typeof buildServer>> | undefined;
    try {
      // First a server that does not deliver: an endpoint and 200 changes through its API, so
      // all 200 deliveries are queued when the delivering server starts.
      const setup = await openStore(store);
      await setup.migrate();
      const { testKey } = await createAccountWithKeys(setup.db, 'Crash webhooks merchant');
      const queueing = await buildServer({ database: setup, logLevel: 'silent' });
      await queueing.listen({ port: 0, host: '127.0.0.1' });
      const api = { url: `http://127.0.0.1:${(queueing.server.address() as AddressInfo).port}` };
      const endpoint = await http(api as TestServer, 'POST', '/v1/webhook_endpoints', {
        key: testKey.secret,
        body: { url: receiver.url, enabledEvents: ['customer.created'] },
      });
      expect(endpoint.status, endpoint.text).toBe(200);
      for (let i = 0; i < EVENTS; i += 1) {
        const created = await http(api as TestServer, 'POST', '/v1/customers', {
          key: testKey.secret,
          body: { name: `Crash ${i}`, email: uniqueEmail('crash') },
        });
        expect(created.status, created.text).toBe(200);
      }
      await queueing.close();
      await setup.close();

      // The delivering server, killed once its every delivery slot is waiting on the receiver.
      child = startServerProcess(store.env, ['test/fixtures/webhook-server.ts', String(LEASE_MS)]);
      await firstLine(child);
      await until(
        `${IN_FLIGHT} deliveries in flight`,
        () => held.length >= IN_FLIGHT,
        () => `(${receiver.requests.length} received) ${child?.output() ?? ''}`,
      );

      child.kill('SIGKILL');
      await exitOf(child);
      expect(child.signalCode).toBe('SIGKILL');
      const receivedBeforeKill = receiver.requests.length;
      holding = false;
      for (const response of held) response.end('too late');

      // A new server on the same database finishes the work, the dead one's claims included.
      database = await openStore(store);
      const started = performance.now();
      after = await buildServer({ database, logLevel: 'silent', webhooks: { intervalSeconds: 1 } });
      await after.listen({ port: 0, host: '127.0.0.1' });
      const handle = database;
      await until(
        'every delivery to end',
        async () =>
          (await count(
            handle,
            sql`select count(*) as n from webhook_deliveries where status = 'pending'`,
          )) === 0,
      );
      const seconds = (performance.now() - started) / 1000;

      const eventIds = rowsOf<{ id: string }>(
        await database.db.execute(sql`select id from events where type = 'customer.created'`),
      ).map((row) => row.id);
      expect(eventIds).toHaveLength(EVENTS);
      const received = receiver.requests.map((request) => request.headers['webhook-id']);
      const missing = eventIds.filter((id) => !received.includes(id));
      expect(missing).toEqual([]);
      expect(
        await count(
          database,
          sql`select count(*) as n from webhook_deliveries where status <> 'succeeded'`,
        ),
      ).toBe(0);
      expect(await count(database, sql`select count(*) as n from webhook_deliveries`)).toBe(EVENTS);
      // Each delivery's log ends in exactly one success.
      expect(
        await count(
          database,
          sql`select count(*) as n from webhook_delivery_attempts where succeeded`,
        ),
      ).toBe(EVENTS);

      process.stdout.write(
        `webhooks kill -9 (${database.engine}): ${receivedBeforeKill} requests before the kill, ` +
          `${held.length} in flight; ${receiver.requests.length - receivedBeforeKill} after, in ` +
          `${seconds.toFixed(1)} s (lease ${LEASE_MS} ms); ` +
          `${received.length - new Set(received).size} duplicates, 0 missing\n`,
      );
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exitOf(child);
      }
      await after?.close();
      await database?.close();
      await receiver.close();
      await store.cleanup();
    }
  }, 240_000);
});

function firstLine(child: ReturnType<typeof startServerProcess>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL: ${child.output()}`)), 60_000);
    const look = () => {
      const line = /^(http:\/\/\S+)$/m.exec(child.output());
      if (line?.[1]) {
        clearTimeout(timer);
        resolve(line[1]);
      }
    };
    child.stdout?.on('data', look);
  });
}
