import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../src/db/client.js';
import { BILLING_ORIGIN, recordEvents, type Change } from '../src/events/outbox.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { runLoad, type LoadResult } from './load.js';
import { percentile, withScratchDatabase } from './scratch.js';
import { startProcess, type RunningServer } from './servers.js';

/**
 * Events and webhooks in `pnpm bench`, on a small database of their own (created and dropped
 * here):
 * - what the transactional outbox costs POST /v1/customers: the real server against the same
 *   server with the outbox switched off (bench/api-without-events.ts), alternating rounds in one
 *   run, then with one subscribed endpoint (the event row plus its delivery row);
 * - delivery: a backlog of events drained to a local receiver by one server (events/s), then
 *   customers created at a steady rate, each event's time from its commit to its arrival.
 */
const DATABASE = 'peasswap_bench_webhooks';
const BACKLOG = 5_000;
const STEADY_RATE = 100;
const STEADY_SECONDS = 10;

export interface OutboxRound {
  label: 'without outbox' | 'with outbox' | 'with outbox + 1 endpoint';
  result: LoadResult;
}

export interface WebhooksBenchReport {
  outbox: OutboxRound[];
  /** Mean requests/s of each variant over its rounds. */
  outboxSummary: { label: OutboxRound['label']; requestsPerSecond: number; p50: number }[];
  delivery: {
    backlog: number;
    seconds: number;
    eventsPerSecond: number;
    steady: { events: number; perSecond: number; p50Ms: number; p99Ms: number; maxMs: number };
  };
}

interface Receiver {
  url: string;
  /** Arrival time (ms) of the first delivery of each event id. */
  arrivals: Map<string, { arrivedAt: number; createdAt: number }>;
  deliveries: number;
  close(): Promise<void>;
}

/** A webhook receiver on loopback: answers 200 at once, notes when each event first arrived. */
async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, { arrivedAt: number; createdAt: number }>();
  let deliveries = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrivedAt = Date.now();
      deliveries += 1;
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id: string;
        createdAt: string;
      };
      if (!arrivals.has(event.id)) {
        arrivals.set(event.id, { arrivedAt, createdAt: Date.parse(event.createdAt) });
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    arrivals,
    get deliveries() {
      return deliveries;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export async function runWebhooksBench(options: {
  adminUrl: string;
  duration: number;
  warmup: number;
  connections: number;
  log: (line: string) => void;
}): Promise<WebhooksBenchReport> {
  return withScratchDatabase(options.adminUrl, DATABASE, (databaseUrl) =>
    measureWebhooks(databaseUrl, options),
  );
}

async function measureWebhooks(
  databaseUrl: string,
  options: { duration: number; warmup: number; connections: number; log: (line: string) => void },
): Promise<WebhooksBenchReport> {
  const { log } = options;

  const handle = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 2 });
  const servers: RunningServer[] = [];
  const receiver = await startReceiver();
  try {
    await handle.migrate();
    const { account, testKey } = await createAccountWithKeys(handle.db, 'Webhooks bench');
    const scope = { accountId: account.id, livemode: false };
    const headers = {
      authorization: `Bearer ${testKey.secret}`,
      'content-type': 'application/json',
    };
    const serverEnv = {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000000',
      RATE_LIMIT_BURST: '1000000000',
      BILLING_INTERVAL_SECONDS: '0',
      HOUSEKEEPING_INTERVAL_SECONDS: '0',
      WEBHOOK_INTERVAL_SECONDS: '0',
    };
    const withEvents = await startProcess('api', 'src/main.ts', serverEnv, '/readyz');
    servers.push(withEvents);
    const withoutEvents = await startProcess(
      'api without events',
      'bench/api-without-events.ts',
      serverEnv,
      '/readyz',
    );
    servers.push(withoutEvents);

    // 1. What the outbox costs a create.
    let created = 0;
    const createCustomer = () => {
      created += 1;
      return {
        method: 'POST' as const,
        path: '/v1/customers',
        body: JSON.stringify({
          name: `Webhook Bench ${created}`,
          email: `webhook.bench.${created}@example.com`,
        }),
      };
    };
    const load = async (server: RunningServer, seconds: number) =>
      runLoad({
        url: server.url,
        connections: options.connections,
        seconds,
        headers,
        next: createCustomer,
      });
    const rounds: OutboxRound[] = [];
    const measure = async (label: OutboxRound['label'], server: RunningServer) => {
      await load(server, options.warmup);
      const result = await load(server, options.duration);
      rounds.push({ label, result });
      log(`outbox: ${label}: ${Math.round(result.requestsPerSecond)} requests/s`);
    };
    for (let round = 0; round < 2; round += 1) {
      await measure('without outbox', withoutEvents);
      await measure('with outbox', withEvents);
    }
    // The endpoint answers nothing: no server here delivers (WEBHOOK_INTERVAL_SECONDS=0).
    const parked = await fetch(`${withEvents.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: 'http://127.0.0.1:9/parked', enabledEvents: ['*'] }),
    });
    const parkedEndpoint = (await parked.json()) as { id: string };
    if (!parked.ok) throw new Error(`creating the parked endpoint failed: ${parked.status}`);
    for (let round = 0; round < 2; round += 1) {
      await measure('with outbox + 1 endpoint', withEvents);
    }
    await fetch(`${withEvents.url}/v1/webhook_endpoints/${parkedEndpoint.id}`, {
      method: 'DELETE',
      headers,
    });
    const labels = ['without outbox', 'with outbox', 'with outbox + 1 endpoint'] as const;
    const outboxSummary = labels.map((label) => {
      const mine = rounds.filter((round) => round.label === label);
      const mean = (pick: (r: LoadResult) => number) =>
        mine.reduce((sum, round) => sum + pick(round.result), 0) / mine.length;
      return {
        label,
        requestsPerSecond: mean((r) => r.requestsPerSecond),
        p50: mean((r) => r.p50),
      };
    });
    await withoutEvents.stop();

    // 2. Delivery: a backlog queued while no worker runs, drained by one server.
    const endpoint = await fetch(`${withEvents.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: receiver.url, enabledEvents: ['customer.created'] }),
    });
    if (!endpoint.ok) throw new Error(`creating the endpoint failed: ${endpoint.status}`);
    for (let queued = 0; queued < BACKLOG; queued += 500) {
      const changes: Change[] = Array.from({ length: 500 }, (_, i) => {
        const id = `cus_backlog${String(queued + i).padStart(13, '0')}`;
        return {
          type: 'customer.created',
          object: { id, object: 'customer', name: `Backlog ${queued + i}` },
          customerId: id,
        };
      });
      await recordEvents(handle.db, scope, BILLING_ORIGIN, changes);
    }
    log(`delivery: ${BACKLOG} events queued`);
    const drainStarted = performance.now();
    const deliverer = await startProcess(
      'deliverer',
      'src/main.ts',
      { ...serverEnv, WEBHOOK_INTERVAL_SECONDS: '1' },
      '/readyz',
    );
    servers.push(deliverer);
    await waitUntil(() => receiver.arrivals.size >= BACKLOG, 300_000, 'the backlog');
    const seconds = (performance.now() - drainStarted) / 1000;
    log(`delivery: backlog drained in ${seconds.toFixed(1)} s (including the server's start)`);

    // 3. Steady state: creates at a fixed rate through the delivering server.
    const before = new Set(receiver.arrivals.keys());
    const steadyIds: string[] = [];
    const interval = 1000 / STEADY_RATE;
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < STEADY_RATE * STEADY_SECONDS; i += 1) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const request = createCustomer();
      pending.push(
        fetch(`${deliverer.url}${request.path}`, {
          method: 'POST',
          headers,
          body: request.body,
        }).then(async (response) => {
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`a steady create failed: ${response.status}`);
        }),
      );
    }
    await Promise.all(pending);
    await waitUntil(
      () => receiver.arrivals.size >= before.size + STEADY_RATE * STEADY_SECONDS,
      120_000,
      'the steady events',
    );
    const latencies: number[] = [];
    for (const [id, arrival] of receiver.arrivals) {
      if (before.has(id)) continue;
      steadyIds.push(id);
      latencies.push(arrival.arrivedAt - arrival.createdAt);
    }
    latencies.sort((a, b) => a - b);
    const steady = {
      events: steadyIds.length,
      perSecond: STEADY_RATE,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
    };
    log(`delivery: steady ${STEADY_RATE}/s: commit to arrival p50 ${steady.p50Ms} ms`);
    return {
      outbox: rounds,
      outboxSummary,
      delivery: { backlog: BACKLOG, seconds, eventsPerSecond: BACKLOG / seconds, steady },
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await receiver.close();
    await handle.close();
  }
}
