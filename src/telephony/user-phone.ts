import type { Kysely } from 'kysely';
import type { Policy } from '../engine/policy.js';
import { CallgateError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findUserSettings } from '../store/user-settings.js';
import type { Secrets } from './secrets.js';
import { assertMayModifyUserSettings, changeUserSettings } from './user-settings.js';

/**
 * Turns a user's phone on or off (SPEC §12, `voximplant.user.activatePhone` /
 * `deactivatePhone`): the device of their telephony settings, which `voximplant.user.get`
 * answers as PHONE_ENABLED (a device set). On: a SIP phone, Bitrix24's "phone", registered
 * with the user's SIP login, so a user without one cannot have it turned on. Off: no device
 * (the login and secret stay, so turning it on again needs nothing more). Through the same use
 * case as `PUT /api/v1/users/{id}/settings`: 404 out of reach, 403 for a user changing their
 * own without userSettings.modify, audited; already so, nothing changes. Answers whether
 * anything changed.
 */
export async function setPhoneEnabled(
  db: Kysely<Database>,
  context: { readonly accountId: string; readonly policy: Policy },
  actorId: string,
  targetUserId: string,
  enabled: boolean,
  secrets: Secrets,
  now: number,
): Promise<boolean> {
  // Who may act comes before what the settings hold.
  assertMayModifyUserSettings(context.policy, actorId, targetUserId);
  return db.transaction().execute(async (trx) => {
    const stored = await findUserSettings(trx, context.accountId, targetUserId);
    const device = stored?.device ?? null;
    if (enabled ? device === 'sip' : device === null) return false;
    if (enabled && (stored?.sipLogin ?? null) === null)
      throw new CallgateError(
        'invalid_request',
        `${targetUserId} has no SIP login for a phone to register with: set one in their telephony settings first`,
        { fields: [{ path: 'USER_ID', message: 'no SIP login' }] },
      );
    await changeUserSettings(
      trx,
      context,
      actorId,
      targetUserId,
      {
        device: enabled ? 'sip' : null,
        sipLogin: stored?.sipLogin ?? null,
        callerIdNumber: stored?.callerIdNumber ?? null,
      },
      stored?.version ?? 0,
      secrets,
      now,
    );
    return true;
  });
}
