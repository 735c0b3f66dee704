import type { Kysely } from 'kysely';

/**
 * What `telephony.externalcall.*` and `telephony.externalLine.*` keep (SPEC §12). Frozen.
 *
 * - `external_calls`: a call an application registered and has not finished, or has. Its
 *   `call_id` names the row `finish` writes into `calls`, by (account_id, call_id) and with
 *   no foreign key: `calls` may be a partitioned table on PostgreSQL, which a plain foreign
 *   key cannot name. `app_key` is the application that registered it (`app:<id>`,
 *   `webhook:<id>` or `user:<id>` for a user's own token): only it may act on the call.
 * - `external_lines`: an application's own lines, keyed by the application and the number.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('external_calls')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .addColumn('line_number', 'text')
    .addColumn('external_call_id', 'text')
    .addColumn('crm_type', 'text')
    .addColumn('crm_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .addColumn('shown', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('vote', 'integer')
    .addColumn('failed_reason', 'text')
    .addPrimaryKeyConstraint('external_calls_pk', ['account_id', 'call_id'])
    .execute();
  await db.schema
    .createIndex('external_calls_by_app')
    .on('external_calls')
    .columns(['account_id', 'app_key', 'registered_at'])
    .execute();

  await db.schema
    .createTable('external_lines')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('crm_auto_create', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('external_lines_pk', ['account_id', 'app_key', 'number'])
    .execute();
  await db.schema
    .createIndex('external_lines_by_id')
    .on('external_lines')
    .columns(['account_id', 'id'])
    .unique()
    .execute();
}
