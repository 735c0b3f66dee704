import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * `directory_search` (issue 13): one row per searchable term of a user, department,
 * workgroup or user group — the whole name, each word of it, the id, and for users the
 * email and the digits of each phone number — lower-cased and without accents, written with
 * the directory. A search reads ranges of the primary key (per field, `term >= q and
 * term < q'`, in term and name order) and stops at its limit, so a prefix costs the same
 * with 100,000 users as with ten. On PostgreSQL the term is
 * compared byte by byte (`collate "C"`): under a language collation a range of text is not
 * a range of prefixes, and names sort the same on both databases. Backfilled here with a frozen copy of the term rules. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('directory_search')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) =>
      postgres ? c.notNull().modifyFront(sql`collate "C"`) : c.notNull(),
    )
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('sort_key', 'text', (c) =>
      postgres ? c.notNull().modifyFront(sql`collate "C"`) : c.notNull(),
    )
    .addPrimaryKeyConstraint('directory_search_pk', [
      'account_id',
      'item_kind',
      'field',
      'term',
      'sort_key',
      'item_id',
    ])
    .execute();
  await db.schema
    .createIndex('directory_search_item')
    .on('directory_search')
    .columns(['account_id', 'item_kind', 'item_id'])
    .execute();
  const rows: Record<string, string>[] = [];
  const add = (
    accountId: string,
    kind: string,
    id: string,
    name: string,
    extra: [string, string | null][],
  ) => {
    const sortKey = fold(name);
    const terms = new Map<string, string>();
    const put = (field: string, term: string) => {
      if (term !== '' && !terms.has(`${field}\u0000${term}`))
        terms.set(`${field}\u0000${term}`, term);
    };
    put('id', fold(id));
    put('name', sortKey);
    for (const word of sortKey.split(/[^\p{L}\p{N}]+/u)) put('word', word);
    for (const [field, value] of extra) {
      if (value === null) continue;
      put(field, field === 'phone' ? value.replace(/\D/g, '') : fold(value));
    }
    for (const [key, term] of terms) {
      rows.push({
        account_id: accountId,
        item_kind: kind,
        term,
        item_id: id,
        field: key.slice(0, key.indexOf('\u0000')),
        sort_key: sortKey,
      });
    }
  };
  type Named = { account_id: string; id: string; name: string };
  const users = (await db.selectFrom('users').selectAll().execute()) as (Named & {
    email: string | null;
    phone_work: string | null;
    phone_mobile: string | null;
    phone_extension: string | null;
  })[];
  for (const u of users) {
    add(u.account_id, 'user', u.id, u.name, [
      ['email', u.email],
      ['phone', u.phone_work],
      ['phone', u.phone_mobile],
      ['phone', u.phone_extension],
    ]);
  }
  for (const [table, kind] of [
    ['departments', 'department'],
    ['workgroups', 'workgroup'],
    ['user_groups', 'group'],
  ] as const) {
    const items = (await db
      .selectFrom(table)
      .select(['account_id', 'id', 'name'])
      .execute()) as Named[];
    for (const item of items) add(item.account_id, kind, item.id, item.name, []);
  }
  for (let i = 0; i < rows.length; i += 4000) {
    await db
      .insertInto('directory_search')
      .values(rows.slice(i, i + 4000))
      .execute();
  }
}

/** Lower case without accents, as searched (frozen copy of store/directory-search.ts#fold). */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
