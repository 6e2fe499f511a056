import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { openStore } from './harness.js';
import { exitOf, isolatedStore, waitForHttp, type IsolatedStore } from './processes.js';

/**
 * The production runtime: `pnpm start` runs the compiled dist/main.js on plain Node (no TypeScript
 * loader), exactly as the API package's start script does, and a 500 it logs names the src/*.ts
 * lines it came from (source maps). The database refuses the probe's insert from a trigger, so the
 * failure is a real one, as in logs.test.ts.
 */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOMAIN_DIR = path.resolve(API_DIR, '../../packages/domain');
/** The API package's start script, less `node`: kept in step with package.json by the test below. */
const START_ARGS = ['--enable-source-maps', '--conditions=compiled', 'dist/main.js'];

const run = promisify(execFile);

async function build(dir: string): Promise<void> {
  await run(process.execPath, [path.join(dir, 'node_modules/tsdown/dist/run.mjs')], {
    cwd: dir,
    timeout: 120_000,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let store: IsolatedStore;
let child: ChildProcess;
let output = '';
let url: string;
let key: string;

beforeAll(async () => {
  await build(DOMAIN_DIR);
  await build(API_DIR);
  store = await isolatedStore();
  const database = await openStore(store);
  await database.migrate();
  await database.db.execute(
    sql.raw(`create function refuse_probe() returns trigger language plpgsql as $$
      begin raise exception 'refusing the probe' using errcode = 'P0001'; end $$`),
  );
  await database.db.execute(
    sql.raw(`create trigger refuse_probe before insert on customers for each row
      when (new.name like 'Probe%') execute function refuse_probe()`),
  );
  key = (await createAccountWithKeys(database.db, 'Runtime merchant')).testKey.secret;
  await database.close();

  const port = await freePort();
  const { DATABASE_URL: _url, DATA_DIR: _dir, INIT_CWD: _cwd, ...rest } = process.env;
  child = spawn(process.execPath, START_ARGS, {
    cwd: API_DIR,
    env: {
      ...rest,
      ...store.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      OUTPUT_CHECKS: 'strict',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`);
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await exitOf(child);
  }
  await store?.cleanup();
});

describe('production runtime', () => {
  it('start the compiled server with the same command as the package start script', async () => {
    const { default: pkg } = (await import('../package.json', { with: { type: 'json' } })) as {
      default: { scripts: Record<string, string> };
    };
    expect(pkg.scripts.start).toBe(['node', ...START_ARGS].join(' '));
    expect(pkg.scripts.start).not.toMatch(/tsx|--import|--loader/);
  });

  it('log a 500 with a stack that names src/*.ts lines, not dist/*.js', async () => {
    const res = await fetch(`${url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Probe Runtime', email: 'probe.runtime@example.com' }),
    });
    expect(res.status).toBe(500);
    const answer = await res.text();
    expect(JSON.parse(answer).error.code).toBe('api_error');
    expect(answer).not.toMatch(/\.ts\b|\.js\b|\bat |refusing/);
    const requestId = res.headers.get('request-id');
    const errorLine = () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as Record<string, any>)
        .find((entry) => entry.level === 50 && entry.reqId === requestId && entry.err);
    // The child's stdout may trail its answer a little.
    for (let waited = 0; !errorLine() && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const failure = errorLine();
    expect(failure, `an error line for ${requestId} in:\n${output}`).toBeDefined();
    const stacks: string[] = [];
    for (let err = failure?.err; err; err = err.cause) stacks.push(String(err.stack));
    const ours = stacks
      .join('\n')
      .split('\n')
      .filter((line) => line.includes(API_DIR) && !line.includes('node_modules'));
    expect(ours.length, stacks.join('\n---\n')).toBeGreaterThan(0);
    for (const line of ours) expect(line).toMatch(/\/src\/[\w/.-]+\.ts:\d+:\d+\)?$/);
  });
});
