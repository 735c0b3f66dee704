import type { Kysely } from 'kysely';

/**
 * Playback sessions (issue 10.3): one row per (user, call, kind) — `played` or
 * `downloaded` — holding when its audited session began and which recording it was of. A
 * read of a recording, whole or any range, is audited only when it claims the row: none yet,
 * the session older than the window, or the recording since replaced. Kept in the database
 * so that every server behind a load balancer claims the same row. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('playback_sessions')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recording_sha256', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('playback_sessions_pk', ['account_id', 'user_id', 'call_id', 'kind'])
    .execute();
}
