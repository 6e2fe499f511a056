import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { createAccountWithKeys, createApiKey } from '../src/queries/accounts.js';
import type { IdempotencyFaults } from '../src/rest/plugins/idempotency.js';
import { buildServer } from '../src/server.js';
import type { HostResolver } from '../src/webhooks/destinations.js';
import { isolatedStore, type IsolatedStore } from './processes.js';
import type { AppRouter } from '../src/trpc/root.js';
import type { Permission } from '@peasswap/domain';

/**
 * The test harness: a real database (embedded PGlite in memory, or the PostgreSQL server named by
 * DATABASE_URL, with its replica DATABASE_READ_URL when set), migrated once per run, and a real
 * HTTP server per test file on a free port.
 * Tests isolate themselves by making fresh accounts, never by mocking.
 */
let shared: Promise<DatabaseHandle> | undefined;

export function testDatabase(): Promise<DatabaseHandle> {
  shared ??= (async () => {
    const database = await openDatabase({
      databaseUrl: process.env.DATABASE_URL,
      readDatabaseUrl: process.env.DATABASE_READ_URL,
      dataDir: 'memory://',
    });
    await database.migrate();
    return database;
  })();
  return shared;
}

export const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A database no other test touches (a fresh PGlite folder or PostgreSQL database), migrated. */
export async function openIsolatedDatabase(): Promise<{
  store: IsolatedStore;
  database: DatabaseHandle;
}> {
  const store = await isolatedStore();
  const database = await openStore(store);
  await database.migrate();
  return { store, database };
}

/** Open an isolated store's database (again, after a process that had it open has died). */
export function openStore(store: IsolatedStore): Promise<DatabaseHandle> {
  return openDatabase({
    databaseUrl: store.env.DATABASE_URL,
    readDatabaseUrl: store.env.DATABASE_READ_URL,
    dataDir: store.env.DATA_DIR ?? 'memory://',
  });
}

/** A real server on `database` whose every log line, at `trace`, lands in `lines`. */
export async function startLoggedServer(
  database: DatabaseHandle,
): Promise<TestServer & { lines: string[]; log: FastifyBaseLogger }> {
  const lines: string[] = [];
  const app = await buildServer({
    database,
    logLevel: 'trace',
    logStream: { write: (line) => lines.push(line) },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    close: () => app.close(),
    lines,
    log: app.log,
  };
}

export interface TestServer {
  url: string;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export async function startServer(
  options: {
    database?: DatabaseHandle;
    rateLimit?: { perSecond: number; burst: number };
    idempotencyFaults?: IdempotencyFaults;
    webhookResolver?: HostResolver;
  } = {},
): Promise<TestServer> {
  const database = options.database ?? (await testDatabase());
  const app = await buildServer({
    database,
    logLevel: 'silent',
    ...(options.rateLimit && { rateLimit: options.rateLimit }),
    ...(options.idempotencyFaults && { idempotencyFaults: options.idempotencyFaults }),
    ...(options.webhookResolver && { webhookResolver: options.webhookResolver }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, database, close: () => app.close() };
}

/**
 * A real server and a fresh account for one test file: the objects are filled in before the file's
 * tests run and the server is closed after them, so a file starts with one line.
 */
export function serverWithAccount(): { server: TestServer; account: TestAccount } {
  const server = {} as TestServer;
  const account = {} as TestAccount;
  beforeAll(async () => {
    Object.assign(server, await startServer());
    Object.assign(account, await newAccount());
  });
  afterAll(() => server.close());
  return { server, account };
}

export interface TestAccount {
  accountId: string;
  testKey: string;
  liveKey: string;
}

export async function newAccount(name = 'Test merchant'): Promise<TestAccount> {
  const { db } = await testDatabase();
  const { account, testKey, liveKey } = await createAccountWithKeys(db, name);
  return { accountId: account.id, testKey: testKey.secret, liveKey: liveKey.secret };
}

export async function restrictedKey(
  accountId: string,
  permissions: Permission[],
  environment: 'test' | 'live' = 'test',
): Promise<string> {
  const { db } = await testDatabase();
  return (await createApiKey(db, { accountId, environment, permissions })).secret;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** A REST call over real HTTP; `body` is parsed JSON (or undefined), `text` the exact bytes. */
export async function http<T = any>(
  server: TestServer,
  method: string,
  path: string,
  options: {
    key?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

export function trpcClient(
  server: TestServer,
  key: string | undefined,
  extraHeaders: Record<string, string> = {},
): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: () => ({ ...(key && { authorization: `Bearer ${key}` }), ...extraHeaders }),
      }),
    ],
  });
}

let sequence = 0;
/** A unique email per call, so tests never collide with one another's customers. */
export function uniqueEmail(label = 'customer'): string {
  sequence += 1;
  return `${label}.${Date.now().toString(36)}.${sequence}@example.com`;
}
