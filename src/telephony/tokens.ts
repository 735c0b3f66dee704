import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../engine/access-code.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import {
  appExists,
  findAppScopes,
  findMintedToken,
  findCredentialHolder,
  insertApp,
  insertToken,
  listLiveTokens,
  markTokenRevoked,
  readLiveToken,
} from '../store/tokens.js';

/**
 * What an application may do on a user's behalf (SPEC §10). A request needs the route's
 * scope *and* the user's permission. User tokens carry `telephony`; ingest and the PBX hook
 * are for applications given those scopes.
 */
export const APP_SCOPES = ['telephony', 'calls.write', 'pbx'] as const;
export type AppScope = (typeof APP_SCOPES)[number];

export function isAppScope(value: string): value is AppScope {
  return (APP_SCOPES as readonly string[]).includes(value);
}

const TOKEN_PREFIX = 'cg_';
/** The shortest lifetime a token may be asked for. */
const MIN_TTL_SECONDS = 60;

/**
 * How long tokens live. Every token expires: one minted without `ttlSeconds` lives
 * `defaultTtlSeconds`, and none may ask for more than `maxTtlSeconds`. A leaked token
 * works only until it expires, so a token that never expires is a leak that never ends.
 */
export interface TokenLifetimes {
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
}

/**
 * The defaults, in one place (the server reads CALLGATE_TOKEN_DEFAULT_TTL_SECONDS and
 * CALLGATE_TOKEN_MAX_TTL_SECONDS over them): 30 days unless asked, 90 days at most, so an
 * integration renews its token each quarter.
 */
export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = {
  defaultTtlSeconds: 30 * 24 * 3600,
  maxTtlSeconds: 90 * 24 * 3600,
};

/**
 * Checks a configuration of lifetimes, so a typo in an environment variable stops the
 * server at start rather than minting tokens that live a surprising time.
 */
export function checkTokenLifetimes(lifetimes: TokenLifetimes): TokenLifetimes {
  const { defaultTtlSeconds, maxTtlSeconds } = lifetimes;
  const whole = (n: number) => Number.isSafeInteger(n) && n >= MIN_TTL_SECONDS;
  if (!whole(defaultTtlSeconds) || !whole(maxTtlSeconds) || defaultTtlSeconds > maxTtlSeconds) {
    throw new Error(
      `token lifetimes must be whole numbers of seconds from ${MIN_TTL_SECONDS}, the default at most the maximum (default ${defaultTtlSeconds}, maximum ${maxTtlSeconds})`,
    );
  }
  return lifetimes;
}

/** The identity behind a valid token. */
export interface TokenIdentity {
  readonly tokenId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly appId: string | null;
  readonly scopes: ReadonlySet<AppScope>;
  /** What was presented: a token, or the web app's session (signed in with a password). */
  readonly credential: 'token' | 'session';
  /** When the presented credential expires (epoch ms); null for a token minted before tokens expired. */
  readonly expiresAt: number | null;
  /**
   * The account's policy version, read with the token's live state in one statement: the
   * request is decided by that version's policy, found without a second query.
   */
  readonly policyVersion: number;
  /**
   * The user's last write position, read in the same statement, which the read replica's
   * router needs to send their reads to a replica that holds their writes.
   */
  readonly lastWrite: number | null;
}

export interface NewToken {
  readonly userId: string;
  readonly appId?: string | null;
  readonly scopes?: readonly string[];
  readonly ttlSeconds?: number;
  readonly label?: string | null;
}

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** How a token is minted beyond what it is for: the lifetimes, and who mints it. */
export interface MintOptions {
  readonly lifetimes?: TokenLifetimes;
  /**
   * The credential of a user minting for themself (absent for the operator and the CLI).
   * An application's token may not mint: a personal token would outlive the application's
   * grant and drop its scopes. A token minted by a token never outlives it, so a short
   * token cannot be traded for a long one. A session (a password sign-in) is the user's
   * own, and mints within the lifetimes alone.
   */
  readonly mintedBy?: Pick<TokenIdentity, 'appId' | 'credential' | 'expiresAt'>;
}

/**
 * Mints a token: `cg_<id>.<secret>`. Only a hash of the secret is stored, so the token is
 * shown once. An application token's scopes are those asked for within the application's
 * (all of them when none are asked for); a user token carries `telephony` unless the
 * operator asks for other scopes. Run inside a transaction.
 */
export async function mintToken(
  db: Executor,
  accountId: string,
  input: NewToken,
  createdBy: Actor,
  now: number,
  allowed: readonly AppScope[] = APP_SCOPES,
  options: MintOptions = {},
): Promise<{ token: string; id: string; expiresAt: string | null; scopes: AppScope[] }> {
  const { lifetimes = DEFAULT_TOKEN_LIFETIMES, mintedBy } = options;
  if (mintedBy !== undefined && mintedBy.appId !== null) {
    throw new CallgateError(
      'permission_denied',
      "an application's token cannot mint tokens; the operator mints them",
    );
  }
  const issues = new IssueList();
  if (!ID_PATTERN.test(input.userId)) issues.add('userId', 'must match [A-Za-z0-9_.-]{1,64}');
  const ttl = input.ttlSeconds;
  const { maxTtlSeconds } = lifetimes;
  if (
    ttl !== undefined &&
    (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > maxTtlSeconds)
  ) {
    issues.add('ttlSeconds', `must be a whole number from ${MIN_TTL_SECONDS} to ${maxTtlSeconds}`);
  }
  issues.throwIfAny();
  const user = await findCredentialHolder(db, accountId, input.userId);
  if (!user) throw new CallgateError('not_found', `user ${input.userId} not found`);
  let available: readonly AppScope[] = allowed;
  const appId = input.appId ?? null;
  if (appId !== null) {
    const appScopes = await findAppScopes(db, accountId, appId);
    if (!appScopes) throw new CallgateError('not_found', `application ${appId} not found`);
    available = (appScopes as AppScope[]).filter((scope) => allowed.includes(scope));
  }
  const asked = input.scopes ?? (appId === null ? ['telephony'] : available);
  for (const scope of asked) {
    if (!isAppScope(scope) || !available.includes(scope)) {
      issues.add(
        'scopes',
        `${JSON.stringify(scope)} is not a scope this token can have; it can have ${available.join(', ') || 'none'}`,
      );
    }
  }
  issues.throwIfAny();
  const scopes = [...new Set(asked)] as AppScope[];
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  let expiresAt = now + (ttl ?? lifetimes.defaultTtlSeconds) * 1000;
  // Never past the token that mints it: asking for more gets what that token has left.
  if (mintedBy?.credential === 'token' && mintedBy.expiresAt !== null)
    expiresAt = Math.min(expiresAt, mintedBy.expiresAt);
  await insertToken(db, {
    id,
    accountId,
    userId: input.userId,
    appId,
    scopes,
    secretHash: hash(secret),
    createdAt: now,
    createdBy,
    expiresAt,
    label: input.label ?? null,
    userIncarnation: user.incarnation,
  });
  // Who may act as whom is audited like any other access change; the secret never is.
  await appendAudit(
    db,
    accountId,
    {
      type: 'token.created',
      actor: createdBy,
      subject: id,
      after: { userId: input.userId, appId, scopes, expiresAt, label: input.label ?? null },
    },
    now,
  );
  return {
    token: `${TOKEN_PREFIX}${id}.${secret}`,
    id,
    expiresAt: new Date(expiresAt).toISOString(),
    scopes,
  };
}

/** What never changes once a token is minted: kept, so a request reads only what can. */
interface MintedToken {
  readonly identity: Omit<TokenIdentity, 'policyVersion' | 'lastWrite'>;
  readonly secretHash: Buffer;
}

/** Tokens whose minted part a verifier keeps; the least recently used go first. */
const KEPT_TOKENS = 10_000;

/**
 * Verifies presented tokens. Every request runs this, so it keeps what a token cannot
 * change (its account, user, scopes, secret hash, expiry) and asks the database only what
 * can: whether it was revoked, whether its user is still active, and the account's policy
 * version, in one statement. Nothing is cached that another server could change, so a
 * revocation or deactivation saved anywhere holds on the next request everywhere.
 */
export class TokenVerifier {
  readonly #minted = new Map<string, MintedToken>();

  /**
   * The identity of a presented token, or undefined when it is not a live one: unknown,
   * tampered, expired, revoked, or of a user who is no longer in the directory or active.
   */
  async verify(db: Executor, presented: string, now: number): Promise<TokenIdentity | undefined> {
    const match = /^cg_([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const minted = await this.#mintedPart(db, id);
    if (minted === undefined) return undefined;
    if (!timingSafeEqual(minted.secretHash, createHash('sha256').update(secret).digest()))
      return undefined;
    const { expiresAt } = minted.identity;
    if (expiresAt !== null && expiresAt <= now) return undefined;
    // One statement of what can change (store/tokens.ts says why it is written as SQL).
    const live = await readLiveToken(db, id);
    // `active` is null for a user no longer in the directory, or no longer the same person.
    if (
      live === undefined ||
      live.revoked_at !== null ||
      live.active !== 1 ||
      live.policy_version === null
    )
      return undefined;
    return { ...minted.identity, policyVersion: live.policy_version, lastWrite: live.last_write };
  }

  async #mintedPart(db: Executor, id: string): Promise<MintedToken | undefined> {
    let minted = this.#minted.get(id);
    if (minted !== undefined) {
      this.#minted.delete(id);
      this.#minted.set(id, minted);
      return minted;
    }
    const row = await findMintedToken(db, id);
    if (!row) return undefined;
    minted = {
      identity: {
        tokenId: id,
        accountId: row.accountId,
        userId: row.userId,
        appId: row.appId,
        scopes: new Set(row.scopes as AppScope[]),
        credential: 'token',
        expiresAt: row.expiresAt,
      },
      secretHash: Buffer.from(row.secretHash, 'hex'),
    };
    if (this.#minted.size >= KEPT_TOKENS) this.#minted.delete(this.#minted.keys().next().value!);
    this.#minted.set(id, minted);
    return minted;
  }
}

/**
 * Revokes a token of the account; `userId` limits it to that user's own tokens. Run inside
 * a transaction: the revocation and its audit entry go together.
 */
export async function revokeToken(
  db: Executor,
  accountId: string,
  tokenId: string,
  actor: Actor,
  now: number,
  userId?: string,
): Promise<void> {
  if (!(await markTokenRevoked(db, accountId, tokenId, now, userId)))
    throw new CallgateError('not_found', `token ${tokenId} not found`);
  await appendAudit(db, accountId, { type: 'token.revoked', actor, subject: tokenId }, now);
}

export interface TokenSummary {
  readonly id: string;
  readonly appId: string | null;
  readonly scopes: AppScope[];
  readonly label: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

/** A user's live tokens, without their secrets. */
export async function listTokens(
  db: Executor,
  accountId: string,
  userId: string,
  now: number,
): Promise<TokenSummary[]> {
  const tokens = await listLiveTokens(db, accountId, userId, now);
  return tokens.map((token) => ({
    id: token.id,
    appId: token.appId,
    scopes: token.scopes as AppScope[],
    label: token.label,
    createdAt: new Date(token.createdAt).toISOString(),
    expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
  }));
}

/** Registers an application with the scopes it may ever hold. */
export async function createApp(
  db: Executor,
  accountId: string,
  input: { id: string; name: string; scopes: readonly string[] },
  now: number,
): Promise<{ id: string; name: string; scopes: AppScope[] }> {
  const issues = new IssueList();
  input.scopes.forEach((scope, i) => {
    if (!isAppScope(scope))
      issues.add(`scopes[${i}]`, `unknown scope; scopes are ${APP_SCOPES.join(', ')}`);
  });
  issues.throwIfAny();
  if (await appExists(db, accountId, input.id))
    throw new CallgateError('conflict', `application ${input.id} already exists`);
  const scopes = [...new Set(input.scopes)] as AppScope[];
  await insertApp(db, accountId, { id: input.id, name: input.name, scopes }, now);
  return { id: input.id, name: input.name, scopes };
}
