import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * What the HTTP service needs beyond the permission model: tokens and applications,
 * recordings, per-user and account telephony settings, numbers and the balance.
 * Frozen: later changes are new migrations.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const account = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('account_id', 'text', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      );

  await account('apps')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('apps_pk', ['account_id', 'id'])
    .execute();

  // The token's public id is global; only a hash of its secret is kept.
  await account('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('label', 'text')
    .execute();
  await db.schema
    .createIndex('tokens_by_user')
    .on('tokens')
    .columns(['account_id', 'user_id'])
    .execute();

  await account('recordings')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('legal_hold_reason', 'text')
    .addColumn('legal_hold_by', 'text')
    .addColumn('legal_hold_at', 'bigint')
    .addPrimaryKeyConstraint('recordings_pk', ['account_id', 'call_id'])
    .execute();

  await account('user_telephony_settings')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device', 'text')
    .addColumn('sip_login', 'text')
    .addColumn('sip_secret', 'text')
    .addColumn('caller_id_number', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_telephony_settings_pk', ['account_id', 'user_id'])
    .execute();

  await account('settings')
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('settings_pk', ['account_id', 'section'])
    .execute();

  // The provider's pool of numbers, shared by every account: a number is rented by at most one.
  await db.schema
    .createTable('number_inventory')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('monthly_fee_micros', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .execute();

  await account('account_numbers')
    .addColumn('number', 'text', (c) => c.primaryKey().references('number_inventory.number'))
    .addColumn('rented_at', 'bigint', (c) => c.notNull())
    .addColumn('sip_host', 'text')
    .addColumn('sip_username', 'text')
    .addColumn('sip_password', 'text')
    .execute();
  await db.schema
    .createIndex('account_numbers_by_account')
    .on('account_numbers')
    .columns(['account_id'])
    .execute();

  await db.schema
    .createTable('balance_ledger')
    .addColumn('id', isPostgres ? 'bigserial' : 'integer', (c) =>
      isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('balance_ledger_by_account')
    .on('balance_ledger')
    .columns(['account_id', 'id'])
    .execute();
}
