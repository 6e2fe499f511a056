import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { createAccount, createApiKey } from '../src/queries/accounts.js';
import type { BenchDatabase } from './database.js';
import { runLoad, type LoadResult } from './load.js';
import { cpuSeconds, memoryMiB } from './proc.js';
import { buildScenarios } from './scenarios.js';
import { percentile } from './scratch.js';
import {
  startApi,
  startApiOnPglite,
  type ApiOptions,
  type RunningServer,
  type Runtime,
} from './servers.js';

/**
 * The production runtime (issue 12): the API as `pnpm dev` ran it (src/ through tsx) and as
 * `pnpm start` runs it (dist/ on plain Node), on PostgreSQL and on PGlite. For each: the time from
 * spawning the process to the first 200 on /readyz (median of several starts, after one unmeasured
 * start that creates PGlite's folder and fills tsx's cache), the resident memory once idle, and
 * after a load run of reads then creates (VmRSS now, VmHWM the peak).
 */
const RUNTIMES: Runtime[] = ['tsx', 'compiled'];
/** How long a started server is left alone before its idle memory is read. */
const IDLE_SECONDS = 3;
/** Customers POSTed to the PGlite database before its first measured start, for the GETs. */
const PGLITE_CUSTOMERS = 500;

export type Engine = 'postgres' | 'pglite';

export interface Memory {
  rss: number;
  hwm: number;
}

export interface RuntimeVariant {
  runtime: Runtime;
  engine: Engine;
  /** The unmeasured first start (PGlite: creates and migrates the folder). */
  firstStartMs: number;
  startsMs: number[];
  medianStartMs: number;
  /**
   * CPU the server used up to its first 200 (user + system, all its threads), median over the
   * starts: on a busy 2-core machine the wall time above mostly measures waiting for a core.
   */
  medianStartCpuMs: number;
  /** MiB, IDLE_SECONDS after each measured start: the median over the starts of each figure. */
  idle: Memory;
  /** MiB after the load runs, on the last start. */
  loaded: Memory;
  retrieve: LoadResult;
  create: LoadResult;
  /** 1-minute load average after the variant's load runs. */
  loadAverage: number;
}

export interface RuntimeBenchReport {
  starts: number;
  connections: number;
  variants: RuntimeVariant[];
}

interface EngineSetup {
  engine: Engine;
  start: (options: ApiOptions) => Promise<RunningServer>;
  headers: Record<string, string>;
  /** Customers to GET; for PGlite, made on the first start. */
  sample: (server: RunningServer) => Promise<{ id: string; email: string; name: string }[]>;
  cleanUp: () => Promise<void>;
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 0.5);

export async function runRuntimeBench(options: {
  database: BenchDatabase;
  starts: number;
  connections: number;
  duration: number;
  warmup: number;
  log: (line: string) => void;
}): Promise<RuntimeBenchReport> {
  const variants: RuntimeVariant[] = [];
  // One engine at a time, each set up only when its turn comes, so a failure leaves nothing behind.
  for (const prepare of [() => postgresSetup(options.database), pgliteSetup]) {
    const setup = await prepare();
    try {
      for (const runtime of RUNTIMES) {
        const variant = await measureVariant(setup, runtime, options);
        variants.push(variant);
        options.log(
          `runtime: ${runtime} on ${setup.engine}: ready in ${variant.medianStartMs.toFixed(0)} ms, ${variant.medianStartCpuMs.toFixed(0)} ms of CPU (medians of ${options.starts}), RSS idle ${variant.idle.rss} MiB, after load ${variant.loaded.rss} MiB (peak ${variant.loaded.hwm})`,
        );
      }
    } finally {
      await setup.cleanUp();
    }
  }
  return { starts: options.starts, connections: options.connections, variants };
}

async function measureVariant(
  setup: EngineSetup,
  runtime: Runtime,
  options: { starts: number; connections: number; duration: number; warmup: number },
): Promise<RuntimeVariant> {
  const name = `runtime-${runtime}-${setup.engine}`;
  const first = await setup.start({ name, runtime });
  const firstStartMs = first.readyMs;
  let sample: { id: string; email: string; name: string }[];
  try {
    sample = await setup.sample(first);
  } finally {
    await first.stop();
  }

  const starts: { ms: number; cpuMs: number; idle: Memory }[] = [];
  let server: RunningServer | null = null;
  try {
    for (let i = 0; i < options.starts; i += 1) {
      server = await setup.start({ name, runtime });
      const cpuMs = (cpuSeconds(server.pid ?? -1) ?? Number.NaN) * 1000;
      await sleep(IDLE_SECONDS);
      starts.push({ ms: server.readyMs, cpuMs, idle: memoryMiB(server.pid ?? -1) });
      if (i < options.starts - 1) await server.stop();
    }
    if (!server) throw new Error('runtime bench needs at least one start');
    const live = server;
    const scenarios = buildScenarios({
      runTag: Date.now().toString(36),
      sample,
      cursorId: '',
      commonFragment: '',
      heavyCustomerId: '',
      heavyCustomerPayments: 0,
    });
    const run = async (scenarioName: string) => {
      const scenario = scenarios.find((s) => s.name === scenarioName);
      if (!scenario) throw new Error(`no scenario ${scenarioName}`);
      const load = (seconds: number) =>
        runLoad({
          url: live.url,
          connections: options.connections,
          seconds,
          headers: setup.headers,
          next: scenario.requests(name),
        });
      if (options.warmup > 0) await load(options.warmup);
      return load(options.duration);
    };
    const retrieve = await run('retrieve');
    const create = await run('create');
    const loaded = memoryMiB(live.pid ?? -1);
    return {
      runtime,
      engine: setup.engine,
      firstStartMs,
      startsMs: starts.map((s) => s.ms),
      medianStartMs: median(starts.map((s) => s.ms)),
      medianStartCpuMs: median(starts.map((s) => s.cpuMs)),
      idle: {
        rss: median(starts.map((s) => s.idle.rss)),
        hwm: median(starts.map((s) => s.idle.hwm)),
      },
      loaded,
      retrieve,
      create,
      loadAverage: os.loadavg()[0] ?? Number.NaN,
    };
  } finally {
    await server?.stop();
  }
}

/** The API bench's database: its account, a new test key, customers sampled from the seed. */
async function postgresSetup(database: BenchDatabase): Promise<EngineSetup> {
  const scope = { accountId: database.state.accountId, livemode: false };
  const handle = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 1 });
  const key = await createApiKey(handle.db, { accountId: scope.accountId, environment: 'test' });
  await handle.close();
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  return {
    engine: 'postgres',
    start: (apiOptions) => startApi(database.url, apiOptions),
    headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
    sample: () => sql<{ id: string; email: string; name: string }[]>`
      select id, email, name from customers
      where account_id = ${scope.accountId} and livemode = false and deleted_at is null
      order by random() limit 1000`,
    cleanUp: async () => {
      // As the API bench: POSTed customers soft-deleted again, so lists stay the seeded ones.
      const deleted = await sql`
        update customers set deleted_at = now(), updated_at = now()
        where account_id = ${scope.accountId} and livemode = false and deleted_at is null
          and email like 'bench.%@example.com'`;
      if (deleted.count > 0) await sql`vacuum (analyze) customers`;
      await sql.end();
    },
  };
}

/**
 * A PGlite folder of its own, migrated and given an account and key here (one process at a time
 * opens it), then customers POSTed through the API's first start; removed at the end.
 */
async function pgliteSetup(): Promise<EngineSetup> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'peasswap-bench-runtime-'));
  const handle = await openDatabase({ dataDir });
  await handle.migrate();
  const account = await createAccount(handle.db, 'Runtime bench');
  const key = await createApiKey(handle.db, { accountId: account.id, environment: 'test' });
  await handle.close();
  const headers = { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' };
  let customers: { id: string; email: string; name: string }[] = [];
  return {
    engine: 'pglite',
    start: (apiOptions) => startApiOnPglite(dataDir, apiOptions),
    headers,
    sample: async (server) => {
      for (let i = customers.length; i < PGLITE_CUSTOMERS; i += 1) {
        const response = await fetch(`${server.url}/v1/customers`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            name: `Runtime Customer ${i}`,
            email: `runtime.${i}@example.com`,
          }),
        });
        if (!response.ok) throw new Error(`POST customer answered ${response.status}`);
        customers.push((await response.json()) as { id: string; email: string; name: string });
      }
      return customers;
    },
    cleanUp: () => {
      customers = [];
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
