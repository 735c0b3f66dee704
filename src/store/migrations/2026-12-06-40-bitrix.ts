import { type Kysely, sql } from 'kysely';

/**
 * What the Bitrix24-compatible surface needs (SPEC §12). Frozen.
 *
 * - `user_numbers`: each user's stable numeric id. Rows are never deleted, so a number is
 *   never given to anyone else, even after its user leaves the directory.
 * - `calls.seq`: a numeric call id, increasing in the order calls were recorded, per
 *   account (Bitrix24's `ID`, so that `FILTER[>ID]` pages); `accounts.call_seq` is the last
 *   one given out. Existing calls are numbered in time order.
 * - `webhooks`: incoming webhooks; the secret is kept only as a hash, like tokens.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_numbers')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('number', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_numbers_pk', ['account_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('user_numbers_by_number')
    .on('user_numbers')
    .columns(['account_id', 'number'])
    .unique()
    .execute();

  await db.schema
    .alterTable('accounts')
    .addColumn('call_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('calls').addColumn('seq', 'bigint').execute();
  await sql`
    update calls set seq = numbered.n
    from (
      select account_id, id,
        row_number() over (partition by account_id order by started_at, id) as n
      from calls
    ) as numbered
    where calls.account_id = numbered.account_id and calls.id = numbered.id
  `.execute(db);
  await sql`
    update accounts set call_seq = coalesce(
      (select max(c.seq) from calls c where c.account_id = accounts.id), 0)
  `.execute(db);
  await db.schema
    .createIndex('calls_by_seq')
    .on('calls')
    .columns(['account_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhooks_by_user')
    .on('webhooks')
    .columns(['account_id', 'user_id'])
    .execute();

  // Numbers for the users already in directories, in directory order.
  const users = (await db
    .selectFrom('users')
    .select(['account_id', 'id'])
    .orderBy('account_id')
    .orderBy('position')
    .execute()) as { account_id: string; id: string }[];
  const next = new Map<string, number>();
  const rows = users.map((user) => {
    const own = ownNumber(user.id);
    if (own !== undefined) return { account_id: user.account_id, user_id: user.id, number: own };
    const number = (next.get(user.account_id) ?? FIRST_ASSIGNED) + 1;
    next.set(user.account_id, number);
    return { account_id: user.account_id, user_id: user.id, number };
  });
  for (let i = 0; i < rows.length; i += 5000)
    await db
      .insertInto('user_numbers')
      .values(rows.slice(i, i + 5000))
      .execute();
}

// Copied, not imported: a migration stays as it was written.
const FIRST_ASSIGNED = 1_000_000_000;
const ownNumber = (id: string): number | undefined =>
  /^[1-9][0-9]{0,8}$/.test(id) ? Number(id) : undefined;
