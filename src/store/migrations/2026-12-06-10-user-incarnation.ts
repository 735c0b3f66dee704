import { type Kysely, sql } from 'kysely';

/**
 * Binds tokens and sessions to the person, not only to the user id (issue 10, item 6).
 *
 * A directory import may drop a user and a later one bring the id back for someone else:
 * `users.incarnation` names this person under this id (a random value drawn when the id
 * enters the directory, kept while it stays), and every token and session records the
 * incarnation it was issued to. The token verifier compares the two in the statement it
 * runs anyway, so a credential of the earlier person never works for the later one.
 *
 * Rows already there are the people they were issued to: they all start as `initial`.
 * Credentials of users already gone from the directory are ended here, since nothing
 * could tell their owner from a later holder of the id. Frozen.
 *
 * (Named for its main change; it also gives tokens that never expired an expiry.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const gone = (table: string) => sql`not exists (
    select 1 from users u where u.account_id = ${sql.ref(`${table}.account_id`)}
      and u.id = ${sql.ref(`${table}.user_id`)})`;
  await sql`update tokens set revoked_at = ${Date.now()}
    where revoked_at is null and ${gone('tokens')}`.execute(db);
  await sql`delete from sessions where ${gone('sessions')}`.execute(db);
  await sql`delete from user_credentials where ${gone('user_credentials')}`.execute(db);
  // Tokens now always expire (telephony/tokens.ts): one minted to live for ever gets the
  // default maximum lifetime, 90 days, from now — time to replace it, not a sudden outage.
  await sql`update tokens set expires_at = ${Date.now() + 90 * 24 * 3600 * 1000}
    where expires_at is null and revoked_at is null`.execute(db);
  for (const [table, column] of [
    ['users', 'incarnation'],
    ['tokens', 'user_incarnation'],
    ['sessions', 'user_incarnation'],
  ] as const) {
    await db.schema
      .alterTable(table)
      .addColumn(column, 'text', (c) => c.notNull().defaultTo('initial'))
      .execute();
  }
}
