import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL: `call_day_totals` in day order with the sums (issue 15). A month of an
 * account's statistics is a range of days; the key `(account_id, day, user_key)` holds no
 * sums, so PostgreSQL read them from `call_day_totals_by_user` instead, owner first, where
 * the days are no range: every day of the account's (1.7M rows for the biggest account of
 * bench/scale.ts at 10M calls, 633 ms for its October). This index makes the month one
 * range, answered without the table. SQLite keeps its rows in the key's order (`without
 * rowid`): the key's range is the rows, nothing to add. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create index call_day_totals_by_day on call_day_totals (account_id, day, user_key)
    include (calls, answered, missed, duration_sec, cost_micros)`.execute(db);
}
