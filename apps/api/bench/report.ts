import type { ApiBenchReport } from './api.js';
import type { BillingBenchReport, RenewalRun } from './billing.js';
import type { LoadResult } from './load.js';
import type { WebhooksBenchReport } from './webhooks.js';
import type { DuplicatesBenchReport } from './duplicates.js';
import type { CsvBenchReport } from './csv.js';
import type { CpuSplit, ProcessesBenchReport } from './processes.js';
import type { RuntimeBenchReport } from './runtime.js';

export interface Measurement {
  scenario: string;
  label: string;
  connections: number;
  api: LoadResult;
  ceiling: LoadResult;
  /** API requests/s over the ceiling's. */
  ratio: number;
  /** Whether one request answered the same JSON on both (null: not compared, e.g. POST). */
  sameAnswer: boolean | null;
}

export interface BenchReport {
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    postgres: string;
    postgresSettings: string;
  };
  config: {
    customers: number;
    payments: number;
    duration: number;
    warmup: number;
    connections: number;
    ceilingAuth: boolean;
    only: string[];
  };
  /** The API against its ceiling; null when only billing ran. */
  api: ApiBenchReport | null;
  /** Two API processes against one on the same database; null (or absent) when not run. */
  processes?: ProcessesBenchReport | null;
  /** tsx against compiled, PostgreSQL and PGlite: start time and memory; null when not run. */
  runtime?: RuntimeBenchReport | null;
  /** The billing engine; null when only API scenarios ran. */
  billing: BillingBenchReport | null;
  /** The outbox's cost and webhook delivery; null when not run. */
  webhooks: WebhooksBenchReport | null;
  /** The duplicate finder at scale; null when not run. */
  duplicates: DuplicatesBenchReport | null;
  /** CSV import and export; null when not run. */
  csv?: CsvBenchReport | null;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const pct = (n: number) => `${Math.round(n * 100)}%`;

const plansMarkdown = (plans: ApiBenchReport['plans']) =>
  plans.flatMap((plan) => [
    `### ${plan.name}`,
    '',
    '```',
    plan.statement,
    '',
    ...plan.keyLines,
    '```',
    '',
  ]);

/** The report as Markdown: machine, then each part that ran. */
export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    `# Benchmark run ${report.finishedAt}`,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.postgres}`,
    `PostgreSQL settings: ${machine.postgresSettings}`,
    '',
    ...(report.api ? apiMarkdown(report, report.api) : []),
    ...(report.processes ? processesMarkdown(report, report.processes) : []),
    ...(report.runtime ? runtimeMarkdown(report, report.runtime) : []),
    ...(report.billing ? billingMarkdown(report.billing) : []),
    ...(report.webhooks ? webhooksMarkdown(report, report.webhooks) : []),
    ...(report.duplicates ? duplicatesMarkdown(report.duplicates) : []),
    ...(report.csv ? csvMarkdown(report.csv) : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** CPU seconds per wall second, as a share of one core (200% is all of a 2-core machine). */
const cores = (seconds: number, cpu: CpuSplit) => pct(seconds / cpu.wallSeconds);

/** CPU seconds per request, in µs: what one request costs whoever spent it. */
const perRequest = (seconds: number, result: LoadResult) => int((seconds / result.ok) * 1e6);

function cpuCells(cpu: CpuSplit, result: LoadResult): string {
  const api = cpu.apiSeconds.reduce((sum, s) => sum + s, 0);
  const others = cpu.machineSeconds - api - cpu.postgresSeconds - cpu.loadSeconds;
  return [
    perRequest(api, result),
    perRequest(cpu.apiBackendsSeconds, result),
    cpu.apiSeconds.map((s) => cores(s, cpu)).join(' + '),
    `${cores(cpu.postgresSeconds, cpu)} (${cores(cpu.apiBackendsSeconds, cpu)})`,
    cores(cpu.loadSeconds, cpu),
    cores(Math.max(0, others), cpu),
    cores(cpu.machineSeconds, cpu),
    cpu.loadAverage.toFixed(1),
  ].join(' | ');
}

function processesMarkdown(report: BenchReport, p: ProcessesBenchReport): string[] {
  const { config } = report;
  const half = Math.ceil(p.connections / 2);
  return [
    '## Two API processes on one PostgreSQL',
    '',
    `The same compiled server twice (ports side by side, one database), against the first alone; ${p.connections} connections in all, ${half} + ${p.connections - half} split across the two; ${config.duration} s per run after ${config.warmup} s warm-up, one after the other. CPU from /proc (utime + stime over the run) as a share of one core: ${p.cores} cores here, so ${p.cores * 100}% is the whole machine; "backends" is the part of PostgreSQL spent by the API processes' own connections, "other" everything else on the machine; µs/req is the CPU of the API processes (and of their backends) over the run divided by the requests answered.`,
    '',
    '| scenario | processes | req/s | p50 ms | p99 ms | two / one | API µs/req | backends µs/req | API CPU | PostgreSQL (backends) | autocannon | other | machine | load avg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...p.comparisons.flatMap((c) => [
      `| ${c.label} | 1 | ${int(c.one.result.requestsPerSecond)} | ${ms(c.one.result.p50)} | ${ms(c.one.result.p99)} | | ${cpuCells(c.one.cpu, c.one.result)} |`,
      `| | 2 | ${int(c.two.result.requestsPerSecond)} (${c.two.each.map((e) => int(e.requestsPerSecond)).join(' + ')}) | ${ms(c.two.result.p50)} | ${ms(c.two.result.p99)} | **${c.ratio.toFixed(2)}** | ${cpuCells(c.two.cpu, c.two.result)} |`,
    ]),
    '',
    ...p.comparisons
      .filter(
        (c) =>
          c.one.result.non2xx + c.one.result.errors + c.two.result.non2xx + c.two.result.errors > 0,
      )
      .map(
        (c) =>
          `Failures in ${c.scenario}: one ${c.one.result.non2xx} non-2xx, ${c.one.result.errors} errors; two ${c.two.result.non2xx} non-2xx, ${c.two.result.errors} errors`,
      ),
  ];
}

function runtimeMarkdown(report: BenchReport, r: RuntimeBenchReport): string[] {
  const { config } = report;
  return [
    '## Production runtime: tsx against compiled',
    '',
    `tsx: \`node --import tsx src/main.ts\` (what \`pnpm dev\` runs, without the tsx command's own parent process); compiled: \`node --enable-source-maps --conditions=compiled dist/main.js\` (\`pnpm start\`). Start: spawn to the first 200 on /readyz, median of ${r.starts} starts after one unmeasured start; beside it the CPU the server used until then (user + system, median), which waits for no other process. Memory in MiB from /proc/<pid>/status, VmRSS (resident now) and VmHWM (its peak so far): idle, 3 s after each start, median over the starts; loaded, on the last start after ${config.duration} s of GET by id then ${config.duration} s of POST (after ${config.warmup} s warm-up each) at ${r.connections} connections.`,
    '',
    '| engine | runtime | ready ms (median) | starts ms | first start ms | CPU to ready ms | idle RSS | idle peak | loaded RSS | loaded peak | GET req/s | POST req/s | load avg |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.variants.map(
      (v) =>
        `| ${v.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${v.runtime} | **${int(v.medianStartMs)}** | ${v.startsMs.map(int).join(', ')} | ${int(v.firstStartMs)} | ${int(v.medianStartCpuMs)} | **${v.idle.rss}** | ${v.idle.hwm} | **${v.loaded.rss}** | ${v.loaded.hwm} | ${int(v.retrieve.requestsPerSecond)} | ${int(v.create.requestsPerSecond)} | ${v.loadAverage.toFixed(1)} |`,
    ),
    '',
  ];
}

function csvMarkdown(c: CsvBenchReport): string[] {
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return [
    '## CSV import and export',
    '',
    `- Import, POST /v1/customers/import, ${int(c.import.rows)} rows (${mib(c.import.bytes)} MiB) into an empty account: **${int(c.import.rowsPerSecond)} rows/s** (${c.import.seconds.toFixed(2)} s, ${int(c.import.created)} created, batches of 500 with their events).`,
    `- The import's ceiling, the same number of rows' two statements per 500-row batch (customers; events, audit entries and values) sent bare from a script, two transactions in flight (bench/import-ceiling.ts): ${int(c.importCeiling.rowsPerSecond)} rows/s (${c.importCeiling.seconds.toFixed(2)} s); the import reaches **${Math.round((100 * c.import.rowsPerSecond) / c.importCeiling.rowsPerSecond)}%** of it.`,
    `- The same file as a dry run (onDuplicate=skip: read, validated, looked up, nothing written): ${int(c.dryRun.rowsPerSecond)} rows/s (${c.dryRun.seconds.toFixed(2)} s, ${int(c.dryRun.skipped)} skipped).`,
    `- Export, GET /v1/customers/export.csv, ${int(c.export.rows)} customers (${mib(c.export.bytes)} MiB): **${int(c.export.rowsPerSecond)} rows/s** (${c.export.seconds.toFixed(2)} s); server RSS ${c.export.rssBeforeMiB} MiB before, peak (VmHWM) ${c.export.peakRssMiB} MiB; RSS after each tenth of the rows: ${c.export.rssByTenthMiB.join(', ')} MiB.`,
    '',
  ];
}

function duplicatesMarkdown(d: DuplicatesBenchReport): string[] {
  return [
    '## Duplicates',
    '',
    `${int(d.customers)} seeded customers plus ${int(d.plantedPairs)} planted pairs (email, phone, card, name-only: a quarter each), seeded in ${d.seedSeconds.toFixed(1)} s; keys backfilled for ${int(d.backfill.rows)} customers in ${d.backfill.seconds.toFixed(1)} s (${int(d.backfill.rowsPerSecond)} rows/s).`,
    '',
    `- Full scan for groups (GET /v1/customers/duplicates): **${d.scan.seconds.toFixed(1)} s**, ${int(d.scan.groups)} groups, ${int(d.scan.pairs)} pairs; precision ${pct(d.scan.precision)}, recall ${pct(d.scan.recall)} of the planted pairs it can find (email, phone, card).`,
    `- A customer's own check (GET /v1/customers/{id}/duplicates), ${d.check.samples} customers (half planted): **p50 ${ms(d.check.p50Ms)} ms**, p99 ${ms(d.check.p99Ms)} ms; twin found: ${Object.entries(
      d.check.recallByKind,
    )
      .map(([kind, recall]) => `${kind} ${pct(recall)}`)
      .join(', ')}; precision ${pct(d.check.precision)}.`,
    '',
  ];
}

function webhooksMarkdown(report: BenchReport, webhooks: WebhooksBenchReport): string[] {
  const { config } = report;
  const { delivery } = webhooks;
  const without = webhooks.outboxSummary.find((v) => v.label === 'without outbox');
  const relative = (rps: number) =>
    without ? ` (${pct(rps / without.requestsPerSecond)} of without)` : '';
  return [
    '## Events and webhooks',
    '',
    `POST /v1/customers with and without the outbox row, same server code and database, rounds alternated (${config.connections} connections, ${config.duration} s each after ${config.warmup} s warm-up):`,
    '',
    '| variant | round | req/s | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...webhooks.outbox.map(
      (round, index) =>
        `| ${round.label} | ${index + 1} | ${int(round.result.requestsPerSecond)} | ${ms(round.result.p50)} | ${ms(round.result.p99)} |`,
    ),
    '',
    ...webhooks.outboxSummary.map(
      (v) =>
        `- ${v.label}: ${int(v.requestsPerSecond)} req/s mean, p50 ${ms(v.p50)} ms${relative(v.requestsPerSecond)}`,
    ),
    '',
    `Delivery to a receiver on 127.0.0.1 (answers 200 at once), one server: a backlog of ${int(delivery.backlog)} events drained in ${delivery.seconds.toFixed(1)} s from the server's start = **${int(delivery.eventsPerSecond)} events/s**. Steady: ${delivery.steady.perSecond} creates/s for ${int(delivery.steady.events)} events, commit to arrival p50 **${ms(delivery.steady.p50Ms)} ms**, p99 ${ms(delivery.steady.p99Ms)} ms, max ${ms(delivery.steady.maxMs)} ms.`,
    '',
  ];
}

function apiMarkdown(report: BenchReport, api: ApiBenchReport): string[] {
  const { config } = report;
  const { database } = api;
  const seed = database.seed;
  const lines = [
    `Data: ${int(config.customers)} customers, ${int(config.payments)} payments in one account (database ${database.name}, ${database.reused ? 'reused' : 'seeded by this run'})`,
    `Seed: ${seed.seed.seconds.toFixed(1)} s, ${int(seed.seed.rowsPerSecond)} rows/s overall (customers ${int(seed.seed.customersPerSecond)}/s, payments with totals ${int(seed.seed.paymentsPerSecond)}/s), ${int(seed.seed.totals)} totals rows; vacuum (analyze) ${seed.vacuumSeconds.toFixed(1)} s`,
    `Load: autocannon on 127.0.0.1, ${config.duration} s per run after ${config.warmup} s warm-up; latencies in ms`,
    config.ceilingAuth
      ? 'Ceiling variant: it also sends the API-key lookup and last-used update per request.'
      : 'Ceiling: the same data statements only (no API-key statements).',
    '',
    '| scenario | conns | API req/s | API p50 | API p99 | ceiling req/s | ceiling p50 | ceiling p99 | API / ceiling | same answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...api.measurements.map(
      (m) =>
        `| ${m.label} | ${m.connections} | ${int(m.api.requestsPerSecond)} | ${ms(m.api.p50)} | ${ms(m.api.p99)} | ${int(m.ceiling.requestsPerSecond)} | ${ms(m.ceiling.p50)} | ${ms(m.ceiling.p99)} | ${pct(m.ratio)} | ${m.sameAnswer === null ? '–' : m.sameAnswer ? 'yes' : 'NO'} |`,
    ),
    '',
  ];
  const failures = api.measurements.filter(
    (m) => m.api.non2xx + m.api.errors + m.ceiling.non2xx + m.ceiling.errors > 0,
  );
  for (const m of failures) {
    lines.push(
      `Failures in ${m.scenario}@${m.connections}: api ${m.api.non2xx} non-2xx, ${m.api.errors} errors; ceiling ${m.ceiling.non2xx} non-2xx, ${m.ceiling.errors} errors`,
    );
  }
  lines.push('## Plans (EXPLAIN (ANALYZE, BUFFERS), key lines)', '', ...plansMarkdown(api.plans));
  return lines;
}

/**
 * Payments recorded per second in each tenth of the payments, from the per-second samples; the
 * first tenth counts from the last sample before any payment, so the claim phase is left out.
 * Flat means the cost per renewal does not grow as the queue drains.
 */
function tenths(run: RenewalRun): string {
  const points = [{ second: 0, payments: 0 }, ...run.progress];
  const total = run.check.payments;
  const marks: string[] = [];
  for (let tenth = 1; tenth <= 10; tenth += 1) {
    const from =
      tenth === 1
        ? points.filter((p) => p.payments === 0).at(-1)
        : points.find((p) => p.payments >= (total * (tenth - 1)) / 10);
    const to = points.find((p) => p.payments >= (total * tenth) / 10);
    if (!from || !to || to.second === from.second) continue;
    marks.push(int((to.payments - from.payments) / (to.second - from.second)));
  }
  return marks.join(' · ');
}

function billingMarkdown(billing: BillingBenchReport): string[] {
  const { database } = billing;
  const seed = database.seed;
  const seconds = (values: number[]) => values.map((v) => v.toFixed(1)).join(' + ');
  return [
    '## Billing engine',
    '',
    `Data: ${int(seed.due)} subscriptions due in one account, ${int(seed.idle)} not due in another (database ${database.name}, ${database.reused ? 'reused' : `seeded by this run in ${seed.seconds.toFixed(1)} s`}); each run starts from the same reset (due again, no attempts or payments, vacuumed).`,
    'Renewals: one pass per process (`runBilling` with the simulated processor, as `pnpm cli billing run`), the processes started together; timed from the start to the last process done.',
    '',
    '| processes | seconds | renewals/s | claim phase s | finish phase s | Node CPU s | backend CPU s | load avg | charged | payments | paid twice | pending after | renewed | check |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...billing.renewals.map(
      (r) =>
        `| ${r.processes} | ${r.seconds.toFixed(1)} | **${int(r.renewalsPerSecond)}** | ${seconds(r.workers.map((w) => w.claimSeconds))} | ${seconds(r.workers.map((w) => w.finishSeconds))} | ${seconds(r.workers.map((w) => w.nodeCpuSeconds))} | ${seconds(r.workers.map((w) => w.backendCpuSeconds ?? Number.NaN))} | ${r.loadAverage.toFixed(1)} | ${int(r.workers.reduce((n, w) => n + w.run.charged, 0))} | ${int(r.check.payments)} | ${r.check.subscriptionsPaidTwice} | ${r.check.pendingAttempts} | ${int(r.check.renewed)} | ${r.check.ok ? 'ok' : 'FAILED'} |`,
    ),
    '',
    'Payments recorded per second in each tenth of the payments (claim phase left out):',
    '',
    ...billing.renewals.map((r) => `- ${r.processes} process(es): ${tenths(r)}`),
    '',
    'Empty passes (nothing due), ms per whole pass, in process; p50/p99 leave out the first:',
    '',
    '| subscriptions | passes | first | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...billing.emptyPasses.map(
      (e) =>
        `| ${e.label} | ${e.passes} | ${ms(e.first)} | ${ms(e.p50)} | ${ms(e.p99)} | ${ms(e.max)} |`,
    ),
    '',
    '### Billing plans (EXPLAIN (ANALYZE, BUFFERS), key lines)',
    '',
    ...plansMarkdown(billing.plans),
  ];
}
