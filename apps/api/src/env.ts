import path from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_AUTH_FAILURES_PER_IP,
  DEFAULT_SIGN_IN_FAILURES_PER_IP,
} from './rest/plugins/rate-limit.js';

/** The only reader of process.env: everything configurable, validated once at start. */
const EnvSchema = z.object({
  DATABASE_URL: z.url().optional(),
  /**
   * A streaming replica of DATABASE_URL's database: lists, search, analytics and the CSV export
   * read there (README, "Read replicas"). Unset: every read goes to DATABASE_URL.
   */
  DATABASE_READ_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs,
   * Fastify's trustProxy). Unset: the TCP peer is the client, as when nothing sits in front.
   */
  TRUST_PROXY: z.string().min(1).optional(),
  /**
   * Where rate-limit counts live: `database` shares them between every server process on the
   * database, `memory` keeps them per process. Default: `database` on PostgreSQL, `memory` on PGlite.
   */
  RATE_LIMIT_STORE: z.enum(['memory', 'database']).optional(),
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(100),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(200),
  RATE_LIMIT_AUTH_FAILURES_PER_IP: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_AUTH_FAILURES_PER_IP.failures),
  RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_AUTH_FAILURES_PER_IP.windowSeconds),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_IP: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_SIGN_IN_FAILURES_PER_IP.failures),
  RATE_LIMIT_SIGN_IN_FAILURE_WINDOW_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_SIGN_IN_FAILURES_PER_IP.windowSeconds),
  /** How often the server purges expired rows; 0 leaves it to `pnpm cli housekeeping`. */
  HOUSEKEEPING_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  /** How often the server runs a billing pass; 0 leaves billing to `pnpm cli billing run`. */
  BILLING_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * How often the server looks for webhook retries falling due (new deliveries wake it at once);
   * 0 leaves delivery to `pnpm cli webhooks deliver`.
   */
  WEBHOOK_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(5),
  /**
   * The key of card fingerprints (and of card fields in idempotent requests' hashes). Unset: a
   * random secret the first server creates in the database. Setting it keeps the key out of the
   * database and its dumps; changing it changes every fingerprint made after.
   */
  FINGERPRINT_SECRET: z.string().min(32, 'At least 32 characters.').optional(),
  /**
   * Whether answers are checked against their procedures' output schemas (src/trpc/output-checks.ts):
   * `off` in production, `strict` in every test, where a difference is a 500.
   */
  OUTPUT_CHECKS: z.enum(['off', 'strict']).default('off'),
  /** pnpm runs package scripts in the package folder; a relative DATA_DIR means the caller's. */
  INIT_CWD: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema> & { dataDir: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  if (env.DATABASE_READ_URL !== undefined && env.DATABASE_URL === undefined) {
    throw new Error(
      'Invalid environment: DATABASE_READ_URL: a replica of DATABASE_URL, which is unset (the embedded database has no replicas).',
    );
  }
  const base = env.INIT_CWD ?? process.cwd();
  return { ...env, dataDir: path.resolve(base, env.DATA_DIR) };
}
