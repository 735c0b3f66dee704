import { type Kysely, sql } from 'kysely';

/**
 * `department_reach`: every department with every user placed (member or head) anywhere in
 * its subtree, written with the directory. A department-scope list asks it for the people
 * a head reaches in one covering-index range, where it used to join the closure to the
 * positions on every query (bench/lists.ts, 1M calls, a 1,900-person tree: the head's first
 * page 4.1 → 1.4 ms). Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('department_reach')
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('department_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('department_reach_pk', ['account_id', 'department_id', 'user_id'])
    .execute();
  await sql`
    insert into department_reach (account_id, department_id, user_id)
    select distinct c.account_id, c.ancestor_id, p.user_id
    from department_closure c
    join department_positions p
      on p.account_id = c.account_id and p.department_id = c.descendant_id
  `.execute(db);
}
