import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * `call_day_totals` (issue 13): the statistics' sums per account, UTC day and owner
 * (`user_key`, '' for calls no employee took, so the key has no null), written in the
 * transaction that records the calls. Statistics over whole days read these rows (about
 * people × days) instead of every call: an administrator's month on the large demo is
 * 60,000 rows, not 1,000,000. Backfilled here from the calls. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const table = db.schema
    .createTable('call_day_totals')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('calls', 'bigint', (c) => c.notNull())
    .addColumn('answered', 'bigint', (c) => c.notNull())
    .addColumn('missed', 'bigint', (c) => c.notNull())
    .addColumn('duration_sec', 'bigint', (c) => c.notNull())
    .addColumn('cost_micros', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_day_totals_pk', ['account_id', 'day', 'user_key']);
  // On SQLite the rows live in the key's order: a range of days is one read, no lookups.
  await (postgres ? table : table.modifyEnd(sql`without rowid`)).execute();
  // Per owner: the sums are in the index, so grouping by user reads no table rows.
  await db.schema
    .createIndex('call_day_totals_by_user')
    .on('call_day_totals')
    .columns([
      'account_id',
      'user_key',
      'day',
      'calls',
      'answered',
      'missed',
      'duration_sec',
      'cost_micros',
    ])
    .execute();
  await sql`
    insert into call_day_totals
      (account_id, day, user_key, calls, answered, missed, duration_sec, cost_micros)
    select account_id, started_at / 86400000, coalesce(user_id, ''), count(*),
      sum(case when status = 'answered' then 1 else 0 end),
      sum(case when status = 'missed' then 1 else 0 end),
      coalesce(sum(duration_sec), 0), coalesce(sum(cost_micros), 0)
    from calls
    group by account_id, started_at / 86400000, coalesce(user_id, '')`.execute(db);
}
