import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { runApiBench, type ApiBenchReport } from './api.js';
import { runBillingBench, type BillingBenchReport } from './billing.js';
import { prepareBillingDatabase } from './billing-database.js';
import { readBenchConfig } from './config.js';
import { prepareBenchDatabase } from './database.js';
import { renderMarkdown, type BenchReport } from './report.js';
import { runWebhooksBench, type WebhooksBenchReport } from './webhooks.js';
import { runDuplicatesBench, type DuplicatesBenchReport } from './duplicates.js';
import { runCsvBench, type CsvBenchReport } from './csv.js';
import { runProcessesBench, type ProcessesBenchReport } from './processes.js';
import { runRuntimeBench, type RuntimeBenchReport } from './runtime.js';

/**
 * `pnpm bench`: the API against its ceiling (api.ts) and the billing engine's renewals and empty
 * passes (billing.ts), each on its own database, seeded once and reused; then
 * bench/results/latest.{json,md}; then the events outbox's cost and webhook delivery (webhooks.ts).
 * `--only billing`, `--only webhooks`, `--only duplicates` or `--only csv` (CSV import and export,
 * csv.ts) runs that part alone, `--only list,...` some API scenarios. `--only processes` runs two
 * API processes against one (processes.ts), `--only runtime` the tsx and compiled servers' start
 * and memory (runtime.ts); both on the API's database.
 */
const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');
const BILLING = 'billing';
const WEBHOOKS = 'webhooks';
const DUPLICATES = 'duplicates';
const CSV = 'csv';
const PROCESSES = 'processes';
const RUNTIME = 'runtime';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const config = readBenchConfig();
const apiScenarios = config.only.filter(
  (name) =>
    name !== BILLING &&
    name !== WEBHOOKS &&
    name !== DUPLICATES &&
    name !== CSV &&
    name !== PROCESSES &&
    name !== RUNTIME,
);
const runsApi = config.only.length === 0 || apiScenarios.length > 0;
const runsBilling = config.only.length === 0 || config.only.includes(BILLING);
const runsWebhooks = config.only.length === 0 || config.only.includes(WEBHOOKS);
const runsDuplicates = config.only.length === 0 || config.only.includes(DUPLICATES);
const runsCsv = config.only.length === 0 || config.only.includes(CSV);
const runsProcesses = config.only.length === 0 || config.only.includes(PROCESSES);
const runsRuntime = config.only.length === 0 || config.only.includes(RUNTIME);
const billingOptions = {
  adminUrl: config.adminUrl,
  due: config.billing.due,
  idle: config.billing.idle,
  log,
};

if (config.setupOnly) {
  if (runsApi || runsProcesses || runsRuntime) await prepareBenchDatabase({ ...config, log });
  if (runsBilling) await prepareBillingDatabase(billingOptions);
  process.exit(0);
}

const started = new Date().toISOString();
let api: ApiBenchReport | null = null;
if (runsApi) {
  const database = await prepareBenchDatabase({ ...config, log });
  api = await runApiBench(config, database, apiScenarios, log);
}
let processes: ProcessesBenchReport | null = null;
if (runsProcesses) {
  processes = await runProcessesBench({
    database: await prepareBenchDatabase({ ...config, log }),
    connections: config.connections,
    duration: config.duration,
    warmup: config.warmup,
    log,
  });
}
let runtime: RuntimeBenchReport | null = null;
if (runsRuntime) {
  runtime = await runRuntimeBench({
    database: await prepareBenchDatabase({ ...config, log }),
    starts: config.runtimeStarts,
    connections: config.connections,
    duration: config.duration,
    warmup: config.warmup,
    log,
  });
}
let billing: BillingBenchReport | null = null;
if (runsBilling) {
  billing = await runBillingBench({
    ...billingOptions,
    emptyPasses: config.billing.emptyPasses,
    processes: config.billing.processes,
    cpuProfileDir: config.billing.cpuProfile
      ? path.join(RESULTS_DIR, `cpu-${started.replace(/[:.]/g, '-')}`)
      : null,
  });
}

let webhooks: WebhooksBenchReport | null = null;
if (runsWebhooks) {
  webhooks = await runWebhooksBench({
    adminUrl: config.adminUrl,
    duration: config.duration,
    warmup: config.warmup,
    connections: config.connections,
    log,
  });
}

let duplicates: DuplicatesBenchReport | null = null;
if (runsDuplicates) {
  duplicates = await runDuplicatesBench({
    adminUrl: config.adminUrl,
    customers: config.customers,
    log,
  });
}

let csv: CsvBenchReport | null = null;
if (runsCsv) {
  csv = await runCsvBench({ adminUrl: config.adminUrl, exportRows: config.customers, log });
}

const server = postgres(config.adminUrl, { max: 1, onnotice: () => undefined });
const [versionRow] = await server<{ version: string; settings: string }[]>`
  select version() as version,
    (select string_agg(name || '=' || current_setting(name), ', ' order by name)
     from pg_settings where name in ('shared_buffers', 'work_mem', 'effective_cache_size',
       'random_page_cost', 'jit', 'max_parallel_workers_per_gather', 'autovacuum',
       'synchronous_commit')) as settings`;
await server.end();

const report: BenchReport = {
  finishedAt: new Date().toISOString(),
  machine: {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: versionRow?.version ?? 'unknown',
    postgresSettings: versionRow?.settings ?? '',
  },
  config: {
    customers: config.customers,
    payments: config.payments,
    duration: config.duration,
    warmup: config.warmup,
    connections: config.connections,
    ceilingAuth: config.ceilingAuth,
    only: config.only,
  },
  api,
  processes,
  runtime,
  billing,
  webhooks,
  duplicates,
  csv,
};
mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = report.finishedAt.replace(/[:.]/g, '-');
const markdown = renderMarkdown(report);
writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(RESULTS_DIR, `${stamp}.md`), markdown);
// A partial or diagnostic run does not replace the latest full result.
const full = config.only.length === 0 && !config.ceilingAuth && !config.billing.cpuProfile;
if (full) {
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(RESULTS_DIR, 'latest.md'), markdown);
}
process.stdout.write(markdown);
log(
  `results in ${path.relative(process.cwd(), RESULTS_DIR)}/ (${stamp}.{json,md}${full ? ', latest.*' : ''})`,
);
