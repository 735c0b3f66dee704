import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../engine/access-code.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findCredentialHolder } from '../store/tokens.js';
import { findUserNumber } from '../store/user-numbers.js';
import {
  insertWebhook,
  listLiveWebhooks,
  markWebhookRevoked,
  readLiveWebhook,
} from '../store/webhooks.js';

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
  /** As a token's ({@link TokenIdentity}). */
  readonly lastWrite: number | null;
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
  const user = await findCredentialHolder(db, accountId, input.userId);
  if (!user) throw new CallgateError('not_found', `user ${input.userId} not found`);
  const userNumber = await findUserNumber(db, accountId, input.userId);
  if (userNumber === undefined)
    throw new CallgateError('not_found', `user ${input.userId} has no user number`);
  const scopes = [...new Set(input.scopes)] as WebhookScope[];
  const id = randomBytes(9).toString('base64url');
  const secret = `${id}${randomBytes(32).toString('base64url')}`;
  await insertWebhook(db, {
    id,
    accountId,
    userId: input.userId,
    scopes,
    secretHash: hash(secret),
    createdAt: now,
    createdBy,
  });
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
  const webhooks = await listLiveWebhooks(db, accountId, userId);
  return webhooks.map((webhook) => ({
    ...webhook,
    scopes: webhook.scopes as WebhookScope[],
    createdAt: new Date(webhook.createdAt).toISOString(),
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
  if (!(await markWebhookRevoked(db, accountId, webhookId, now, userId)))
    throw new CallgateError('not_found', `webhook ${webhookId} not found`);
  await appendAudit(db, accountId, { type: 'webhook.revoked', actor, subject: webhookId }, now);
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
  const live = await readLiveWebhook(db, id);
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
    lastWrite: live.last_write,
  };
}
