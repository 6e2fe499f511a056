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
  stop(): Promise<void>;
}

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

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up:\n${output()}`);
}

/** Any server script of this package in its own process, up once `readyPath` answers. */
export async function startProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
): Promise<RunningServer> {
  const port = await freePort();
  // The API runs as `pnpm start` runs it in production: compiled (dist/, built by `pnpm bench`),
  // on plain Node. Bench-only scripts (the ceiling, receivers) keep tsx.
  const args =
    script === 'src/main.ts'
      ? ['--enable-source-maps', '--conditions=compiled', 'dist/main.js']
      : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, {
    cwd: API_DIR,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
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
  return {
    name,
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The real server (src/main.ts): PostgreSQL, rate limits out of the way, warnings only. */
export function startApi(databaseUrl: string): Promise<RunningServer> {
  return startProcess(
    'api',
    'src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000000',
      RATE_LIMIT_BURST: '1000000000',
    },
    '/readyz',
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
