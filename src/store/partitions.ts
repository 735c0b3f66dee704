import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Executor } from './database.js';
import type { Database } from './schema.js';

/**
 * The monthly partitions of `calls` on PostgreSQL (migration 2026-12-06-80; ARCHITECTURE.md,
 * "Partitioned call history"). SQLite keeps one table and has nothing to do here.
 */

/** The partition that holds calls of the UTC month starting at `from` (ms). */
export function callPartitionName(from: number): string {
  const start = new Date(from);
  const month = String(start.getUTCMonth() + 1).padStart(2, '0');
  return `calls_y${start.getUTCFullYear()}m${month}`;
}

/** The UTC month around `at`, `offset` months on: its first and its next month's first ms. */
export function monthBounds(at: number, offset = 0): { from: number; to: number } {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + offset;
  return { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
}

/**
 * Makes sure `calls` has a partition for this month and the `ahead` months after it, and
 * one for every month the default partition holds calls of (an import of old history, a
 * clock far off), moving those calls into it. Returns the partitions created.
 *
 * Every server runs it (at start and daily), so it is idempotent and serialised: a
 * transaction-scoped advisory lock per schema lets one server at a time look and create,
 * and a partition already there is left alone. A no-op where `calls` is not partitioned
 * (SQLite, or PostgreSQL before the migration).
 */
export async function ensureCallPartitions(
  db: Kysely<Database>,
  options: { readonly now: number; readonly ahead: number },
): Promise<string[]> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return [];
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.calls partitions'))`.execute(
      trx,
    );
    const partitioned = await sql<{ one: number }>`
      select 1 as one from pg_partitioned_table p
      where p.partrelid = to_regclass('calls')`.execute(trx);
    if (partitioned.rows.length === 0) return [];
    const months = new Map<number, number>();
    for (let i = 0; i <= options.ahead; i++) {
      const { from, to } = monthBounds(options.now, i);
      months.set(from, to);
    }
    const { rows: held } = await sql<{ at: number }>`
      select min(started_at) as at
      from (select started_at, to_timestamp(started_at / 1000.0) at time zone 'UTC' as t
            from calls_default) as d
      group by extract(year from t), extract(month from t)`.execute(trx);
    for (const { at } of held) {
      const { from, to } = monthBounds(Number(at));
      const year = new Date(from).getUTCFullYear();
      if (year >= 1000 && year <= 9999) months.set(from, to);
    }
    const { rows: existing } = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'calls'::regclass`.execute(trx);
    const have = new Set(existing.map((row) => row.name));
    const created: string[] = [];
    for (const [from, to] of [...months].sort((a, b) => a[0] - b[0])) {
      const name = callPartitionName(from);
      if (have.has(name)) continue;
      await createMonthPartition(trx, name, from, to);
      created.push(name);
    }
    return created;
  });
}

/**
 * A month's partition. When the default partition holds calls of that month, PostgreSQL
 * refuses to create the partition over them: they move first, into a table made like
 * `calls` and attached afterwards (attaching builds its share of every index).
 */
async function createMonthPartition(
  trx: Executor,
  name: string,
  from: number,
  to: number,
): Promise<void> {
  const table = sql.id(name);
  const range = sql`for values from (${sql.lit(from)}) to (${sql.lit(to)})`;
  const { rows } = await sql<{ one: number }>`
    select 1 as one from calls_default
    where started_at >= ${from} and started_at < ${to} limit 1`.execute(trx);
  if (rows.length === 0) {
    await sql`create table ${table} partition of calls ${range}`.execute(trx);
  } else {
    await sql`create table ${table} (like calls including defaults)`.execute(trx);
    await sql`
      with moved as (
        delete from calls_default where started_at >= ${from} and started_at < ${to}
        returning *)
      insert into ${table} select * from moved`.execute(trx);
    await sql`alter table calls attach partition ${table} ${range}`.execute(trx);
  }
  await sql`create statistics ${sql.id(`${name}_by_day`)}
    on (started_at / 86400000) from ${table}`.execute(trx);
}
