import type { SeedState } from './database.js';
import type { LoadResult } from './load.js';

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
  };
  database: { name: string; reused: boolean; seed: SeedState };
  measurements: Measurement[];
  plans: { name: string; statement: string; plan: string[]; keyLines: string[] }[];
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The report as Markdown: machine, seed, results table, and the plans' key lines. */
export function renderMarkdown(report: BenchReport): string {
  const { machine, config, database } = report;
  const seed = database.seed;
  const lines = [
    `# Benchmark run ${report.finishedAt}`,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.postgres}`,
    `PostgreSQL settings: ${machine.postgresSettings}`,
    `Data: ${int(config.customers)} customers, ${int(config.payments)} payments in one account (database ${database.name}, ${database.reused ? 'reused' : 'seeded by this run'})`,
    `Seed: ${seed.seed.seconds.toFixed(1)} s, ${int(seed.seed.rowsPerSecond)} rows/s overall (customers ${int(seed.seed.customersPerSecond)}/s, payments with totals ${int(seed.seed.paymentsPerSecond)}/s), ${int(seed.seed.totals)} totals rows; vacuum (analyze) ${seed.vacuumSeconds.toFixed(1)} s`,
    `Load: autocannon on 127.0.0.1, ${config.duration} s per run after ${config.warmup} s warm-up; latencies in ms`,
    config.ceilingAuth
      ? 'Ceiling variant: it also sends the API-key lookup and last-used update per request.'
      : 'Ceiling: the same data statements only (no API-key statements).',
    '',
    '| scenario | conns | API req/s | API p50 | API p99 | ceiling req/s | ceiling p50 | ceiling p99 | API / ceiling | same answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...report.measurements.map(
      (m) =>
        `| ${m.label} | ${m.connections} | ${int(m.api.requestsPerSecond)} | ${ms(m.api.p50)} | ${ms(m.api.p99)} | ${int(m.ceiling.requestsPerSecond)} | ${ms(m.ceiling.p50)} | ${ms(m.ceiling.p99)} | ${pct(m.ratio)} | ${m.sameAnswer === null ? '–' : m.sameAnswer ? 'yes' : 'NO'} |`,
    ),
    '',
  ];
  const failures = report.measurements.filter(
    (m) => m.api.non2xx + m.api.errors + m.ceiling.non2xx + m.ceiling.errors > 0,
  );
  for (const m of failures) {
    lines.push(
      `Failures in ${m.scenario}@${m.connections}: api ${m.api.non2xx} non-2xx, ${m.api.errors} errors; ceiling ${m.ceiling.non2xx} non-2xx, ${m.ceiling.errors} errors`,
    );
  }
  lines.push('## Plans (EXPLAIN (ANALYZE, BUFFERS), key lines)', '');
  for (const plan of report.plans) {
    lines.push(`### ${plan.name}`, '', '```', plan.statement, '', ...plan.keyLines, '```', '');
  }
  return `${lines.join('\n')}\n`;
}
