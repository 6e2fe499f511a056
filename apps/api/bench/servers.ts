import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The two servers under test, each in its own Node process on loopback. */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningServer {
  name: string;
  url: string;
  /** The server process's id: benches read its memory in /proc/<pid>/status. */
  pid: number | undefined;
  /** Milliseconds from spawning the process to the first good answer on its ready path. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * How the API's TypeScript is run: `compiled` as `pnpm start` (dist/, built by `pnpm bench`, on
 * plain Node); `tsx` as `pnpm dev` did in production before, src/ through the tsx loader (in the
 * server's own process: the `tsx` command would add a watching parent process of its own).
 */
export type Runtime = 'compiled' | 'tsx';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** `/readyz` must answer 200 (it answers 503 while the database is away); other paths any non-5xx. */
async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  const ready = (status: number) => (url.endsWith('/readyz') ? status === 200 : status < 500);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (ready(response.status)) return;
    } catch {
      // not listening yet
    }
    // Short, so the time to ready (the runtime bench's cold start) is late by at most this much.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} did not come up:\n${output()}`);
}

/** Any server script of this package in its own process, up once `readyPath` answers. */
export async function startProcess(
  name: string,
  script: string,
  /** Added to this process's environment; `undefined` removes a variable. */
  env: Record<string, string | undefined>,
  readyPath: string,
  runtime: Runtime = 'compiled',
): Promise<RunningServer> {
  const port = await freePort();
  // The API runs as `pnpm start` runs it in production: compiled (dist/, built by `pnpm bench`),
  // on plain Node, unless the runtime bench asks for tsx. Bench-only scripts (the ceiling,
  // receivers) keep tsx.
  const args =
    script === 'src/main.ts' && runtime === 'compiled'
      ? ['--enable-source-maps', '--conditions=compiled', 'dist/main.js']
      : ['--import', 'tsx', script];
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) childEnv[name] = value;
  }
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: API_DIR,
    env: { ...childEnv, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${readyPath}`, child, () => output);
  const readyMs = performance.now() - spawnedAt;
  return {
    name,
    url,
    pid: child.pid,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface ApiOptions {
  /** `api` unless told: several servers at once need names of their own. */
  name?: string;
  runtime?: Runtime;
  /** Extra environment, e.g. PGAPPNAME to tell this process's PostgreSQL backends apart. */
  env?: Record<string, string>;
}

/** The real server (src/main.ts): rate limits out of the way, warnings only. */
function apiEnvironment(): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_SECOND: '1000000000',
    RATE_LIMIT_BURST: '1000000000',
  };
}

/** The real server on PostgreSQL. */
export function startApi(databaseUrl: string, options: ApiOptions = {}): Promise<RunningServer> {
  return startProcess(
    options.name ?? 'api',
    'src/main.ts',
    { ...apiEnvironment(), ...options.env, DATABASE_URL: databaseUrl },
    '/readyz',
    options.runtime,
  );
}

/** The real server on PGlite in `dataDir` (no DATABASE_URL, even if the bench was given one). */
export function startApiOnPglite(
  dataDir: string,
  options: ApiOptions = {},
): Promise<RunningServer> {
  return startProcess(
    options.name ?? 'api',
    'src/main.ts',
    { ...apiEnvironment(), ...options.env, DATABASE_URL: undefined, DATA_DIR: dataDir },
    '/readyz',
    options.runtime,
  );
}

export function startCeiling(
  databaseUrl: string,
  accountId: string,
  withAuth: boolean,
): Promise<RunningServer> {
  return startProcess(
    'ceiling',
    'bench/ceiling.ts',
    {
      DATABASE_URL: databaseUrl,
      BENCH_ACCOUNT_ID: accountId,
      BENCH_CEILING_AUTH: withAuth ? '1' : '0',
    },
    '/v1/customers?limit=1',
  );
}
