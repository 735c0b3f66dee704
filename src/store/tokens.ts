import { sql } from 'kysely';
import type { Actor } from './audit.js';
import type { Executor } from './database.js';
import { lastWriteOf } from './read-replica.js';

/**
 * Tokens and applications (telephony/tokens.ts holds their rules): a token's row is its
 * public id, whom it acts for, its scopes as JSON text and a SHA-256 of its secret.
 */

/** A user of the account a credential (token, webhook) is issued to, with the incarnation tokens record. */
export async function findCredentialHolder(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<{ readonly incarnation: string } | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'active', 'incarnation'])
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** The scopes an application of the account may ever hold; undefined when there is none. */
export async function findAppScopes(
  db: Executor,
  accountId: string,
  appId: string,
): Promise<string[] | undefined> {
  const app = await db
    .selectFrom('apps')
    .select('scopes')
    .where('account_id', '=', accountId)
    .where('id', '=', appId)
    .executeTakeFirst();
  return app === undefined ? undefined : (JSON.parse(app.scopes) as string[]);
}

export interface StoredToken {
  readonly id: string;
  readonly accountId: string;
  readonly userId: string;
  readonly appId: string | null;
  readonly scopes: readonly string[];
  /** SHA-256 of the secret, hex. */
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: Actor;
  readonly expiresAt: number;
  readonly label: string | null;
  readonly userIncarnation: string;
}

export async function insertToken(db: Executor, token: StoredToken): Promise<void> {
  await db
    .insertInto('tokens')
    .values({
      id: token.id,
      account_id: token.accountId,
      user_id: token.userId,
      app_id: token.appId,
      scopes: JSON.stringify(token.scopes),
      secret_hash: token.secretHash,
      created_at: token.createdAt,
      created_by: token.createdBy,
      expires_at: token.expiresAt,
      revoked_at: null,
      label: token.label,
      user_incarnation: token.userIncarnation,
    })
    .execute();
}

/** What never changes once a token is minted, by its id. */
export async function findMintedToken(
  db: Executor,
  id: string,
): Promise<
  | {
      readonly accountId: string;
      readonly userId: string;
      readonly appId: string | null;
      readonly scopes: string[];
      readonly secretHash: string;
      readonly expiresAt: number | null;
    }
  | undefined
> {
  const row = await db
    .selectFrom('tokens')
    .select(['account_id', 'user_id', 'app_id', 'scopes', 'secret_hash', 'expires_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    accountId: row.account_id,
    userId: row.user_id,
    appId: row.app_id,
    scopes: JSON.parse(row.scopes) as string[],
    secretHash: row.secret_hash,
    expiresAt: row.expires_at,
  };
}

/** A token's state that can change, as `TokenVerifier.verify` reads it. */
export interface LiveToken {
  readonly revoked_at: number | null;
  /** Null for a user no longer in the directory, or whose id now names someone else. */
  readonly active: number | null;
  /** Null only for a token of an account that is gone. */
  readonly policy_version: number | null;
  /** The user's last write position, for the read replica's router (store/read-replica.ts). */
  readonly last_write: number | null;
}

/**
 * The one statement every request runs, so written as SQL: Kysely's builder takes longer
 * to assemble it than the database takes to answer. Scalar subqueries, not joins: SQLite
 * sets up a join (a Bloom filter per execution) for longer than these three index lookups
 * take (measured: 30 → 6 µs a statement). The user must be the person the token was
 * issued to (the incarnation): a later holder of a re-used id is "no such user" to it, at
 * the cost of one more comparison on a row already read.
 */
export async function readLiveToken(db: Executor, id: string): Promise<LiveToken | undefined> {
  const { rows } = await sql<LiveToken>`
      select t.revoked_at,
        (select u.active from ${sql.table('users')} u
          where u.account_id = t.account_id and u.id = t.user_id
            and u.incarnation = t.user_incarnation) as active,
        (select a.policy_version from ${sql.table('accounts')} a
          where a.id = t.account_id) as policy_version,
        ${lastWriteOf(sql.ref('t.account_id'), sql.ref('t.user_id'))} as last_write
      from ${sql.table('tokens')} t
      where t.id = ${id}`.execute(db);
  return rows[0];
}

/** Marks a live token of the account revoked (`userId`: only that user's); false if none. */
export async function markTokenRevoked(
  db: Executor,
  accountId: string,
  tokenId: string,
  now: number,
  userId?: string,
): Promise<boolean> {
  let query = db
    .updateTable('tokens')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows !== 0n;
}

/** A user's tokens neither revoked nor expired at `now`, newest first. */
export async function listLiveTokens(
  db: Executor,
  accountId: string,
  userId: string,
  now: number,
): Promise<
  {
    readonly id: string;
    readonly appId: string | null;
    readonly scopes: string[];
    readonly label: string | null;
    readonly createdAt: number;
    readonly expiresAt: number | null;
  }[]
> {
  const rows = await db
    .selectFrom('tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    appId: row.app_id,
    scopes: JSON.parse(row.scopes) as string[],
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }));
}

export async function appExists(db: Executor, accountId: string, appId: string): Promise<boolean> {
  const existing = await db
    .selectFrom('apps')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', appId)
    .executeTakeFirst();
  return existing !== undefined;
}

export async function insertApp(
  db: Executor,
  accountId: string,
  app: { readonly id: string; readonly name: string; readonly scopes: readonly string[] },
  now: number,
): Promise<void> {
  await db
    .insertInto('apps')
    .values({
      account_id: accountId,
      id: app.id,
      name: app.name,
      scopes: JSON.stringify(app.scopes),
      created_at: now,
    })
    .execute();
}
