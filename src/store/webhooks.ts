import { sql } from 'kysely';
import type { Actor } from './audit.js';
import type { Executor } from './database.js';
import { lastWriteOf } from './read-replica.js';

/** Incoming webhooks of the Bitrix24 surface (telephony/webhooks.ts holds their rules). */

export interface StoredWebhook {
  readonly id: string;
  readonly accountId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** SHA-256 of the secret, hex. */
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: Actor;
}

export async function insertWebhook(db: Executor, webhook: StoredWebhook): Promise<void> {
  await db
    .insertInto('webhooks')
    .values({
      id: webhook.id,
      account_id: webhook.accountId,
      user_id: webhook.userId,
      scopes: JSON.stringify(webhook.scopes),
      secret_hash: webhook.secretHash,
      created_at: webhook.createdAt,
      created_by: webhook.createdBy,
      revoked_at: null,
    })
    .execute();
}

/** A user's webhooks not revoked, newest first, with the user's number. */
export async function listLiveWebhooks(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<
  {
    readonly id: string;
    readonly userId: string;
    readonly userNumber: number;
    readonly scopes: string[];
    readonly createdAt: number;
  }[]
> {
  const rows = await db
    .selectFrom('webhooks')
    .leftJoin('user_numbers as n', (join) =>
      join
        .onRef('n.account_id', '=', 'webhooks.account_id')
        .onRef('n.user_id', '=', 'webhooks.user_id'),
    )
    .select([
      'webhooks.id',
      'webhooks.user_id',
      'webhooks.scopes',
      'webhooks.created_at',
      'n.number',
    ])
    .where('webhooks.account_id', '=', accountId)
    .where('webhooks.user_id', '=', userId)
    .where('webhooks.revoked_at', 'is', null)
    .orderBy('webhooks.created_at', 'desc')
    .orderBy('webhooks.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    userNumber: Number(row.number),
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: row.created_at,
  }));
}

/** Marks a live webhook of the account revoked (`userId`: only that user's); false if none. */
export async function markWebhookRevoked(
  db: Executor,
  accountId: string,
  webhookId: string,
  now: number,
  userId?: string,
): Promise<boolean> {
  let query = db
    .updateTable('webhooks')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', webhookId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows !== 0n;
}

/** Everything about a webhook that a call through it needs, as one statement reads it. */
export interface LiveWebhook {
  readonly account_id: string;
  readonly user_id: string;
  readonly scopes: string;
  readonly secret_hash: string;
  readonly revoked_at: number | null;
  readonly number: number | string | null;
  readonly active: number | null;
  readonly policy_version: number | null;
  readonly last_write: number | null;
}

/**
 * A webhook by its public id with what can change (revoked, its user's number and
 * activity, the account's policy version), in one statement of scalar subqueries.
 */
export async function readLiveWebhook(db: Executor, id: string): Promise<LiveWebhook | undefined> {
  const { rows } = await sql<LiveWebhook>`
    select w.account_id, w.user_id, w.scopes, w.secret_hash, w.revoked_at,
      (select n.number from ${sql.table('user_numbers')} n
        where n.account_id = w.account_id and n.user_id = w.user_id) as number,
      (select u.active from ${sql.table('users')} u
        where u.account_id = w.account_id and u.id = w.user_id) as active,
      (select a.policy_version from ${sql.table('accounts')} a
        where a.id = w.account_id) as policy_version,
      ${lastWriteOf(sql.ref('w.account_id'), sql.ref('w.user_id'))} as last_write
    from ${sql.table('webhooks')} w
    where w.id = ${id}`.execute(db);
  return rows[0];
}
