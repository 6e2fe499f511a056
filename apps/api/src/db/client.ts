import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Query, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle or the database itself: queries accept either. */
export type Executor = Pick<
  Database,
  'select' | 'insert' | 'update' | 'delete' | 'execute' | 'transaction'
>;

export interface DatabaseHandle {
  db: Database;
  /**
   * Where reads that may trail the latest writes go (lists, search, analytics, the CSV export): a
   * streaming replica's pool when a read URL is given, else `db` itself.
   */
  readDb: Database;
  engine: 'pglite' | 'postgres';
  /** Apply Drizzle's migrations; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /** Reach the primary. */
  ping(): Promise<void>;
  /** Reach the replica behind `readDb`; undefined when reads stay on the primary. */
  pingReplica: (() => Promise<void>) | undefined;
  /** Call `onNotify` with each NOTIFY payload on `channel`; resolves to the way to stop. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Close the pool, and the replica's. */
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
);

/** An arbitrary constant that serialises migrations across processes sharing one server. */
const MIGRATION_LOCK_ID = 7_246_113;

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** A streaming replica of `databaseUrl`'s database, for reads that may trail writes. */
  readDatabaseUrl?: string | undefined;
  dataDir: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.readDatabaseUrl);
  }
  // Refused rather than ignored: reads meant for a replica would silently land on the embedded one.
  if (options.readDatabaseUrl) {
    throw new Error('A read database is a replica of a PostgreSQL one: the embedded has none.');
  }
  return openPglite(options.dataDir);
}

/**
 * The name the read pool's connections carry (pg_stat_activity on the replica), so an operator
 * tells them from anything else connected there.
 */
export const READ_APPLICATION_NAME = 'peasswap_reads';

/** `memory://` keeps an embedded database in memory only (tests); anything else is a folder. */
async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // Imported here, not at the top, so a server on PostgreSQL never loads PGlite's modules.
  const [
    { PGlite },
    { btree_gin },
    { pg_trgm },
    { drizzle: drizzlePglite },
    { migrate: migratePglite },
  ] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(dataDir, { extensions: { btree_gin, pg_trgm } });
  const db = drizzlePglite({ client, schema });
  return {
    db: db as unknown as Database,
    readDb: db as unknown as Database,
    engine: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await client.query('select 1');
    },
    pingReplica: undefined,
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
}

function openPostgres(url: string, poolSize: number, readUrl: string | undefined): DatabaseHandle {
  const client = postgres(url, { max: poolSize, onnotice: () => undefined });
  const db = drizzlePostgres({ client, schema });
  // A pool of its own: prepared statements are cached per handle (queries/prepared.ts), so the
  // replica's are prepared on its connections, never looked up in the primary's cache.
  const readClient =
    readUrl === undefined
      ? undefined
      : postgres(readUrl, {
          max: poolSize,
          onnotice: () => undefined,
          connection: { application_name: READ_APPLICATION_NAME },
        });
  return {
    db: db,
    readDb: readClient ? drizzlePostgres({ client: readClient, schema }) : db,
    engine: 'postgres',
    migrate: async () => {
      // Migrations run on a single dedicated connection holding an advisory lock, so several
      // processes starting together apply them exactly once.
      const migrationClient = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        const migrationDb = drizzlePostgres({ client: migrationClient });
        await migrationDb.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
        try {
          await migratePostgres(migrationDb, { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await migrationDb.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
        }
      } finally {
        await migrationClient.end();
      }
    },
    ping: async () => {
      await client`select 1`;
    },
    pingReplica:
      readClient &&
      (async () => {
        await readClient`select 1`;
      }),
    listen: async (channel, onNotify) => {
      const subscription = await client.listen(channel, onNotify);
      return () => subscription.unlisten();
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), readClient?.end({ timeout: 5 })]);
    },
  };
}

/** What preparedStatement reaches inside a Drizzle database or transaction. */
interface SessionOf {
  _: {
    session: {
      dialect: { sqlToQuery(statement: SQL): Query };
      prepareQuery(
        query: Query,
        fields: undefined,
        name: string,
        arrayMode: false,
      ): PreparedStatement;
    };
  };
}

/** A statement built once: `execute` binds the values of its placeholders. */
export interface PreparedStatement {
  execute(values: Record<string, unknown>): Promise<unknown>;
}

/**
 * `statement` (with `sql.placeholder`s) as a named prepared statement, what `.prepare(name)` makes
 * of a Drizzle query builder, for a raw statement. On PostgreSQL each pooled connection parses and
 * plans its text once, then only binds and runs it (postgres.js keys statements by their text);
 * `db.execute` sends an unnamed one, parsed and planned every time, which for a statement of
 * several CTEs costs more of the database's CPU than running it. Keep one with
 * queries/prepared.ts `prepared`, so its SQL is built once too.
 */
export function preparedStatement(db: Executor, statement: SQL): PreparedStatement {
  const { session } = (db as unknown as SessionOf)._;
  return session.prepareQuery(session.dialect.sqlToQuery(statement), undefined, 'hot', false);
}

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite; callers want rows. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

/** The SQLSTATE of a driver error, which Drizzle wraps in `cause`. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
