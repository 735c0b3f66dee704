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
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema !== null) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return { db, dialect: 'postgres', schema: schema ?? 'public', close: () => db.destroy() };
}

/**
 * Refreshes the planner's statistics after a bulk load: with them SQLite scans a
 * one-account table instead of walking an index row by row, and PostgreSQL picks its plans
 * from real counts.
 */
export async function analyze(db: Kysely<Database>): Promise<void> {
  await sql`analyze`.execute(db);
}

/**
 * PostgreSQL's invalid_schema_name. Kysely's migrator lists the tables of every schema to
 * find its own; when another session drops a schema during that listing (test suites do,
 * each dropping its own), the listing fails on the vanished one. Nothing of ours is wrong
 * and nothing was applied yet, so the migration is tried again.
 */
const SCHEMA_VANISHED = '3F000';
const MIGRATION_ATTEMPTS = 10;

async function migrate(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  // Name the schema: otherwise Kysely takes another schema's migration table for ours.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  let { error, results } = await migrator.migrateToLatest();
  for (
    let attempt = 1;
    attempt < MIGRATION_ATTEMPTS &&
    (error as { code?: unknown } | undefined)?.code === SCHEMA_VANISHED;
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
