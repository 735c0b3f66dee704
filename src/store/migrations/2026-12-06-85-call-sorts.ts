import { type Kysely, sql } from 'kysely';

/**
 * The call list's other orders (issue 13): by duration and by cost, each way, paged by
 * keyset (store/calls.ts, listCalls). Each order walks its own index from the account's
 * first or last key, with the owner in the index so the scope is tested without the table.
 * A call without a cost is keyed -1 (`coalesce`, the same expression as the query's), since
 * SQLite and PostgreSQL put NULL at opposite ends. Plain indexes over `account_id`, which a
 * table partitioned by month of `started_at` can hold as well. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('calls_by_duration')
    .on('calls')
    .columns(['account_id', 'duration_sec', 'id', 'user_id'])
    .execute();
  await sql`create index calls_by_cost on calls (account_id, (coalesce(cost_micros, -1)), id, user_id)`.execute(
    db,
  );
}
