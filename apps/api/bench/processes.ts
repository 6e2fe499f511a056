import os from 'node:os';
import postgres from 'postgres';
import { benchApiKey, removeBenchCustomers, type BenchDatabase } from './database.js';
import { runLoadSplit, type LoadOptions, type LoadResult } from './load.js';
import { cpuSince, cpuSnapshot, machineBusySeconds, pidsNamed } from './proc.js';
import { buildScenarios, type Scenario } from './scenarios.js';
import { startApi, type RunningServer } from './servers.js';

/**
 * Two API processes on the one PostgreSQL against one (issue 12): the same compiled server and
 * environment as the API bench, on ports side by side, the same total connections split evenly
 * across them as a load balancer would, from this one process. Beside each figure, where the CPU
 * went, read from /proc: each API process, every PostgreSQL process (and the backends serving the
 * two APIs, told apart by application_name), and this process, which is autocannon.
 */
const SCENARIOS = ['retrieve', 'list', 'create'];
const APP_NAMES = ['bench-api-a', 'bench-api-b'];

export interface CpuSplit {
  wallSeconds: number;
  /** CPU seconds of each API process over the run, in APP_NAMES order. */
  apiSeconds: number[];
  /** Every process named postgres: the backends, the WAL writer, checkpointer, others' sessions. */
  postgresSeconds: number;
  /** The part of postgresSeconds spent by the backends the API processes opened. */
  apiBackendsSeconds: number;
  /** This process: autocannon building, sending and timing the requests. */
  loadSeconds: number;
  /** The whole machine, all cores: the rest is other processes (other benches, the desktop). */
  machineSeconds: number;
  /** 1-minute load average at the end of the run. */
  loadAverage: number;
}

export interface ProcessesComparison {
  scenario: string;
  label: string;
  one: { result: LoadResult; cpu: CpuSplit };
  two: { result: LoadResult; each: LoadResult[]; cpu: CpuSplit };
  /** Two processes' combined requests/s over one process's. */
  ratio: number;
}

export interface ProcessesBenchReport {
  connections: number;
  cores: number;
  comparisons: ProcessesComparison[];
}

export async function runProcessesBench(options: {
  database: BenchDatabase;
  connections: number;
  duration: number;
  warmup: number;
  log: (line: string) => void;
}): Promise<ProcessesBenchReport> {
  const { database, connections, log } = options;
  if (connections < 2) throw new Error('two processes need at least 2 connections to share');
  const scope = { accountId: database.state.accountId, livemode: false };
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });

  // As the API bench: customers POSTed here are soft-deleted again, so lists stay the seeded ones.
  const removeCreatedCustomers = () => removeBenchCustomers(sql, scope.accountId);

  const secret = await benchApiKey(database.url, scope.accountId);
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const sample = await sql<{ id: string; email: string; name: string }[]>`
    select id, email, name from customers
    where account_id = ${scope.accountId} and livemode = false and deleted_at is null
    order by random() limit 1000`;

  const servers: RunningServer[] = [];
  try {
    for (const name of APP_NAMES) {
      // PGAPPNAME names the pool's connections, so their backends are found in pg_stat_activity.
      servers.push(await startApi(database.url, { name, env: { PGAPPNAME: name } }));
    }
    log(`processes: ${servers.map((s) => `${s.name} on ${s.url}`).join(', ')}`);
    const scenarios = buildScenarios({
      runTag: Date.now().toString(36),
      sample,
      // Only the scenarios above run: none of them pages by cursor or reads analytics.
      cursorId: '',
      commonFragment: '',
      heavyCustomerId: database.state.heavyCustomerId,
      heavyCustomerPayments: database.state.heavyCustomerPayments,
    }).filter((s) => SCENARIOS.includes(s.name));

    const apiBackends = async () =>
      (
        await sql<{ pid: number }[]>`
          select pid from pg_stat_activity where application_name in ${sql(APP_NAMES)}`
      ).map((row) => row.pid);

    /** The runs at once, measured with their CPU split; `each` in `runs` order. */
    async function measure(runs: LoadOptions[]): Promise<{
      result: LoadResult;
      each: LoadResult[];
      cpu: CpuSplit;
    }> {
      const apiPids = servers.map((s) => s.pid ?? -1);
      const before = {
        api: apiPids.map((pid) => cpuSnapshot([pid])),
        postgres: cpuSnapshot(pidsNamed('postgres')),
        backends: cpuSnapshot(await apiBackends()),
        load: cpuSnapshot([process.pid]),
        machine: machineBusySeconds(),
        at: performance.now(),
      };
      const { combined, each } = await runLoadSplit(runs);
      const cpu: CpuSplit = {
        wallSeconds: (performance.now() - before.at) / 1000,
        apiSeconds: apiPids.map((pid, i) =>
          cpuSince(before.api[i] ?? new Map<number, number>(), [pid]),
        ),
        postgresSeconds: cpuSince(before.postgres, pidsNamed('postgres')),
        apiBackendsSeconds: cpuSince(before.backends, await apiBackends()),
        loadSeconds: cpuSince(before.load, [process.pid]),
        machineSeconds: machineBusySeconds() - before.machine,
        loadAverage: os.loadavg()[0] ?? Number.NaN,
      };
      return { result: combined, each, cpu };
    }

    const runsFor = (scenario: Scenario, targets: RunningServer[], seconds: number) =>
      targets.map((server, i): LoadOptions => ({
        url: server.url,
        // The same total as one process gets; an odd total gives the first process the extra one.
        connections: Math.ceil((connections - i) / targets.length),
        seconds,
        headers,
        next: scenario.requests(server.name),
      }));

    // Both processes' JIT warmed on every scenario before anything is measured (see api.ts).
    for (const scenario of scenarios.filter((s) => s.name !== 'create')) {
      await runLoadSplit(runsFor(scenario, servers, Math.max(options.warmup, 1)));
    }

    const comparisons: ProcessesComparison[] = [];
    const [first] = servers;
    if (!first) throw new Error('no API process started');
    for (const scenario of scenarios) {
      const once = async (targets: RunningServer[]) => {
        if (options.warmup > 0) await runLoadSplit(runsFor(scenario, targets, options.warmup));
        return measure(runsFor(scenario, targets, options.duration));
      };
      const one = await once([first]);
      const two = await once(servers);
      const comparison: ProcessesComparison = {
        scenario: scenario.name,
        label: scenario.label,
        one: { result: one.result, cpu: one.cpu },
        two,
        ratio: two.result.requestsPerSecond / one.result.requestsPerSecond,
      };
      comparisons.push(comparison);
      log(
        `processes: ${scenario.name} @${connections}: one ${one.result.requestsPerSecond.toFixed(0)} req/s, two ${two.result.requestsPerSecond.toFixed(0)} req/s (×${comparison.ratio.toFixed(2)}), load ${two.cpu.loadAverage.toFixed(1)}`,
      );
    }
    return { connections, cores: os.availableParallelism(), comparisons };
  } finally {
    for (const server of servers) await server.stop();
    await removeCreatedCustomers();
    await sql.end();
  }
}
