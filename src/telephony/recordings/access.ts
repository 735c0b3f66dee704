import type { ScopeLevel } from '../../engine/catalogue.js';
import { decide } from '../../engine/decide.js';
import { explain } from '../../engine/explain.js';
import { lowestScopeReaching } from '../../engine/scope.js';
import type { Policy } from '../../engine/policy.js';
import type { Reason } from '../../engine/question.js';
import { CallgateError, notFound } from '../../errors.js';
import type { Actor } from '../../store/audit.js';
import { type CallRecord, findCall } from '../../store/calls.js';
import type { Executor } from '../../store/database.js';
import { type Recording, findRecording } from '../../store/recordings.js';
import { callNotFound, seesCall } from '../call-visibility.js';

export type RecordingPermission = 'recording.listen' | 'recording.delete';

/**
 * The answer to "may this user act on this call's recording": `hidden` when nothing they
 * hold reaches the call (answered as 404, SPEC §10), `denied` when they see the call but
 * may not do this (403 with the permission and the lowest level that would reach it).
 */
export type RecordingAccess =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'hidden' }
  | {
      readonly kind: 'denied';
      readonly permission: RecordingPermission;
      readonly requiredLevel: ScopeLevel;
      readonly detail: string;
      /** The engine's reasons, as data: what a surface words for its reader. */
      readonly reasons: readonly Reason[];
      /** The call's employee, null when none. */
      readonly owner: string | null;
    };

/** Who may play or delete a call's recording sees the call too, as a call-stats viewer does. */
const VISIBILITY = ['callStats.view', 'recording.listen', 'recording.delete'] as const;

/**
 * Asks the engine whether `userId` may act on the recording of a call owned by `ownerId`
 * (null: a call no employee took). For `recording.listen` the engine also applies the
 * "Recorded calls" folder access list (SPEC §7).
 *
 * @example checkRecordingAccess(policy, 'u4', 'u10', 'recording.listen') // { kind: 'hidden' }
 */
export function checkRecordingAccess(
  policy: Policy,
  userId: string,
  ownerId: string | null,
  permission: RecordingPermission,
): RecordingAccess {
  const question = { userId, permission, targetUserId: ownerId };
  if (decide(policy, question).allowed) return { kind: 'allowed' };
  if (!seesCall(policy, userId, ownerId, VISIBILITY)) return { kind: 'hidden' };
  const explanation = explain(policy, question);
  return {
    kind: 'denied',
    permission,
    requiredLevel: lowestScopeReaching(policy, userId, ownerId),
    detail: `${permission}: ${explanation.detail}`,
    reasons: explanation.reasons,
    owner: ownerId,
  };
}

/** {@link checkRecordingAccess}, as the errors a caller answers with. */
export function requireRecordingAccess(
  policy: Policy,
  userId: string,
  call: CallRecord,
  permission: RecordingPermission,
): void {
  const access = checkRecordingAccess(policy, userId, call.userId, permission);
  switch (access.kind) {
    case 'allowed':
      return;
    case 'hidden':
      throw callNotFound(call.id);
    case 'denied':
      throw new CallgateError('permission_denied', access.detail, {
        permission: access.permission,
        requiredLevel: access.requiredLevel,
        reasons: access.reasons,
        owner: access.owner,
      });
  }
}

/** The call, if it exists in the account and the user may act on its recording. */
export async function requireCall(
  db: Executor,
  policy: Policy,
  accountId: string,
  callId: string,
  userId: string,
  permission: RecordingPermission,
): Promise<CallRecord> {
  const call = await findCall(db, accountId, callId);
  if (call === undefined) throw callNotFound(callId);
  requireRecordingAccess(policy, userId, call, permission);
  return call;
}

export async function requireRecording(
  db: Executor,
  accountId: string,
  callId: string,
): Promise<Recording> {
  const recording = await findRecording(db, accountId, callId);
  if (recording === undefined) throw notFound(`a recording of call ${callId}`);
  return recording;
}

/** Who acts on a recording, and through what. */
export interface RecordingActor {
  readonly accountId: string;
  readonly userId: string;
  /** The application acting for the user, if any. */
  readonly appId: string | null;
}

export const actorOf = (actor: RecordingActor): Actor => `user:${actor.userId}`;

/** The part of a recording an API shows: everything but where it is stored. */
export function describeRecording(recording: Recording) {
  return {
    contentType: recording.contentType,
    sizeBytes: recording.sizeBytes,
    sha256: recording.sha256,
    createdAt: recording.createdAt,
    legalHold: recording.legalHold,
  };
}

export interface ListenRequest extends RecordingActor {
  readonly policy: Policy;
  readonly callId: string;
}

export interface RecordingChange extends RecordingActor {
  readonly policy: Policy;
  readonly callId: string;
  readonly now: number;
}

/** The tag of a recording that a grant names. */
export const recordingTag = (recording: Recording): string => recording.sha256.slice(0, 16);
