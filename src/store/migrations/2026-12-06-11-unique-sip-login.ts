import { type Kysely, sql } from 'kysely';

/**
 * A SIP login names one device registration: two users of an account holding the same one
 * would ring, and bill, each other's calls (issue 10, item 10). A unique index makes it one
 * user's per account; PostgreSQL and SQLite both let any number of users have none (NULL).
 *
 * Logins already shared stay with the user who saved theirs first (ties: the lower user
 * id); the others lose the login (their settings' version moves on, so a stale edit is
 * refused) and an administrator gives them a new one. Frozen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The first holder is never changed, so every later one finds it, row by row (SQLite) or
  // against the statement's snapshot (PostgreSQL) alike.
  await sql`
    update user_telephony_settings set sip_login = null, version = version + 1
    where sip_login is not null and exists (
      select 1 from user_telephony_settings o
      where o.account_id = user_telephony_settings.account_id
        and o.sip_login = user_telephony_settings.sip_login
        and (o.updated_at < user_telephony_settings.updated_at
          or (o.updated_at = user_telephony_settings.updated_at
            and o.user_id < user_telephony_settings.user_id)))`.execute(db);
  await db.schema
    .createIndex('user_telephony_settings_sip_login')
    .on('user_telephony_settings')
    .columns(['account_id', 'sip_login'])
    .unique()
    .execute();
}
