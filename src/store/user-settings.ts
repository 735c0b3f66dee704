import type { Executor } from './database.js';

/** The devices a user's calls can ring (SPEC §2, userSettings.modify). */
export const DEVICES = ['softphone', 'sip', 'mobile'] as const;
export type Device = (typeof DEVICES)[number];

/**
 * A user's telephony settings as stored. The SIP secret stays sealed (telephony/secrets.ts)
 * here: only the use case that may reveal it opens it.
 */
export interface StoredUserSettings {
  readonly userId: string;
  readonly device: Device | null;
  readonly sipLogin: string | null;
  readonly sealedSipSecret: string | null;
  readonly callerIdNumber: string | null;
  /** 0 for settings never saved. */
  readonly version: number;
}

/** The settings of a user who never saved any. */
export function defaultUserSettings(userId: string): StoredUserSettings {
  return {
    userId,
    device: null,
    sipLogin: null,
    sealedSipSecret: null,
    callerIdNumber: null,
    version: 0,
  };
}

export async function findUserSettings(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<StoredUserSettings | undefined> {
  const row = await db
    .selectFrom('user_telephony_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    userId: row.user_id,
    device: row.device as Device | null,
    sipLogin: row.sip_login,
    sealedSipSecret: row.sip_secret,
    callerIdNumber: row.caller_id_number,
    version: row.version,
  };
}

/**
 * The user of the account, other than `exceptUserId`, whose settings hold `sipLogin`, if any.
 */
export async function findSipLoginHolder(
  db: Executor,
  accountId: string,
  sipLogin: string,
  exceptUserId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_telephony_settings')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('sip_login', '=', sipLogin)
    .where('user_id', '!=', exceptUserId)
    .executeTakeFirst();
  return row?.user_id;
}

/** Whether an error is the unique index on SIP logins refusing a second holder. */
export function isSipLoginTaken(error: unknown): boolean {
  const { code, message, constraint } = error as {
    code?: unknown;
    message?: unknown;
    constraint?: unknown;
  };
  // PostgreSQL names the index; SQLite names its columns.
  if (code === '23505') return constraint === 'user_telephony_settings_sip_login';
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    typeof message === 'string' &&
    message.includes('user_telephony_settings.sip_login')
  );
}

/**
 * Writes a user's settings if they are still at `expectedVersion`, and answers whether they
 * were: the check and the write are one statement, so of two concurrent saves based on the
 * same version exactly one wins. The new version is `expectedVersion + 1`. A SIP login
 * another user of the account holds fails the unique index ({@link isSipLoginTaken}).
 */
export async function writeUserSettings(
  db: Executor,
  accountId: string,
  settings: Omit<StoredUserSettings, 'version'>,
  expectedVersion: number,
  now: number,
): Promise<boolean> {
  const values = {
    device: settings.device,
    sip_login: settings.sipLogin,
    sip_secret: settings.sealedSipSecret,
    caller_id_number: settings.callerIdNumber,
    version: expectedVersion + 1,
    updated_at: now,
  };
  if (expectedVersion === 0) {
    const result = await db
      .insertInto('user_telephony_settings')
      .values({ account_id: accountId, user_id: settings.userId, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }
  const result = await db
    .updateTable('user_telephony_settings')
    .set(values)
    .where('account_id', '=', accountId)
    .where('user_id', '=', settings.userId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Clears a caller-ID number the account no longer rents from every user's settings (each
 * changed user's version moves on) and answers whose settings changed.
 */
export async function clearCallerIdNumber(
  db: Executor,
  accountId: string,
  number: string,
  now: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('user_telephony_settings')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('caller_id_number', '=', number)
    .orderBy('user_id')
    .execute();
  if (rows.length === 0) return [];
  await db
    .updateTable('user_telephony_settings')
    .set((eb) => ({ caller_id_number: null, version: eb('version', '+', 1), updated_at: now }))
    .where('account_id', '=', accountId)
    .where('caller_id_number', '=', number)
    .execute();
  return rows.map((row) => row.user_id);
}

/** User id → caller-ID number, for every user of the account who has one. */
export async function loadCallerIds(db: Executor, accountId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('user_telephony_settings')
    .select(['user_id', 'caller_id_number'])
    .where('account_id', '=', accountId)
    .where('caller_id_number', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.user_id, row.caller_id_number!]));
}
