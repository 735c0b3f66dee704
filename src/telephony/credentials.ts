import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import type { Executor } from '../store/database.js';
import {
  deleteSession,
  findSession,
  findSignInUser,
  insertSession,
  replacePassword,
  upgradePasswordHash,
  userExists,
} from '../store/sessions.js';
import { HashingGate, type SignInLimits } from './sign-in-limits.js';
import type { TokenIdentity } from './tokens.js';

// Argon2id at OWASP's first recommendation (m=19 MiB, t=2, p=1): 25–80 ms here, where
// scrypt at OWASP's equivalent strength (N=2^15, r=8, p=3, the hashes before it) took
// 280–370 ms — most of the sign-in. A hash of another kind or lower parameters is replaced at
// its owner's next sign-in (signIn), so stored hashes change without a migration.
const ARGON2 = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;
const SESSION_TTL_MS = 12 * 3600 * 1000;
const MIN_PASSWORD = 10;

/**
 * Every password hash of the process passes here: Argon2 (as scrypt did) takes a thread of
 * libuv's pool for its whole run, and that pool is the process's, shared with file reads
 * (sign-in-limits.ts).
 */
const HASHING = new HashingGate();

/** A password hash in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
export function hashPassword(password: string): Promise<string> {
  // Setting a password waits its turn: a flood of sign-ins must not refuse an administrator.
  return HASHING.run(() => argon2.hash(password, ARGON2), { mayRefuse: false });
}

/** Whether `password` is the one `stored` hashes; refused (429) when hashing is saturated. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return HASHING.run(() => verifyUngated(password, stored));
}

async function verifyUngated(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return argon2.verify(stored, password).catch(() => false);
}

/** Whether `stored` should be made again with today's kind and parameters. */
const isOutdated = (stored: string): boolean =>
  stored.startsWith('scrypt$') || argon2.needsRehash(stored, ARGON2);

/**
 * Hashes made before Argon2id (`scrypt$N$r$p$salt$key`): verified, so their owners can sign
 * in once more, and then replaced.
 */
function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, N, r, p, salt, key] = stored.split('$');
  if (salt === undefined || key === undefined) return Promise.resolve(false);
  const expected = Buffer.from(key, 'base64url');
  const params = { N: Number(N), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  // Their keys were 32 bytes: a stored key of another length (an empty one) never matches.
  return new Promise((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64url'), 32, params, (error, actual) =>
      error ? reject(error) : resolve(expected.length === 32 && timingSafeEqual(expected, actual)),
    ),
  );
}

/** Sets (or replaces) a user's password for the web app. Run inside a transaction. */
export async function setPassword(
  db: Executor,
  accountId: string,
  userId: string,
  password: string,
  now: number,
): Promise<void> {
  const issues = new IssueList();
  if (password.length < MIN_PASSWORD || password.length > 200)
    issues.add('password', `must be ${MIN_PASSWORD} to 200 characters`);
  issues.throwIfAny();
  if (!(await userExists(db, accountId, userId)))
    throw new CallgateError('not_found', `user ${userId} not found`);
  await replacePassword(db, accountId, userId, await hashPassword(password), now);
}

const sessionId = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface Session {
  readonly secret: string;
  readonly csrfToken: string;
  readonly userId: string;
  readonly userName: string;
  readonly expiresAt: number;
}

// Verified against when the email is unknown, so a wrong email costs what a wrong password does.
// Computed once at start-up, outside the gate: a sign-in holding a slot may wait for it.
const DUMMY_HASH = argon2.hash(randomBytes(12).toString('hex'), ARGON2);

/**
 * Signs a user in by account, email and password, and opens a session. The same answer
 * (401) for an unknown account, an unknown email, a user who is inactive or has no
 * password, and a wrong password: nothing tells which. With `limits`, failures are counted
 * per account+email and per address, and one that must wait is answered 429 before any
 * hash is computed; at most a few hashes run at once whatever the limits (HashingGate).
 */
export async function signIn(
  db: Executor,
  input: { accountId: string; email: string; password: string },
  now: number,
  guard?: { readonly limits: SignInLimits; readonly address: string },
): Promise<Session> {
  const attempt = guard && { ...input, address: guard.address };
  if (attempt) guard.limits.check(attempt, now);
  // The slot is taken before the user is looked up: a flood beyond the queue is refused
  // without a query, so it cannot queue up the database pool either.
  const { row, ok } = await HASHING.run(async () => {
    const row = await findSignInUser(db, input);
    const ok = await verifyUngated(input.password, row?.password_hash ?? (await DUMMY_HASH));
    return { row, ok };
  });
  if (!row || !ok || row.password_hash === null || row.active !== 1) {
    if (attempt) guard.limits.fail(attempt, now);
    throw new CallgateError('unauthenticated', 'the account, email or password is wrong');
  }
  if (attempt) guard.limits.succeed(attempt);
  if (isOutdated(row.password_hash))
    await upgradePasswordHash(
      db,
      input.accountId,
      row.id,
      row.password_hash,
      await hashPassword(input.password),
    );
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + SESSION_TTL_MS;
  await insertSession(db, {
    id: sessionId(secret),
    accountId: input.accountId,
    userId: row.id,
    csrfToken,
    createdAt: now,
    expiresAt,
    userIncarnation: row.incarnation,
  });
  return { secret, csrfToken, userId: row.id, userName: row.name, expiresAt };
}

/** The identity and CSRF token of a live session cookie, or undefined. */
export async function verifySession(
  db: Executor,
  secret: string,
  now: number,
): Promise<{ identity: TokenIdentity; csrfToken: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  const row = await findSession(db, sessionId(secret));
  if (!row || row.expires_at <= now || row.active !== 1) return undefined;
  return {
    identity: {
      tokenId: `session:${row.id.slice(0, 12)}`,
      accountId: row.account_id,
      userId: row.user_id,
      appId: null,
      scopes: new Set(['telephony']),
      credential: 'session',
      expiresAt: row.expires_at,
      policyVersion: row.policy_version,
      lastWrite: row.last_write,
    },
    csrfToken: row.csrf_token,
  };
}

export async function signOut(db: Executor, secret: string): Promise<void> {
  await deleteSession(db, sessionId(secret));
}
