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
  /** Scenario names to run (all when empty); `billing` is the billing engine's part. */
  only: string[];
  /** Measured starts per variant in the runtime part (`--only runtime`). */
  runtimeStarts: number;
  billing: {
    /** Subscriptions due at once, renewed by each measured run. */
    due: number;
    /** Subscriptions not due, in another account: what an empty pass must not read. */
    idle: number;
    /** Empty passes timed, in each state. */
    emptyPasses: number;
    /** Processes billing at once, one run each. */
    processes: number[];
    /** Write a `--cpu-prof` profile of each billing process (diagnostic). */
    cpuProfile: boolean;
  };
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
      'billing-due': { type: 'string' },
      'billing-idle': { type: 'string' },
      'billing-empty-passes': { type: 'string' },
      'billing-processes': { type: 'string' },
      'billing-cpu-prof': { type: 'boolean', default: false },
      'runtime-starts': { type: 'string' },
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
    runtimeStarts: Math.max(
      1,
      whole('runtime-starts', values['runtime-starts'] ?? env.BENCH_RUNTIME_STARTS, 3),
    ),
    billing: {
      due: whole('billing-due', values['billing-due'] ?? env.BENCH_BILLING_DUE, 100_000),
      idle: whole('billing-idle', values['billing-idle'] ?? env.BENCH_BILLING_IDLE, 1_000_000),
      emptyPasses: whole(
        'billing-empty-passes',
        values['billing-empty-passes'] ?? env.BENCH_BILLING_EMPTY_PASSES,
        200,
      ),
      processes: (values['billing-processes'] ?? env.BENCH_BILLING_PROCESSES ?? '1,2')
        .split(',')
        .filter(Boolean)
        .map((n) => whole('billing-processes', n, 1)),
      cpuProfile: (values['billing-cpu-prof'] ?? false) || env.BENCH_BILLING_CPU_PROF === '1',
    },
  };
}
