import type { Kysely } from 'kysely';

/**
 * Line access (SPEC §5 rule 5): each rented number keeps the access codes that may call out
 * from it (a JSON array; `[]`, everyone, for every number rented before) and the version
 * `If-Match` compares. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('account_numbers')
    .addColumn('access_codes', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('account_numbers')
    .addColumn('access_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
