import { sql } from 'kysely';
import type { Executor } from './database.js';
import { lastWriteOf } from './read-replica.js';

/**
 * Passwords and web sessions (telephony/credentials.ts holds their rules), and the end of
 * every credential of a user who leaves. A session's id is the SHA-256 of the cookie's
 * secret; the secret itself is never stored.
 */

/** Whether the account has this user. */
export async function userExists(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<boolean> {
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return user !== undefined;
}

/**
 * The same password hashed again with stronger parameters: sessions stay open, and a hash
 * changed meanwhile (a new password) is left alone.
 */
export async function upgradePasswordHash(
  db: Executor,
  accountId: string,
  userId: string,
  previousHash: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('user_credentials')
    .set({ password_hash: passwordHash })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('password_hash', '=', previousHash)
    .execute();
}

/** Stores a user's new password hash and ends the sessions the old one opened. */
export async function replacePassword(
  db: Executor,
  accountId: string,
  userId: string,
  passwordHash: string,
  now: number,
): Promise<void> {
  await db
    .deleteFrom('user_credentials')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();
  await db
    .insertInto('user_credentials')
    .values({
      account_id: accountId,
      user_id: userId,
      password_hash: passwordHash,
      updated_at: now,
    })
    .execute();
  // A new password ends the sessions the old one opened.
  await db
    .deleteFrom('sessions')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();
}

/** The user an email names in an account, with their password hash if they have one. */
export function findSignInUser(db: Executor, input: { accountId: string; email: string }) {
  return db
    .selectFrom('users')
    .leftJoin('user_credentials', (join) =>
      join
        .onRef('user_credentials.account_id', '=', 'users.account_id')
        .onRef('user_credentials.user_id', '=', 'users.id'),
    )
    .select([
      'users.id',
      'users.name',
      'users.active',
      'users.incarnation',
      'user_credentials.password_hash',
    ])
    .where('users.account_id', '=', input.accountId)
    .where('users.email', '=', input.email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function insertSession(
  db: Executor,
  session: {
    readonly id: string;
    readonly accountId: string;
    readonly userId: string;
    readonly csrfToken: string;
    readonly createdAt: number;
    readonly expiresAt: number;
    readonly userIncarnation: string;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      account_id: session.accountId,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      user_incarnation: session.userIncarnation,
    })
    .execute();
}

/**
 * A session by id with its user's activity and the account's policy version, if the user
 * is still the person who signed in.
 */
export function findSession(db: Executor, id: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join
        .onRef('users.account_id', '=', 'sessions.account_id')
        .onRef('users.id', '=', 'sessions.user_id')
        // A session is the person's who signed in, not whoever holds the id later.
        .onRef('users.incarnation', '=', 'sessions.user_incarnation'),
    )
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select([
      'sessions.id',
      'sessions.account_id',
      'sessions.user_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'users.active',
      'accounts.policy_version',
      lastWriteOf(sql.ref('sessions.account_id'), sql.ref('sessions.user_id')).as('last_write'),
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ids per statement when ending credentials: far below either dialect's parameter limit. */
const IDS_PER_STATEMENT = 500;

/**
 * Ends every credential of users the directory no longer holds: their tokens are revoked,
 * their sessions, passwords and telephony settings (the SIP secret is a credential too)
 * deleted. Run in the directory import's transaction, so a removed user is signed out at
 * the moment they leave; the incarnation check (store/directory.ts) is the second lock,
 * for anything this misses. Their incoming webhooks are revoked too. Answers how many of
 * each it ended.
 */
export async function endCredentialsOf(
  db: Executor,
  accountId: string,
  userIds: readonly string[],
  now: number,
): Promise<{ tokens: number; webhooks: number; sessions: number }> {
  let tokens = 0;
  let webhooks = 0;
  let sessions = 0;
  for (let i = 0; i < userIds.length; i += IDS_PER_STATEMENT) {
    const ids = userIds.slice(i, i + IDS_PER_STATEMENT);
    const revoked = await db
      .updateTable('tokens')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('user_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    tokens += Number(revoked.numUpdatedRows);
    // An incoming webhook (SPEC §12) is a token in a URL: it ends with its user.
    const hooks = await db
      .updateTable('webhooks')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('user_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    webhooks += Number(hooks.numUpdatedRows);
    const ended = await db
      .deleteFrom('sessions')
      .where('account_id', '=', accountId)
      .where('user_id', 'in', ids)
      .executeTakeFirst();
    sessions += Number(ended.numDeletedRows);
    for (const table of ['user_credentials', 'user_telephony_settings'] as const) {
      await db
        .deleteFrom(table)
        .where('account_id', '=', accountId)
        .where('user_id', 'in', ids)
        .execute();
    }
  }
  return { tokens, webhooks, sessions };
}
