import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL: `calls` becomes a table partitioned by month of `started_at` (issue 15, item
 * 3; ARCHITECTURE.md, "Partitioned call history"). SQLite keeps one table: nothing here.
 * Frozen.
 *
 * In place, all or nothing: Kysely runs a PostgreSQL migration in one transaction, so a
 * failure at any step (a view over `calls` that stops the drop, a full disk while rows
 * move) leaves the old table as it was. The steps:
 *
 * - lock `calls` against writes, create `calls_partitioned` with the same columns,
 *   partitioned by range of `started_at`;
 * - a partition per month that holds calls (`calls_y2026m12`), and `calls_default` for
 *   anything no month partition takes (an odd date never fails an ingest); the server
 *   creates the months ahead (store/partitions.ts);
 * - every row moved, counted on both sides;
 * - the old table dropped, the new one renamed to `calls`;
 * - the keys and indexes again, on the partitioned table (so on every partition, and on
 *   every partition created later):
 *   - the primary key must hold the partition key: `(account_id, id, started_at)`. An id is
 *     still one call per account: ingest checks the ids under the account's row lock
 *     (store/calls.ts, lockAccountCalls), where the old key only caught a race by failing;
 *   - `calls_by_seq` (Bitrix24's numeric ID) can no longer be unique across partitions; the
 *     numbers are given out under the account's row lock, one conditional update each
 *     batch (insertCalls), so they never repeat, and the index stays for `FILTER[>ID]`;
 *   - `calls_by_time`, `calls_by_owner_time`, `calls_for_stats`: as they were, now per
 *     partition, so a one-month window reads one partition's covering index;
 *   - the foreign key to `accounts` (an account's deletion still takes its calls);
 *   - the `calls_by_day` statistics, on the parent and on each partition (the planner
 *     reads a pruned partition's own).
 *
 * Nothing references `calls` by a foreign key (recordings, playback sessions and what
 * others add name a call by `(account_id, id)` and are looked up, not enforced), so no
 * constraint elsewhere has to change.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`lock table calls in access exclusive mode`.execute(db);
  await sql`create table calls_partitioned (like calls including defaults)
    partition by range (started_at)`.execute(db);
  const { rows: months } = await sql<{ month: number }>`
    select distinct (extract(year from t) * 12 + extract(month from t) - 1)::int as month
    from (select to_timestamp(started_at / 1000.0) at time zone 'UTC' as t from calls) as c
    order by month`.execute(db);
  for (const { month } of months) {
    const year = Math.floor(month / 12);
    // Names have four-digit years; a call dated outside them stays in the default partition.
    if (year < 1000 || year > 9999) continue;
    const from = Date.UTC(year, month % 12, 1);
    const to = Date.UTC(year, (month % 12) + 1, 1);
    const name = `calls_y${year}m${String((month % 12) + 1).padStart(2, '0')}`;
    await sql`create table ${sql.id(name)} partition of calls_partitioned
      for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(db);
  }
  await sql`create table calls_default partition of calls_partitioned default`.execute(db);

  await sql`insert into calls_partitioned select * from calls`.execute(db);
  const { rows: counts } = await sql<{ before: string; after: string }>`
    select (select count(*) from calls) as before,
      (select count(*) from calls_partitioned) as after`.execute(db);
  const [count] = counts;
  if (count === undefined || count.before !== count.after)
    throw new Error(`calls: ${count?.before} rows, ${count?.after} moved`);

  await sql`drop table calls`.execute(db);
  await sql`alter table calls_partitioned rename to calls`.execute(db);
  await sql`alter table calls add constraint calls_pk
    primary key (account_id, id, started_at)`.execute(db);
  await sql`alter table calls add constraint calls_account_id_fkey
    foreign key (account_id) references accounts (id) on delete cascade`.execute(db);
  await sql`create index calls_by_time on calls (account_id, started_at, id, user_id)`.execute(db);
  await sql`create index calls_by_owner_time on calls
    (account_id, user_id, started_at, id, status, duration_sec, cost_micros)`.execute(db);
  await sql`create index calls_for_stats on calls
    (account_id, started_at, user_id, status, duration_sec, cost_micros)`.execute(db);
  await sql`create index calls_by_seq on calls (account_id, seq)`.execute(db);
  await sql`create statistics calls_by_day on (started_at / 86400000) from calls`.execute(db);
  const { rows: partitions } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'calls'::regclass`.execute(db);
  for (const { name } of partitions) {
    await sql`create statistics ${sql.id(`${name}_by_day`)}
      on (started_at / 86400000) from ${sql.id(name)}`.execute(db);
  }
  await sql`analyze calls`.execute(db);
}
