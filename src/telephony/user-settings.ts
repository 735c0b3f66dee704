import { decide } from '../engine/decide.js';
import { mayUseLine } from '../engine/outbound-decision.js';
import { bumpVersions } from '../store/accounts.js';
import type { Policy } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError, notFound } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findRentedNumber, listRentedNumbers } from '../store/numbers.js';
import {
  DEVICES,
  type Device,
  type StoredUserSettings,
  defaultUserSettings,
  findSipLoginHolder,
  findUserSettings,
  isSipLoginTaken,
  writeUserSettings,
} from '../store/user-settings.js';
import type { Secrets } from './secrets.js';

/** The devices a user may take calls on, for the surfaces' schemas. */
export { DEVICES };
import { versionMismatch } from './settings.js';

/**
 * A user's telephony settings as the API answers them. `sipSecret` is present only for a
 * reader who may modify the settings; everyone who may read them learns whether there is one.
 */
export interface UserSettingsView {
  readonly userId: string;
  readonly device: Device | null;
  readonly sipLogin: string | null;
  readonly sipSecret?: string | null;
  readonly hasSipSecret: boolean;
  readonly callerIdNumber: string | null;
  /**
   * The rented numbers the user may call out from (SPEC §5 rule 5, line access): the
   * caller IDs they may be given. Given when the settings are read.
   */
  readonly callerIdChoices?: string[];
  readonly version: number;
}

export interface UserSettingsInput {
  readonly device: Device | null;
  readonly sipLogin: string | null;
  /** Omitted: keep the stored secret; null: remove it. */
  readonly sipSecret?: string | null;
  readonly callerIdNumber: string | null;
}

/** What an actor may do with one user's settings. */
export interface UserSettingsAccess {
  readonly canRead: boolean;
  readonly canModify: boolean;
}

/**
 * SPEC §4 and §10 for a user's settings: `userSettings.modify` reaching the user lets the
 * actor read and change them; a user may always read their own (to see which device and
 * caller ID they have), but changing them needs the permission like anyone else's.
 *
 * @example accessToUserSettings(policy, 'u4', 'u4') // { canRead: true, canModify: false } for a Manager
 */
export function accessToUserSettings(
  policy: Policy,
  actorId: string,
  targetUserId: string,
): UserSettingsAccess {
  const canModify = decide(policy, {
    userId: actorId,
    permission: 'userSettings.modify',
    targetUserId,
  }).allowed;
  return { canRead: canModify || actorId === targetUserId, canModify };
}

function describeSettings(
  settings: StoredUserSettings,
  secrets: Secrets,
  revealSecret: boolean,
): UserSettingsView {
  const view: UserSettingsView = {
    userId: settings.userId,
    device: settings.device,
    sipLogin: settings.sipLogin,
    hasSipSecret: settings.sealedSipSecret !== null,
    callerIdNumber: settings.callerIdNumber,
    version: settings.version,
  };
  if (!revealSecret) return view;
  const sipSecret =
    settings.sealedSipSecret === null ? null : secrets.decrypt(settings.sealedSipSecret);
  return { ...view, sipSecret };
}

/** The audit's view of settings: whether there is a SIP secret, never the secret. */
function redact(settings: StoredUserSettings, secretChanged = false) {
  return {
    device: settings.device,
    sipLogin: settings.sipLogin,
    sipSecret: secretChanged ? '(changed)' : settings.sealedSipSecret === null ? null : '(set)',
    callerIdNumber: settings.callerIdNumber,
    version: settings.version,
  };
}

/**
 * The user whose settings are asked for, and what the actor may do with them. Unknown
 * users, and users the actor may not read, are not found (SPEC §10: out of scope reads do
 * not reveal that the item exists).
 */
function requireReadable(
  policy: Policy,
  actorId: string,
  targetUserId: string,
): UserSettingsAccess {
  const access = accessToUserSettings(policy, actorId, targetUserId);
  // The compiled policy holds every user of the directory, active or not.
  if (!access.canRead || !policy.users.has(targetUserId)) throw notFound(`user ${targetUserId}`);
  return access;
}

/**
 * Refuses a change of a user's settings the actor may not make: 404 when the actor may not
 * even read them (or the user does not exist), 403 when they may read but not change them
 * (the user themself without userSettings.modify).
 */
export function assertMayModifyUserSettings(
  policy: Policy,
  actorId: string,
  targetUserId: string,
): void {
  const access = requireReadable(policy, actorId, targetUserId);
  if (!access.canModify) {
    throw new CallgateError(
      'permission_denied',
      `changing ${targetUserId === actorId ? 'your own' : `${targetUserId}'s`} telephony settings needs userSettings.modify reaching them`,
      { permission: 'userSettings.modify', requiredLevel: 'own' },
    );
  }
}

/**
 * A user's telephony settings, as `actorId` may see them: 404 when out of reach, the SIP
 * secret only for those who may modify them. Settings never saved answer the defaults at
 * version 0.
 */
export async function readUserSettings(
  db: Executor,
  context: { readonly accountId: string; readonly policy: Policy },
  actorId: string,
  targetUserId: string,
  secrets: Secrets,
): Promise<UserSettingsView> {
  const access = requireReadable(context.policy, actorId, targetUserId);
  const stored =
    (await findUserSettings(db, context.accountId, targetUserId)) ??
    defaultUserSettings(targetUserId);
  const lines = await listRentedNumbers(db, context.accountId);
  return {
    ...describeSettings(stored, secrets, access.canModify),
    callerIdChoices: lines
      .map((line) => line.number)
      .filter((number) => mayUseLine(context.policy, targetUserId, number)),
  };
}

/**
 * Replaces a user's telephony settings if they are still at `expectedVersion` (412
 * otherwise). Out of reach: 404; the user themself without the permission: 403. The
 * caller ID must be a number the account rents; the SIP secret is sealed before it is
 * stored, and the audit entry says only that it changed. Run inside a transaction.
 */
export async function changeUserSettings(
  db: Executor,
  context: { readonly accountId: string; readonly policy: Policy },
  actorId: string,
  targetUserId: string,
  input: UserSettingsInput,
  expectedVersion: number,
  secrets: Secrets,
  now: number,
): Promise<UserSettingsView> {
  const { accountId } = context;
  assertMayModifyUserSettings(context.policy, actorId, targetUserId);
  const before =
    (await findUserSettings(db, accountId, targetUserId)) ?? defaultUserSettings(targetUserId);
  if (before.version !== expectedVersion) throw versionMismatch(before.version, expectedVersion);

  const issues = new IssueList();
  if (input.device === 'sip' && input.sipLogin === null)
    issues.add('sipLogin', 'a SIP device needs a SIP login');
  if (
    input.callerIdNumber !== null &&
    (await findRentedNumber(db, accountId, input.callerIdNumber)) === undefined
  ) {
    issues.add('callerIdNumber', `${input.callerIdNumber} is not a number this account rents`);
  } else if (
    input.callerIdNumber !== null &&
    input.callerIdNumber !== before.callerIdNumber &&
    !mayUseLine(context.policy, targetUserId, input.callerIdNumber)
  ) {
    // SPEC §5 rule 5: a caller ID is the line calls go out from, so only a line they may use.
    issues.add(
      'callerIdNumber',
      `${targetUserId} may not call out from ${input.callerIdNumber}: its line access list names none of their access codes`,
    );
  }
  issues.throwIfAny();
  // One device registration, one user: a login another user holds is a conflict. The
  // unique index decides between two saves racing for the same login.
  const sipLoginTaken = () =>
    new CallgateError(
      'conflict',
      `the SIP login ${input.sipLogin} is already in use in this account`,
      {
        fields: [{ path: 'body.sipLogin', message: 'already in use' }],
      },
    );
  if (
    input.sipLogin !== null &&
    input.sipLogin !== before.sipLogin &&
    (await findSipLoginHolder(db, accountId, input.sipLogin, targetUserId)) !== undefined
  )
    throw sipLoginTaken();

  const sealedSipSecret =
    input.sipSecret === undefined
      ? before.sealedSipSecret
      : input.sipSecret === null
        ? null
        : secrets.encrypt(input.sipSecret);
  const after: StoredUserSettings = {
    userId: targetUserId,
    device: input.device,
    sipLogin: input.sipLogin,
    sealedSipSecret,
    callerIdNumber: input.callerIdNumber,
    version: expectedVersion + 1,
  };
  const written = await writeUserSettings(db, accountId, after, expectedVersion, now).catch(
    (error: unknown) => {
      throw isSipLoginTaken(error) ? sipLoginTaken() : error;
    },
  );
  if (!written) {
    // Someone saved in between: tell the caller which version there is now.
    const current = await findUserSettings(db, accountId, targetUserId);
    throw versionMismatch(current?.version ?? 0, expectedVersion);
  }
  // The caller ID is the line of the user's calls: outbound decisions read it.
  if (after.callerIdNumber !== before.callerIdNumber) await bumpVersions(db, accountId);
  await appendAudit(
    db,
    accountId,
    {
      type: 'userSettings.changed',
      actor: `user:${actorId}` satisfies Actor,
      subject: targetUserId,
      before: redact(before),
      after: redact(after, typeof input.sipSecret === 'string'),
    },
    now,
  );
  return describeSettings(after, secrets, true);
}
