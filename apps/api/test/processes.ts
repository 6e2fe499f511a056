import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

/** Helpers for tests that run the real CLI and server as child processes. */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface IsolatedStore {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A database no other test touches: a fresh PGlite folder, or a fresh database on the PostgreSQL
 * server of DATABASE_URL (created here, dropped afterwards), read on DATABASE_READ_URL's replica
 * when set (`.ci/replica`'s is synchronous: it has the database once the create returns).
 */
export async function isolatedStore(): Promise<IsolatedStore> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(path.join(tmpdir(), 'peasswap-'));
    return {
      env: { DATA_DIR: dir },
      cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `peasswap_it_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const readUrl = process.env.DATABASE_READ_URL;
  const readTarget = readUrl === undefined ? undefined : new URL(readUrl);
  if (readTarget) readTarget.pathname = `/${name}`;
  return {
    env: {
      DATABASE_URL: target.toString(),
      ...(readTarget && { DATABASE_READ_URL: readTarget.toString() }),
    },
    cleanup: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _url,
    DATABASE_READ_URL: _readUrl,
    DATA_DIR: _dir,
    INIT_CWD: _cwd,
    ...rest
  } = process.env;
  return { ...rest, LOG_LEVEL: 'info', OUTPUT_CHECKS: 'strict', ...extra };
}

export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: API_DIR, env: childEnv(env), timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function startServerProcess(
  env: Record<string, string>,
  script: string[] = ['src/main.ts'],
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], {
    cwd: API_DIR,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms`);
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}
