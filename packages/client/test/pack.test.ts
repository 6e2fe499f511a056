import { execFile, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isolatedStore,
  runCli,
  startServerProcess,
  waitForHttp,
  type IsolatedStore,
} from '../../../apps/api/test/processes.js';

/**
 * The package as a merchant gets it: built, packed with `pnpm pack`, installed with npm into a
 * throwaway project outside the workspace that depends on nothing but `typescript` and the
 * tarball, type-checked there with skipLibCheck off, and run against the real API server (on
 * PGlite, or PostgreSQL when DATABASE_URL is set).
 */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consumerDir = path.join(packageDir, 'test/consumer');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function must(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** npm as a merchant runs it: none of the workspace's pnpm settings leak into the install. */
function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|pnpm_)/i.test(name) && name !== 'INIT_CWD',
    ),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const tsc = (project: string, tsconfig: string) =>
  run(
    process.execPath,
    [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', tsconfig],
    project,
  );

let packDir: string;
let project: string;
let tarball: string;
let store: IsolatedStore;
let server: (ChildProcess & { output: () => string }) | undefined;
let baseUrl: string;
let apiKey: string;

async function packAndInstall() {
  packDir = mkdtempSync(path.join(tmpdir(), 'peasswap-client-pack-'));
  // prepack bundles first (scripts/emit-router-types.ts, then tsdown).
  await must('pnpm', ['pack', '--pack-destination', packDir], packageDir);
  const file = readdirSync(packDir).find((name) => name.endsWith('.tgz'));
  if (!file) throw new Error('pnpm pack made no tarball');
  tarball = path.join(packDir, file);
  project = mkdtempSync(path.join(tmpdir(), 'peasswap-client-consumer-'));
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'merchant-app',
      private: true,
      type: 'module',
      dependencies: { typescript: '5.9.3', '@peasswap/client': `file:${tarball}` },
    }),
  );
  for (const file of readdirSync(consumerDir)) {
    copyFileSync(path.join(consumerDir, file), path.join(project, file));
  }
  // npm's own cache keeps repeated runs fast; the registry answers whatever it lacks.
  await must(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    project,
    outsideEnv(),
  );
}

async function startApi() {
  store = await isolatedStore();
  const bootstrap = await runCli(['bootstrap', '--json'], store.env);
  if (bootstrap.code !== 0) throw new Error(`bootstrap failed: ${bootstrap.stderr}`);
  apiKey = (JSON.parse(bootstrap.stdout) as { testKey: string }).testKey;
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = startServerProcess({ ...store.env, PORT: String(port), HOST: '127.0.0.1' });
  await waitForHttp(`${baseUrl}/readyz`);
}

beforeAll(async () => {
  await Promise.all([packAndInstall(), startApi()]);
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await store?.cleanup();
  for (const dir of [project, packDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds compiled JavaScript and one self-contained declaration file', async () => {
    const entries = (await must('tar', ['tzf', tarball], packDir)).trim().split('\n').sort();
    expect(entries).toEqual([
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/package.json',
    ]);
    const manifest = JSON.parse(
      readFileSync(path.join(project, 'node_modules/@peasswap/client/package.json'), 'utf8'),
    );
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
      'standardwebhooks',
    ]);
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    const dist = path.join(project, 'node_modules/@peasswap/client/dist');
    // The declarations import nothing at all: not the API, not zod, not even tRPC.
    const declarations = readFileSync(path.join(dist, 'index.d.ts'), 'utf8');
    expect(declarations).not.toMatch(/\bfrom\s+["']|\bimport\(|\brequire\(/);
    const code = readFileSync(path.join(dist, 'index.js'), 'utf8');
    const imported = [...code.matchAll(/\bfrom\s+["']([^"']+)["']/g)].map((m) => m[1]);
    expect(new Set(imported)).toEqual(
      new Set(['@trpc/client', '@trpc/server/observable', 'standardwebhooks']),
    );
  });

  it('installs nothing of the API: no fastify, drizzle, database drivers, zod or domain', () => {
    const installed = readdirSync(path.join(project, 'node_modules')).filter(
      (n) => !n.startsWith('.'),
    );
    expect(installed.sort()).toEqual(
      ['@peasswap', '@stablelib', '@trpc', 'fast-sha256', 'standardwebhooks', 'typescript'].sort(),
    );
    expect(readdirSync(path.join(project, 'node_modules/@peasswap'))).toEqual(['client']);
  });

  it('type-checks a consumer with skipLibCheck off and only typescript and the tarball', async () => {
    const result = await tsc(project, 'tsconfig.json');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses to compile a misspelt field', async () => {
    const result = await tsc(project, 'tsconfig.misspelt.json');
    expect(result.code).toBe(2);
    const errors = result.stdout.trim().split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^misspelt\.ts\(\d+,\d+\): error TS2561: .*'emial' does not exist/);
  });

  it('publishes the API router type exactly: every procedure, input, output and error', async () => {
    const result = await run(
      process.execPath,
      [
        path.join(packageDir, 'node_modules/typescript/bin/tsc'),
        '-p',
        path.join(packageDir, 'test/fixtures/tsconfig.json'),
      ],
      packageDir,
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
    // tsc reads the whole API here: seconds alone, more beside the API's suite on two cores.
  }, 120_000);

  it('creates, pages, replays a retried create and surfaces a typed error on the real API', async () => {
    const result = await run(process.execPath, ['consumer.ts'], project, {
      ...outsideEnv(),
      PEASSWAP_BASE_URL: baseUrl,
      PEASSWAP_API_KEY: apiKey,
    });
    expect(result.code, `${result.stderr}\n${server?.output() ?? ''}`).toBe(0);
    const report = JSON.parse(result.stdout);

    expect(report.created).toHaveLength(3);
    for (const id of report.created) expect(id).toMatch(/^cus_/);
    // Newest first: Alan, Grace, then on the next page Ada.
    const [ada, grace, alan] = report.created;
    expect(report.firstPage).toEqual({ ids: [alan, grace], hasMore: true });
    expect(report.secondPage).toEqual({ ids: [ada], hasMore: false });

    const { attempts, firstAnswerId, retriedId, stored } = report.replay;
    expect(attempts).toHaveLength(2);
    expect(attempts[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(attempts[1].idempotencyKey).toBe(attempts[0].idempotencyKey);
    expect(attempts[0].replayed).toBeNull();
    expect(attempts[1].replayed).toBe('true');
    expect(retriedId).toBe(firstAnswerId);
    expect(stored).toEqual([retriedId]);

    expect(report.refused).toEqual({
      type: 'invalid_request_error',
      code: 'email_invalid',
      param: 'email',
      status: 400,
      requestId: expect.stringMatching(/^req_/),
    });
  });
});
