import type { Kysely } from 'kysely';

/**
 * The retention sweep asks each account for its recordings stored before a cutoff: an
 * index in that order makes it a range read, not a walk of every recording the account
 * keeps, hourly on every server. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('recordings_by_age')
    .on('recordings')
    .columns(['account_id', 'created_at', 'call_id'])
    .execute();
}
