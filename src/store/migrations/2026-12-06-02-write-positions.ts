import type { Kysely } from 'kysely';

/**
 * Read replicas (issue 15): each user's last write, as the primary's WAL position (bytes),
 * so that any server sends that user's reads to the primary until the replica has replayed
 * past it (store/read-replica.ts). Written and read on the primary only; unused on SQLite,
 * which has no replicas. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('write_positions')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('lsn', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('write_positions_pk', ['account_id', 'user_id'])
    .execute();
}
