import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BillingRun } from '@peasswap/domain';
import postgres from 'postgres';
import { processorDecider } from '../src/billing/charges.js';
import { runBilling } from '../src/billing/engine.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { simulatedProcessor } from '../src/payments/processor.js';
import {
  checkBilling,
  prepareBillingDatabase,
  resetBilling,
  type BillingCheck,
  type BillingDatabase,
} from './billing-database.js';
import { explainStatements, keyLines, recordingDatabase, type ExplainedQuery } from './explain.js';

/**
 * The billing engine's throughput and its idle cost. Renewals: every due subscription renewed by
 * one pass in one process, then by two processes at once (the engine's claims skip each other's
 * locked rows), each run from the same reset state and checked afterwards. Empty passes: a pass
 * when nothing is due, timed many times, with the plans of the statements it sends.
 */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RenewalRun {
  processes: number;
  seconds: number;
  renewalsPerSecond: number;
  workers: {
    run: BillingRun;
    seconds: number;
    claimSeconds: number;
    finishSeconds: number;
    nodeCpuSeconds: number;
    backendCpuSeconds: number | null;
  }[];
  /** The machine's 1-minute load average when the run ended (other work on the same CPUs). */
  loadAverage: number;
  /** Payments made at each second of the run (from a sampler beside the workers). */
  progress: { second: number; payments: number; attempts: number }[];
  check: BillingCheck;
  cpuProfileDir: string | null;
}

export interface EmptyPasses {
  label: string;
  passes: number;
  first: number;
  p50: number;
  p99: number;
  max: number;
}

export interface BillingBenchReport {
  database: { name: string; reused: boolean; seed: BillingDatabase['state'] };
  renewals: RenewalRun[];
  emptyPasses: EmptyPasses[];
  plans: { name: string; statement: string; plan: string[]; keyLines: string[] }[];
}

export async function runBillingBench(options: {
  adminUrl: string;
  due: number;
  idle: number;
  emptyPasses: number;
  processes: number[];
  cpuProfileDir: string | null;
  log: (line: string) => void;
}): Promise<BillingBenchReport> {
  const { log } = options;
  const database = await prepareBillingDatabase(options);
  const { url, state } = database;
  const plans: ExplainedQuery[] = [];
  // The statements of a pass, recorded once; each explain runs them as of its own moment.
  await resetBilling(url, state);
  const pass = await recordPass(url);
  const explain = async (label: string) => {
    const now = new Date().toISOString();
    plans.push(
      ...(await explainStatements(
        url,
        pass.statements.map((s) => ({
          name: `${s.name} (${label})`,
          statement: s.statement,
          params: s.params.map((p) => (p === pass.at ? now : p)),
        })),
      )),
    );
  };
  await explain(`${state.due.toLocaleString('en-US')} due`);

  const renewals: RenewalRun[] = [];
  for (const processes of options.processes) {
    await resetBilling(url, state);
    // Once per run set, mid-way through finishing: the next-pending-attempt query as it runs
    // with many attempts pending and many already finished (their old index entries still there).
    const midRun = async () => {
      if (plans.some((p) => p.name.includes('mid-run'))) return;
      const pending = pass.statements.filter((s) => s.name === 'next pending attempt');
      const now = new Date().toISOString();
      plans.push(
        ...(await explainStatements(
          url,
          pending.map((s) => ({
            name: `${s.name} (mid-run: attempts recorded, some finished)`,
            statement: s.statement,
            params: s.params.map((p) => (p === pass.at ? now : p)),
          })),
        )),
      );
    };
    const run = await renew(url, state, processes, options.cpuProfileDir, midRun);
    renewals.push(run);
    log(
      `billing: ${processes} process(es): ${state.due} renewals in ${run.seconds.toFixed(1)} s = ${run.renewalsPerSecond.toFixed(0)}/s; check ${run.check.ok ? 'ok' : `FAILED ${JSON.stringify(run.check)}`}`,
    );
  }

  // Nothing due now: the renewed subscriptions are a month away, the others days away. The first
  // statements after the renewals meet the index entries those left behind, so they are explained
  // before any pass has run; then timed as they stay until a vacuum (autovacuum is off here), and
  // after one.
  const notDue = (state.due + state.idle).toLocaleString('en-US');
  await explain('nothing due, first pass after the renewals');
  const handle = await openDatabase({ databaseUrl: url, dataDir: 'unused', poolSize: 1 });
  const emptyPasses: EmptyPasses[] = [];
  try {
    const label = `${notDue} not due, after the renewals, not vacuumed`;
    emptyPasses.push(await timeEmptyPasses(handle.db, options.emptyPasses, label));
    await vacuum(url);
    emptyPasses.push(
      await timeEmptyPasses(handle.db, options.emptyPasses, `${notDue} not due, vacuumed`),
    );
  } finally {
    await handle.close();
  }
  await explain('nothing due, vacuumed');
  for (const passes of emptyPasses) {
    log(
      `billing: empty pass (${passes.label}): first ${passes.first.toFixed(2)} ms, p50 ${passes.p50.toFixed(2)} ms, p99 ${passes.p99.toFixed(2)} ms`,
    );
  }
  return {
    database: { name: database.name, reused: database.reused, seed: state },
    renewals,
    emptyPasses,
    plans: plans.map((p) => ({ ...p, keyLines: keyLines(p.plan) })),
  };
}

const decide = processorDecider(simulatedProcessor);

async function vacuum(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe('vacuum (analyze) subscriptions, billing_attempts');
  } finally {
    await sql.end();
  }
}

/** What each statement of a pass is for, by the table it reads. */
function purpose(statement: string): string {
  if (statement.includes('from "subscriptions"')) return 'claim due subscriptions';
  if (statement.includes('from "payment_schedule_items"')) return 'claim due schedule items';
  if (statement.includes('from "billing_attempts"')) return 'next pending attempt';
  return 'statement';
}

/**
 * The statements a pass sends, exactly as the engine builds them, with their parameters: recorded
 * from a real pass at a time long past, which finds nothing due however much is due now (and
 * nothing pending, after a reset), so it changes nothing. `at` is its time as a parameter.
 */
async function recordPass(url: string) {
  const at = new Date('2000-01-01T00:00:00Z');
  const { db, recorded, close } = recordingDatabase(url);
  try {
    const run = await runBilling(db, { at, decide });
    if (run.charged + run.failed + run.canceled + run.recovered > 0) {
      throw new Error(`a pass meant to find nothing did something: ${JSON.stringify(run)}`);
    }
  } finally {
    await close();
  }
  return {
    at: at.toISOString(),
    statements: recorded.map((r) => ({ ...r, name: purpose(r.statement) })),
  };
}

async function timeEmptyPasses(db: Database, passes: number, label: string): Promise<EmptyPasses> {
  const times: number[] = [];
  for (let i = 0; i < passes; i += 1) {
    const started = performance.now();
    const run = await runBilling(db, { at: new Date(), decide });
    times.push(performance.now() - started);
    if (run.charged + run.failed > 0) throw new Error('an empty pass charged something');
  }
  const sorted = times.slice(1).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return {
    label,
    passes,
    first: times[0] ?? 0,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

/** `processes` worker processes, started together on one reset state; timed from `go` to the last. */
async function renew(
  url: string,
  state: BillingDatabase['state'],
  processes: number,
  cpuProfileDir: string | null,
  midRun: () => Promise<void>,
): Promise<RenewalRun> {
  const profileDir = cpuProfileDir ? path.join(cpuProfileDir, `billing-${processes}p`) : null;
  const workers = await Promise.all(
    Array.from({ length: processes }, () => startWorker(url, profileDir)),
  );
  const sampler = postgres(url, { max: 1, onnotice: () => undefined });
  const progress: RenewalRun['progress'] = [];
  const started = performance.now();
  const at = new Date();
  let sampling = true;
  const sampled = (async () => {
    for (let second = 1; sampling; second += 1) {
      await new Promise((resolve) =>
        setTimeout(resolve, started + second * 1000 - performance.now()),
      );
      if (!sampling) break;
      const [row] = await sampler<{ payments: number; attempts: number }[]>`
        select (select count(*)::int from payments) as payments,
               (select count(*)::int from billing_attempts) as attempts`;
      progress.push({ second, payments: row?.payments ?? 0, attempts: row?.attempts ?? 0 });
      const payments = row?.payments ?? 0;
      if (row?.attempts === state.due && payments > state.due / 4 && payments < state.due / 2) {
        await midRun();
      }
    }
  })();
  for (const worker of workers) worker.child.stdin?.write('go\n');
  const results = await Promise.all(workers.map((worker) => worker.result));
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampled;
  await sampler.end();
  return {
    processes,
    seconds,
    renewalsPerSecond: state.due / seconds,
    workers: results,
    progress,
    loadAverage: os.loadavg()[0] ?? 0,
    check: await checkBilling(url, state, at),
    cpuProfileDir: profileDir,
  };
}

function startWorker(
  url: string,
  profileDir: string | null,
): Promise<{ child: ChildProcess; result: Promise<RenewalRun['workers'][number]> }> {
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      '--import',
      'tsx',
      'bench/billing-worker.ts',
    ],
    {
      cwd: API_DIR,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolveReady, rejectReady) => {
    let ready = false;
    const result = new Promise<RenewalRun['workers'][number]>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line === 'ready') {
          ready = true;
          resolveReady({ child, result });
        } else if (line.startsWith('{')) {
          resolve(JSON.parse(line) as RenewalRun['workers'][number]);
          child.stdin?.end();
        }
      });
      void exited.then((code) => {
        const error = new Error(`billing worker exited with ${code} before answering`);
        if (!ready) rejectReady(error);
        reject(error);
      });
    });
  });
}
