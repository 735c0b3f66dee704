import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresAdapter,
  type RawBuilder,
  sql,
} from 'kysely';
import { MAX_PARAMETERS } from './batch.js';
import type { DialectName, Executor } from './database.js';

/**
 * Every table as data, for backup and restore: which tables there are (read from the
 * database's own catalogue, not from a list in code, so a table a later migration adds is
 * carried without anyone remembering to; a partitioned table as one, its partitions being
 * where its rows live, not more rows), their columns, keys and foreign keys; rows read
 * a page at a time in key order; rows inserted in bulk; sequences moved past the ids.
 */
export interface TableInfo {
  readonly name: string;
  /** Insertable columns, in the table's own order. */
  readonly columns: readonly string[];
  /** The primary key's columns, in key order: pages are read in this order. */
  readonly primaryKey: readonly string[];
  /** The other tables this one's foreign keys name: they are restored first. */
  readonly references: readonly string[];
  /** Columns filled from a sequence (PostgreSQL serial or identity): reset after a restore. */
  readonly serialColumns: readonly string[];
  /** PostgreSQL `generated always as identity`: inserting ids needs `overriding system value`. */
  readonly identityAlways: boolean;
}

/** A row as read: column name → value. */
export type TableRow = Record<string, unknown>;

const INTERNAL_TABLES = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];

/**
 * The tables of the store's schema (Kysely's migration tables aside), parents before the
 * tables whose foreign keys name them. A table without a primary key cannot be paged in a
 * stable order, so it fails loudly rather than being skipped.
 *
 * @example const tables = await describeTables(trx, store.dialect, store.schema)
 */
export async function describeTables(
  db: Executor,
  dialect: DialectName,
  schema?: string,
): Promise<TableInfo[]> {
  const tables =
    dialect === 'sqlite'
      ? await describeSqlite(db)
      : await describePostgres(db, schema ?? 'public');
  for (const table of tables) {
    if (table.primaryKey.length === 0) {
      throw new Error(`table ${table.name} has no primary key: it cannot be backed up in pages`);
    }
  }
  return sortParentsFirst(tables);
}

async function describeSqlite(db: Executor): Promise<TableInfo[]> {
  const names = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite\\_%' escape '\\'
      and name not in (${sql.join(INTERNAL_TABLES)})
    order by name`.execute(db);
  const tables: TableInfo[] = [];
  for (const { name } of names.rows) {
    // table_info leaves generated columns out: they cannot be inserted anyway.
    const columns = await sql<{ name: string; pk: number }>`
      select name, pk from pragma_table_info(${name}) order by cid`.execute(db);
    const references = await sql<{ table: string }>`
      select "table" from pragma_foreign_key_list(${name})`.execute(db);
    tables.push({
      name,
      columns: columns.rows.map((c) => c.name),
      primaryKey: columns.rows
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      references: unique(references.rows.map((r) => r.table).filter((t) => t !== name)),
      // AUTOINCREMENT keeps its counter in sqlite_sequence, which inserts of ids move on.
      serialColumns: [],
      identityAlways: false,
    });
  }
  return tables;
}

async function describePostgres(db: Executor, schema: string): Promise<TableInfo[]> {
  const columns = await sql<{
    table: string;
    column: string;
    serial: boolean;
    identity: string;
  }>`
    select c.relname as "table", a.attname as "column", a.attidentity as "identity",
      (a.attidentity <> '' or coalesce(pg_get_expr(d.adbin, d.adrelid), '') like 'nextval(%') as "serial"
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition
      and a.attnum > 0
      and not a.attisdropped and a.attgenerated = ''
      and c.relname not in (${sql.join(INTERNAL_TABLES)})
    order by c.relname, a.attnum`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select c.relname as "table", a.attname as "column"
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where n.nspname = ${schema} and i.indisprimary
    order by c.relname, k.ord`.execute(db);
  const references = await sql<{ table: string; referenced: string }>`
    select c.relname as "table", r.relname as "referenced"
    from pg_constraint f
    join pg_class c on c.oid = f.conrelid
    join pg_class r on r.oid = f.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and f.contype = 'f'`.execute(db);
  const names = unique(columns.rows.map((c) => c.table));
  return names.map((name) => {
    const own = columns.rows.filter((c) => c.table === name);
    return {
      name,
      columns: own.map((c) => c.column),
      primaryKey: keys.rows.filter((k) => k.table === name).map((k) => k.column),
      references: unique(
        references.rows
          .filter((r) => r.table === name && r.referenced !== name)
          .map((r) => r.referenced),
      ),
      serialColumns: own.filter((c) => c.serial).map((c) => c.column),
      identityAlways: own.some((c) => c.identity === 'a'),
    };
  });
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Kahn's order, by name among equals, so the order is the same on every dialect. */
function sortParentsFirst(tables: readonly TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const sorted: TableInfo[] = [];
  while (sorted.length < tables.length) {
    const ready = tables
      .filter((t) => !done.has(t.name))
      .filter((t) => t.references.every((r) => done.has(r) || !byName.has(r)))
      .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
    if (ready === undefined) {
      const left = tables.filter((t) => !done.has(t.name)).map((t) => t.name);
      throw new Error(`foreign keys form a cycle among ${left.join(', ')}`);
    }
    done.add(ready.name);
    sorted.push(ready);
  }
  return sorted;
}

/**
 * A table's rows, `pageSize` at a time in primary-key order: each page starts after the
 * last key of the one before (keyset paging), so a million-row table is never in memory
 * and no page costs more than the first. Run it inside one read transaction for a
 * consistent picture of several tables.
 *
 * @example for await (const page of readPages(trx, table)) write(page)
 */
export async function* readPages(
  db: Executor,
  table: TableInfo,
  pageSize = 1000,
): AsyncGenerator<TableRow[]> {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
  let last: TableRow | undefined;
  for (;;) {
    const after: RawBuilder<unknown> =
      last === undefined
        ? sql``
        : sql`where (${key}) > (${sql.join(table.primaryKey.map((c) => last![c]))})`;
    const { rows } = await sql<TableRow>`
      select ${columns} from ${sql.table(table.name)} ${after}
      order by ${key} limit ${pageSize}`.execute(db);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1];
  }
}

/**
 * Inserts rows given as column → value into a table, as few statements as parameters
 * allow. PostgreSQL gets a page as one JSON parameter unpacked by `json_populate_recordset`
 * into the table's own row type: it parses one value instead of thousands of parameters,
 * which halves a million-row restore.
 */
export async function insertRows(
  db: Executor,
  table: TableInfo,
  columns: readonly string[],
  rows: readonly TableRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.join(columns.map((c) => sql.ref(c)));
  const overriding = table.identityAlways ? sql`overriding system value` : sql``;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const page = JSON.stringify(rows.map((row) => byteaAsText(row, columns)));
    await sql`insert into ${sql.table(table.name)} (${names}) ${overriding}
      select ${names} from json_populate_recordset(null::${sql.table(table.name)}, ${page}::json)`.execute(
      db,
    );
    return;
  }
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
  for (let i = 0; i < rows.length; i += size) {
    const values = rows
      .slice(i, i + size)
      .map((row) => sql`(${sql.join(columns.map((c) => row[c] ?? null))})`);
    await sql`insert into ${sql.table(table.name)} (${names}) ${overriding}
      values ${sql.join(values)}`.execute(db);
  }
}

/** Bytes as PostgreSQL's hex text form (`\x…`), which a JSON string can carry into bytea. */
function byteaAsText(row: TableRow, columns: readonly string[]): TableRow {
  const out: TableRow = {};
  for (const column of columns) {
    const value = row[column] ?? null;
    out[column] = value instanceof Uint8Array ? `\\x${Buffer.from(value).toString('hex')}` : value;
  }
  return out;
}

/** The first table that holds a row, or undefined when every table is empty. */
export async function firstNonEmptyTable(
  db: Executor,
  tables: readonly TableInfo[],
): Promise<string | undefined> {
  for (const table of tables) {
    const { rows } = await sql`select 1 as one from ${sql.table(table.name)} limit 1`.execute(db);
    if (rows.length > 0) return table.name;
  }
  return undefined;
}

/**
 * Moves each PostgreSQL sequence just past the highest id its column holds, so the next
 * row inserted without an id gets a fresh one. Rows restored with their ids never touched
 * the sequences. SQLite needs nothing: inserting an id moves AUTOINCREMENT's counter.
 */
export async function resetSequences(
  db: Executor,
  dialect: DialectName,
  schema: string | undefined,
  tables: readonly TableInfo[],
): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of tables) {
    for (const column of table.serialColumns) {
      const qualified = `"${schema ?? 'public'}"."${table.name}"`;
      await sql`
        select setval(pg_get_serial_sequence(${qualified}, ${column}),
          coalesce((select max(${sql.ref(column)}) from ${sql.table(table.name)}), 0) + 1, false)
      `.execute(db);
    }
  }
}

/** The names of the migrations applied to the database, in order (empty before the first). */
export async function appliedMigrations(db: Executor): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select name from ${sql.table(DEFAULT_MIGRATION_TABLE)} order by name`.execute(db);
  return rows.map((r) => r.name);
}
