import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * The first schema. Frozen: later changes are new migrations, never edits here.
 * `any` is allowed in migrations only: they run against whatever the schema was then.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bigint = 'bigint';

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('default_country', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assignments_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('directory_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  const accountTable = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('account_id', 'text', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      );

  await accountTable('users')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('admin', 'integer', (c) => c.notNull())
    .addColumn('phone_work', 'text')
    .addColumn('phone_mobile', 'text')
    .addColumn('phone_extension', 'text')
    .addPrimaryKeyConstraint('users_pk', ['account_id', 'id'])
    .execute();

  await accountTable('departments')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addPrimaryKeyConstraint('departments_pk', ['account_id', 'id'])
    .execute();

  await accountTable('department_positions')
    .addColumn('department_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('department_positions_pk', [
      'account_id',
      'department_id',
      'user_id',
      'kind',
    ])
    .execute();
  await db.schema
    .createIndex('department_positions_by_user')
    .on('department_positions')
    .columns(['account_id', 'user_id'])
    .execute();

  await accountTable('department_closure')
    .addColumn('ancestor_id', 'text', (c) => c.notNull())
    .addColumn('descendant_id', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('department_closure_pk', [
      'account_id',
      'ancestor_id',
      'descendant_id',
    ])
    .execute();

  await accountTable('user_groups')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_groups_pk', ['account_id', 'id'])
    .execute();

  await accountTable('user_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_group_members_pk', ['account_id', 'group_id', 'user_id'])
    .execute();

  await accountTable('workgroups')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workgroups_pk', ['account_id', 'id'])
    .execute();

  await accountTable('workgroup_members')
    .addColumn('workgroup_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('workgroup_members_pk', [
      'account_id',
      'workgroup_id',
      'user_id',
      'kind',
    ])
    .execute();

  await accountTable('crm_clients')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('responsible_user_id', 'text')
    .addPrimaryKeyConstraint('crm_clients_pk', ['account_id', 'id'])
    .execute();

  await accountTable('crm_client_phones')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_client_phones_pk', ['account_id', 'client_id', 'position'])
    .execute();
  await db.schema
    .createIndex('crm_client_phones_by_phone')
    .on('crm_client_phones')
    .columns(['account_id', 'phone'])
    .execute();

  await accountTable('crm_read_scopes')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('access_code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_read_scopes_pk', ['account_id', 'position'])
    .execute();

  await accountTable('blocked_numbers')
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('blocked_numbers_pk', ['account_id', 'phone'])
    .execute();

  await accountTable('roles')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('roles_pk', ['account_id', 'id'])
    .execute();

  await accountTable('role_assignments')
    .addColumn('role_id', 'text', (c) => c.notNull())
    .addColumn('access_code', 'text', (c) => c.notNull())
    .addColumn('expires_at', bigint)
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_assignments_pk', ['account_id', 'role_id', 'access_code'])
    .addForeignKeyConstraint('role_assignments_role_fk', ['account_id', 'role_id'], 'roles', [
      'account_id',
      'id',
    ])
    .execute();

  await accountTable('recordings_folder_access')
    .addColumn('access_code', 'text', (c) => c.notNull())
    .addColumn('access', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('recordings_folder_access_pk', ['account_id', 'access_code'])
    .execute();

  await accountTable('calls')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .addColumn('line_number', 'text')
    .addColumn('started_at', bigint, (c) => c.notNull())
    .addColumn('duration_sec', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cost_micros', bigint)
    .addColumn('currency', 'text')
    .addColumn('crm_type', 'text')
    .addColumn('crm_id', 'text')
    .addColumn('recording_ref', 'text')
    .addPrimaryKeyConstraint('calls_pk', ['account_id', 'id'])
    .execute();
  // Keyset pagination newest first, for everyone and per owner (SPEC §4 scopes filter by owner).
  await db.schema
    .createIndex('calls_by_time')
    .on('calls')
    .columns(['account_id', 'started_at', 'id'])
    .execute();
  await db.schema
    .createIndex('calls_by_owner_time')
    .on('calls')
    .columns(['account_id', 'user_id', 'started_at', 'id'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', isPostgres ? 'bigserial' : 'integer', (c) =>
      isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_by_account')
    .on('audit_log')
    .columns(['account_id', 'id'])
    .execute();
}
