import SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  DEFAULT_MIGRATION_TABLE,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type PostgresPool,
  type PostgresCursor,
  type PostgresPoolClient,
  type PostgresQueryResult,
  Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  type Transaction,
  sql,
} from 'kysely';
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
  /** The PostgreSQL pool's connections and waiting queries, for the metrics; SQLite has none. */
  readonly poolStats?: () => { total: number; idle: number; waiting: number };
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
 * `readOnly` opens a PostgreSQL hot standby (a read replica): nothing is created or
 * migrated there, since a standby refuses every write; its primary is migrated instead.
 *
 * @example const store = await openStore(process.env.DATABASE_URL ?? './callgate.db')
 */
export async function openStore(
  url: string,
  options: { readonly migrate?: boolean; readonly readOnly?: boolean } = {},
): Promise<Store> {
  const store = /^postgres(ql)?:\/\//.test(url)
    ? await openPostgres(url, options.readOnly === true)
    : openSqlite(url);
  // A restore leaves the schema alone until it knows which migration the backup was taken at.
  if (options.migrate === false || options.readOnly === true) return store;
  try {
    await migrateStore(store);
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
  const db = new Kysely<Database>({
    dialect: markingErrors(new SqliteDialect({ database: reusingStatements(database) })),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** How many prepared statements a SQLite store keeps: every query text the service runs, and room. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares every statement afresh, which costs more than running a small indexed
 * query (about 30 µs against a few, bench/http.ts). The service runs the same few hundred
 * query texts over and over, so prepared statements are kept by text, least recently used
 * out first. A statement still being iterated (a streamed query) is busy and cannot run
 * again meanwhile: such a caller gets a fresh one.
 */
function reusingStatements(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text) {
      const kept = statements.get(text);
      if (kept !== undefined && !kept.busy) {
        statements.delete(text);
        statements.set(text, kept);
        return kept;
      }
      const statement = database.prepare(text);
      if (kept === undefined) {
        if (statements.size >= STATEMENT_CACHE_SIZE)
          statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

async function openPostgres(url: string, readOnly: boolean): Promise<Store> {
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
  const db = new Kysely<Database>({
    dialect: markingErrors(new PostgresDialect({ pool: askingWithCallbacks(pool) })),
  });
  if (schema !== null && !readOnly)
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return {
    db,
    dialect: 'postgres',
    schema: schema ?? 'public',
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => db.destroy(),
  };
}

/**
 * The pool as Kysely asks it, with each query given to pg in its callback form.
 *
 * Through pg's promise form (`client.query(text, values)`, what Kysely calls) a loop of
 * list pages kept about a sixth of all it allocated alive through each young-generation
 * collection, nearly all of it pg's parsed rows, and promoted what survived: each scavenge
 * then copied about 2 MB and took 8–40 ms, where it takes 1–2 ms when nothing survives.
 * That pause was the p99 of a department head's page (bench/README.md). The same rows
 * asked for in the callback form, the promise made here, leave about 20 KB per scavenge
 * (`node --trace-gc-nvp`, and the heap profiler's sampling of objects that outlive a
 * scavenge). What inside pg's promise form keeps them was not pinned down; the test
 * "a page's rows do not outlive it" in test/postgres-gc.test.ts holds the outcome.
 */
function askingWithCallbacks(pool: pg.Pool): PostgresPool {
  // Kysely keeps a connection per client object: each pg client is wrapped once.
  const wrapped = new WeakMap<pg.PoolClient, CallbackClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let kept = wrapped.get(client);
      if (kept === undefined) wrapped.set(client, (kept = new CallbackClient(client)));
      return kept;
    },
    end: () => pool.end(),
  };
}

class CallbackClient implements PostgresPoolClient {
  readonly #client: pg.PoolClient;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    text: string | PostgresCursor<R>,
    values?: readonly unknown[],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // The dialect is made without `cursor`, so Kysely never streams through a client.
    if (typeof text !== 'string') throw new Error('streamed queries are not configured');
    return new Promise((resolve, reject) => {
      this.#client.query(text, values as unknown[], (error, result) => {
        if (error) reject(error);
        // pg's command is any string; Kysely's type names the ones it reads.
        else resolve(result as unknown as PostgresQueryResult<R>);
      });
    });
  }

  release(): void {
    this.#client.release();
  }
}

/** Errors the database driver raised, as opposed to anything else a request meets. */
const STORE_ERRORS = new WeakSet<object>();

/**
 * Marks an error as raised by the store. The driver wrapper ({@link markingErrors}) does it
 * for every error of a query, a connection or a transaction; tests that fake a store
 * failure do it too.
 */
export function markStoreError<T>(error: T): T {
  if (typeof error === 'object' && error !== null) STORE_ERRORS.add(error);
  return error;
}

function raisedByStore(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (STORE_ERRORS.has(error)) return true;
  return raisedByStore((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * `run`'s result, with any error it raises marked. Drivers throw synchronously too (Kysely's
 * SQLite connection runs better-sqlite3 before it makes a promise).
 */
function marking<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run().catch((error: unknown) => {
      throw markStoreError(error);
    });
  } catch (error) {
    // Whatever the driver threw, as it threw it: wrapping it would hide its code.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(markStoreError(error));
  }
}

async function* markingStream<R>(
  rows: () => AsyncIterableIterator<QueryResult<R>>,
): AsyncIterableIterator<QueryResult<R>> {
  try {
    yield* rows();
  } catch (error) {
    throw markStoreError(error);
  }
}

/**
 * The dialect with every error of its driver marked as the store's. A socket error such as
 * ECONNRESET means "the database connection dropped" only when the database's socket
 * raised it: the same code from a client that hung up mid-request must not be answered,
 * logged and alarmed on as a database outage (issue 10, item 13).
 */
function markingErrors(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new MarkingDriver(dialect.createDriver()),
  };
}

class MarkingDriver implements Driver {
  readonly #inner: Driver;
  /** Our connection → the driver's. */
  readonly #connections = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#connections.get(connection) ?? connection;
  }

  init(): Promise<void> {
    return marking(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await marking(() => this.#inner.acquireConnection());
    const connection: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery) => marking(() => inner.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
        markingStream(() => inner.streamQuery<R>(query, chunkSize)),
    };
    this.#connections.set(connection, inner);
    return connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return marking(() => this.#inner.beginTransaction(this.#unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return marking(() => this.#inner.commitTransaction(this.#unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return marking(() => this.#inner.rollbackTransaction(this.#unwrap(connection)));
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = this.#inner.savepoint?.bind(this.#inner);
    if (!inner) throw new Error('savepoints are not supported by this driver');
    return marking(() => inner(this.#unwrap(connection), name, compile));
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = this.#inner.rollbackToSavepoint?.bind(this.#inner);
    if (!inner) throw new Error('savepoints are not supported by this driver');
    return marking(() => inner(this.#unwrap(connection), name, compile));
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = this.#inner.releaseSavepoint?.bind(this.#inner);
    if (!inner) throw new Error('savepoints are not supported by this driver');
    return marking(() => inner(this.#unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return marking(() => this.#inner.releaseConnection(this.#unwrap(connection)));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
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
 * Whether an error the store raised says "the database cannot be reached or is busy right
 * now" — PostgreSQL down, restarting or out of connections, a connection cut, SQLite locked
 * by another writer — so the caller may retry (503) rather than having been refused. Only
 * errors the store raised count ({@link markStoreError}): a client's own socket raises the
 * same ECONNRESET when it hangs up, and that is no outage.
 *
 * @example isStoreUnavailable(markStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))) // true
 */
export function isStoreUnavailable(error: unknown): boolean {
  return raisedByStore(error) && saysUnavailable(error);
}

function saysUnavailable(error: unknown, depth = 0): boolean {
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
  return nested.some((inner) => saysUnavailable(inner, depth + 1));
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
 * What PostgreSQL answers Kysely's listing of every schema's tables when another process
 * drops a schema (3F000 invalid_schema_name), a table (42P01) or a column (42703) under it.
 */
const LISTING_RACED = new Set(['3F000', '42P01', '42703']);
/** Tries at migrating while other schemas vanish (a churn of test suites failed 16 in 30 once). */
const MIGRATION_ATTEMPTS = 10;

function migratorOf(store: Store): Migrator {
  // Name the schema: otherwise Kysely takes another schema's migration table for ours.
  return new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(store.schema !== undefined && { migrationTableSchema: store.schema }),
  });
}

/**
 * Brings the schema up to the migration named `target`, or to the latest. A restore runs
 * the backup's migrations first, then the rest once the data is in, so later migrations
 * transform restored rows as they would have transformed the originals.
 *
 * A schema already there is left alone without asking Kysely's migrator: to find its own
 * table the migrator lists the tables of every schema of the database, and on PostgreSQL
 * that listing fails ("schema … does not exist") when another process drops a schema at
 * the same moment, as parallel test suites do all the time. A schema that does need
 * migrating tries again on that failure (or a table or column of another schema vanishing
 * mid-listing): a failed run is rolled back whole.
 */
export async function migrateStore(store: Store, target?: string): Promise<void> {
  const { known, applied } = await migrationStatus(store);
  if (target !== undefined && !known.includes(target)) throw new Error(`no migration ${target}`);
  const goal = target === undefined ? known : known.slice(0, known.indexOf(target) + 1);
  if (goal.length === applied.length && goal.every((name, i) => applied[i] === name)) return;
  const migrator = migratorOf(store);
  for (let attempt = 1; ; attempt++) {
    const { error, results } =
      target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
    const failed = results?.find((result) => result.status === 'Error');
    if (error === undefined && failed === undefined) return;
    // Only a failure of the migrator's own listing, before any migration ran, is that race.
    const code = (error as { code?: unknown } | undefined)?.code;
    if (
      failed === undefined &&
      typeof code === 'string' &&
      LISTING_RACED.has(code) &&
      attempt < MIGRATION_ATTEMPTS
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      continue;
    }
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The migrations this build knows and those applied to the store, each in order; none are
 * applied to a database never opened. Reads the store's own schema only (see above).
 */
export async function migrationStatus(
  store: Store,
): Promise<{ known: string[]; applied: string[] }> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const table =
    store.dialect === 'sqlite'
      ? sql`select 1 from sqlite_master where type = 'table' and name = ${DEFAULT_MIGRATION_TABLE}`
      : sql`select 1 from pg_catalog.pg_tables
            where schemaname = ${store.schema ?? 'public'} and tablename = ${DEFAULT_MIGRATION_TABLE}`;
  if ((await table.execute(store.db)).rows.length === 0) return { known, applied: [] };
  const qualified =
    store.schema === undefined
      ? sql.table(DEFAULT_MIGRATION_TABLE)
      : sql.table(`${store.schema}.${DEFAULT_MIGRATION_TABLE}`);
  const { rows } = await sql<{ name: string }>`
    select name from ${qualified} order by name`.execute(store.db);
  return { known, applied: rows.map((row) => row.name) };
}
