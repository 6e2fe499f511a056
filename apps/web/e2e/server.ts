import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

/**
 * The real thing, as an operator runs it: `vite build`, `pnpm cli bootstrap --json` and
 * `users create` on a fresh database, then the API server process serving the built dashboard.
 * PGlite in a temporary folder by default; with DATABASE_URL, a new database on that server.
 */
const webDir = fileURLToPath(new URL('..', import.meta.url));
const apiDir = path.resolve(webDir, '../api');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function must(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** Build the dashboard the server will serve (a second or two; never a stale dist). */
export async function buildDashboard(): Promise<void> {
  const vite = path.join(webDir, 'node_modules/vite/bin/vite.js');
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build: test
  // what `pnpm start` ships.
  await must([vite, 'build', '--logLevel', 'warn'], webDir, {
    ...process.env,
    NODE_ENV: 'production',
  });
}

interface FreshDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function freshDatabase(): Promise<FreshDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'peasswap-e2e-'));
    return {
      env: { DATA_DIR: dataDir },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `peasswap_e2e_${Date.now()}_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
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

export interface Credentials {
  email: string;
  password: string;
}

export interface Dashboard {
  url: string;
  accountId: string;
  testKey: string;
  liveKey: string;
  owner: Credentials;
  viewer: Credentials;
  /** A support user: customers and billing, no webhooks or events. */
  support: Credentials;
  /** What the server printed: shown when something fails. */
  output(): string;
  stop(): Promise<void>;
}

function childEnv(database: FreshDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    OUTPUT_CHECKS: 'strict',
    ...database.env,
    ...extra,
  };
  if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

const TSX = ['--import', 'tsx'];

export async function startDashboard(): Promise<Dashboard> {
  const [database] = await Promise.all([freshDatabase(), buildDashboard()]);
  let server: ChildProcess | undefined;
  try {
    const cli = (...args: string[]) =>
      must([...TSX, 'src/cli/main.ts', ...args, '--json'], apiDir, childEnv(database));
    const boot = JSON.parse(await cli('bootstrap')) as {
      accountId: string;
      testKey: string;
      liveKey: string;
      owner: Credentials;
    };
    const viewer = { email: 'viewer@example.com', password: 'viewer-password-1' };
    await cli(
      ...['users', 'create', '--account', boot.accountId, '--email', viewer.email],
      ...['--role', 'viewer', '--password', viewer.password],
    );
    const support = { email: 'support@example.com', password: 'support-password-1' };
    await cli(
      ...['users', 'create', '--account', boot.accountId, '--email', support.email],
      ...['--role', 'support', '--password', support.password],
    );

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const child = spawn(process.execPath, [...TSX, 'src/main.ts'], {
      cwd: apiDir,
      // Webhooks delivered at each commit (and retries looked for every second), as in production.
      env: childEnv(database, {
        PORT: String(port),
        HOST: '127.0.0.1',
        WEBHOOK_INTERVAL_SECONDS: '1',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntilReady(url, child, () => output);

    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      url,
      accountId: boot.accountId,
      testKey: boot.testKey,
      liveKey: boot.liveKey,
      owner: boot.owner,
      viewer,
      support,
      output: () => output,
      stop: async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        await database.drop();
      },
    };
  } catch (error) {
    server?.kill('SIGKILL');
    await database.drop();
    throw error;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready within 90 s:\n${output()}`);
}
