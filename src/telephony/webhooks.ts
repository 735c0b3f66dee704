import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../engine/access-code.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findUserNumber } from '../store/user-numbers.js';
import { sql } from 'kysely';

/**
 * The Bitrix24 scopes a webhook may hold (SPEC §12). `telephony` and `call` both open the
 * telephony methods, as Bitrix24 clients ask for either; `user` opens the profile methods
 * beyond `user.current`.
 */
export const WEBHOOK_SCOPES = ['telephony', 'call', 'user'] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];

export function isWebhookScope(value: string): value is WebhookScope {
  return (WEBHOOK_SCOPES as readonly string[]).includes(value);
}

/** A webhook as its owner and the operator see it: never its secret. */
export interface WebhookSummary {
  readonly id: string;
  readonly userId: string;
  readonly userNumber: number;
  readonly scopes: WebhookScope[];
  readonly createdAt: string;
}

/** What a valid webhook acts as. */
export interface WebhookIdentity {
  readonly webhookId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly userNumber: number;
  readonly scopes: ReadonlySet<WebhookScope>;
  readonly policyVersion: number;
}

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** The secret: the webhook's public id (12 characters) then 32 random bytes, base64url. */
const SECRET_PATTERN = /^([A-Za-z0-9_-]{12})([A-Za-z0-9_-]{43})$/;

/**
 * Creates an incoming webhook acting as `userId` (SPEC §12): `/rest/<userNumber>/<secret>/`.
 * Only a SHA-256 of the secret is kept (a high-entropy secret needs no slow hash), so the
 * URL is shown once. Audited, without the secret. Run inside a transaction.
 *
 * @example createWebhook(trx, 'acme', { userId: 'u4', scopes: ['telephony'] }, 'user:u4', now)
 *          // { id, userNumber: 4, scopes: ['telephony'], path: '/rest/4/<secret>/' }
 */
export async function createWebhook(
  db: Executor,
  accountId: string,
  input: { readonly userId: string; readonly scopes: readonly string[] },
  createdBy: Actor,
  now: number,
): Promise<WebhookSummary & { readonly path: string }> {
  const issues = new IssueList();
  if (!ID_PATTERN.test(input.userId)) issues.add('userId', 'must match [A-Za-z0-9_.-]{1,64}');
  if (input.scopes.length === 0) issues.add('scopes', 'name at least one scope');
  input.scopes.forEach((scope, i) => {
    if (!isWebhookScope(scope))
      issues.add(`scopes[${i}]`, `unknown scope; scopes are ${WEBHOOK_SCOPES.join(', ')}`);
  });
  issues.throwIfAny();
  const user = await db
    .selectFrom('users')
    .select('active')
    .where('account_id', '=', accountId)
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user) throw new CallgateError('not_found', `user ${input.userId} not found`);
  const userNumber = await findUserNumber(db, accountId, input.userId);
  if (userNumber === undefined)
    throw new CallgateError('not_found', `user ${input.userId} has no user number`);
  const scopes = [...new Set(input.scopes)] as WebhookScope[];
  const id = randomBytes(9).toString('base64url');
  const secret = `${id}${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('webhooks')
    .values({
      id,
      account_id: accountId,
      user_id: input.userId,
      scopes: JSON.stringify(scopes),
      secret_hash: hash(secret),
      created_at: now,
      created_by: createdBy,
      revoked_at: null,
    })
    .execute();
  await appendAudit(
    db,
    accountId,
    {
      type: 'webhook.created',
      actor: createdBy,
      subject: id,
      after: { userId: input.userId, userNumber, scopes },
    },
    now,
  );
  return {
    id,
    userId: input.userId,
    userNumber,
    scopes,
    createdAt: new Date(now).toISOString(),
    path: `/rest/${userNumber}/${secret}/`,
  };
}

/** A user's live webhooks, without their secrets. */
export async function listWebhooks(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<WebhookSummary[]> {
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
    scopes: JSON.parse(row.scopes) as WebhookScope[],
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/**
 * Revokes a webhook; `userId` limits it to that user's own. Audited. Run inside a
 * transaction. Another user's webhook answers not found, like a missing one.
 */
export async function revokeWebhook(
  db: Executor,
  accountId: string,
  webhookId: string,
  actor: Actor,
  now: number,
  userId?: string,
): Promise<void> {
  let query = db
    .updateTable('webhooks')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', webhookId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw new CallgateError('not_found', `webhook ${webhookId} not found`);
  await appendAudit(db, accountId, { type: 'webhook.revoked', actor, subject: webhookId }, now);
}

interface LiveWebhook {
  readonly account_id: string;
  readonly user_id: string;
  readonly scopes: string;
  readonly secret_hash: string;
  readonly revoked_at: number | null;
  readonly number: number | string | null;
  readonly active: number | null;
  readonly policy_version: number | null;
}

/**
 * The identity of a presented webhook (`/rest/<userNumber>/<secret>/`), or undefined when
 * it is not a live one: unknown, tampered, revoked, named with another user's number, or
 * of a user who is no longer in the directory or active. The secret is compared as a hash,
 * in constant time; one statement reads everything that can change.
 */
export async function verifyWebhook(
  db: Executor,
  userNumber: string,
  secret: string,
): Promise<WebhookIdentity | undefined> {
  const match = SECRET_PATTERN.exec(secret);
  if (!match || !/^[1-9][0-9]{0,15}$/.test(userNumber)) return undefined;
  const id = match[1]!;
  const { rows } = await sql<LiveWebhook>`
    select w.account_id, w.user_id, w.scopes, w.secret_hash, w.revoked_at,
      (select n.number from ${sql.table('user_numbers')} n
        where n.account_id = w.account_id and n.user_id = w.user_id) as number,
      (select u.active from ${sql.table('users')} u
        where u.account_id = w.account_id and u.id = w.user_id) as active,
      (select a.policy_version from ${sql.table('accounts')} a
        where a.id = w.account_id) as policy_version
    from ${sql.table('webhooks')} w
    where w.id = ${id}`.execute(db);
  const live = rows[0];
  if (live === undefined) return undefined;
  const presented = createHash('sha256').update(secret).digest();
  if (!timingSafeEqual(presented, Buffer.from(live.secret_hash, 'hex'))) return undefined;
  if (
    live.revoked_at !== null ||
    live.active !== 1 ||
    live.policy_version === null ||
    live.number === null ||
    String(live.number) !== userNumber
  )
    return undefined;
  return {
    webhookId: id,
    accountId: live.account_id,
    userId: live.user_id,
    userNumber: Number(live.number),
    scopes: new Set(JSON.parse(live.scopes) as WebhookScope[]),
    policyVersion: live.policy_version,
  };
}
