import { parseArgs } from 'node:util';

/** Benchmark settings: flags win over BENCH_* environment variables, which win over defaults. */
export interface BenchConfig {
  adminUrl: string;
  customers: number;
  payments: number;
  /** Seconds measured per scenario, after a short warm-up. */
  duration: number;
  warmup: number;
  connections: number;
  setupOnly: boolean;
  /** The ceiling also sends the API's two API-key statements per request (a diagnostic). */
  ceilingAuth: boolean;
  /** Scenario names to run (all when empty). */
  only: string[];
}

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value.replaceAll('_', ''))) throw new Error(`${name} takes a whole number`);
  return Number(value.replaceAll('_', ''));
}

export function readBenchConfig(argv = process.argv.slice(2), env = process.env): BenchConfig {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      customers: { type: 'string' },
      payments: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      'setup-only': { type: 'boolean', default: false },
      'ceiling-auth': { type: 'boolean', default: false },
    },
  });
  return {
    adminUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    customers: whole('customers', values.customers ?? env.BENCH_CUSTOMERS, 1_000_000),
    payments: whole('payments', values.payments ?? env.BENCH_PAYMENTS, 10_000_000),
    duration: whole('duration', values.duration ?? env.BENCH_DURATION, 10),
    warmup: whole('warmup', values.warmup ?? env.BENCH_WARMUP, 2),
    connections: whole('connections', values.connections ?? env.BENCH_CONNECTIONS, 10),
    setupOnly: values['setup-only'] ?? false,
    ceilingAuth: (values['ceiling-auth'] ?? false) || env.BENCH_CEILING_AUTH === '1',
    only: (values.only ?? env.BENCH_ONLY ?? '').split(',').filter(Boolean),
  };
}
