import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * SIP connections (SPEC §12, `voximplant.sip.*`): the account's cloud PBX and office PBX
 * trunks as Bitrix24 models them. The id is Bitrix24's CONFIG_ID (and, for a cloud PBX, its
 * REG_ID); ids come from one sequence for every account, so no two connections anywhere
 * share one, and every query still names the account. The password is sealed
 * (telephony/secrets.ts) and never given back. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('sip_connections')
    .addColumn('id', isPostgres ? 'bigserial' : 'integer', (c) =>
      isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('password', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sip_connections_by_account')
    .on('sip_connections')
    .columns(['account_id', 'id'])
    .execute();
}
