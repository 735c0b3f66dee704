import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Department call lists and statistics at ten million calls (bench/lists.ts). Frozen.
 *
 * - `calls_by_time` gains the owner: a department page walks the newest calls in time order
 *   and keeps those whose owner is in reach (store/calls.ts, listCalls); with the owner in
 *   the index that walk reads the index alone and visits the table only for the page.
 * - PostgreSQL learns how many distinct days `started_at / 86400000` has (statistics by
 *   day group by it): without them it expects a group per call and sorts on disk; with them
 *   it aggregates in a small hash table (EXPLAIN ANALYZE, 10M calls, a month of a
 *   2,000-person department: 194 → 110 ms).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('calls_by_time').execute();
  await db.schema
    .createIndex('calls_by_time')
    .on('calls')
    .columns(['account_id', 'started_at', 'id', 'user_id'])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create statistics calls_by_day on (started_at / 86400000) from calls`.execute(db);
  }
}
