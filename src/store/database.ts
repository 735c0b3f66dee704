import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** Anything a repository can run on: the database, or a transaction opened at the edge. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The PostgreSQL schema the tables live in; undefined on SQLite. */
  readonly schema?: string;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds and micro-units, all far below 2^53.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Opens the store named by `url` and brings its schema up to date: `postgres://…` (or
 * `postgresql://…`; an optional `?schema=name` selects a schema, created if missing) or a
 * file path for the embedded SQLite database (`:memory:` for a throwaway one).
 *
 * @example const store = await openStore(process.env.DATABASE_URL ?? './callgate.db')
 */
export async function openStore(url: string): Promise<Store> {
  const store = /^postgres(ql)?:\/\//.test(url) ? await openPostgres(url) : openSqlite(url);
  try {
    await migrate(store.db, store.schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(path: string): Store {
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Scans of large call tables stay in memory: a 64 MiB page cache and memory-mapped reads.
  database.pragma('cache_size = -65536');
  database.pragma('mmap_size = 268435456');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema ${JSON.stringify(schema)}: use lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    types: pgTypes,
    max: 10,
    // A database that does not answer fails the request (503) instead of holding it forever.
    connectionTimeoutMillis: 5_000,
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  // A connection that drops (a PostgreSQL restart, a network cut) emits 'error' on its
  // client, and on the pool when idle; with no listener Node ends the process. The client is
  // not queryable afterwards: its query fails (503), the pool drops it on release and
  // connects anew, so the service recovers by itself once PostgreSQL is back.
  const ignore = (): void => undefined;
  pool.on('error', ignore);
  pool.on('connect', (client) => void client.on('error', ignore));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema !== null) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return { db, dialect: 'postgres', schema: schema ?? 'public', close: () => db.destroy() };
}

/** SQLite's "busy" and "locked" result codes, extended ones included (SQLITE_BUSY_SNAPSHOT, …). */
const SQLITE_CONTENTION = /^SQLITE_(BUSY|LOCKED)(_|$)/;

/** PostgreSQL states that mean "not now", not "wrong": class 08 (connection), 57P0x (shutdown). */
const PG_UNAVAILABLE = /^(08|57P0[1-3]|53300)/;

/** Messages pg and its pool give connection failures that carry no code. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether a database error says "the database cannot be reached or is busy right now" —
 * PostgreSQL down, restarting or out of connections, a connection cut, SQLite locked by
 * another writer — so the caller may retry (503) rather than having been refused.
 *
 * @example isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 */
export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_CONTENTION.test(code) || NETWORK_CODES.has(code)) return true;
    // SQLSTATEs are five characters; Node's network codes start with E.
    if (code.length === 5 && PG_UNAVAILABLE.test(code)) return true;
  }
  if (PG_CONNECTION_MESSAGES.some((text) => error.message.includes(text))) return true;
  // An AggregateError (several addresses refused) or a wrapped cause.
  const nested = error instanceof AggregateError ? error.errors : [error.cause];
  return nested.some((inner) => isStoreUnavailable(inner, depth + 1));
}

/**
 * Refreshes the planner's statistics after a bulk load: with them SQLite scans a
 * one-account table instead of walking an index row by row, and PostgreSQL picks its plans
 * from real counts.
 */
export async function analyze(db: Kysely<Database>): Promise<void> {
  await sql`analyze`.execute(db);
}

/** PostgreSQL's invalid_schema_name: a schema named in a query does not exist (any more). */
const SCHEMA_GONE = '3F000';

async function migrate(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  // Name the schema: otherwise Kysely takes another schema's migration table for ours.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((result) => result.status === 'Error');
    if (error === undefined && failed === undefined) return;
    // Kysely looks for its migration tables by introspecting every schema of the database;
    // another schema dropped meanwhile (parallel test suites do) fails that query, not ours.
    // A failed run is rolled back whole, so running it again is safe.
    if ((error as { code?: unknown } | undefined)?.code === SCHEMA_GONE && attempt < 3) continue;
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
