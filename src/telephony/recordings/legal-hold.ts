import { isAccountAdministrator } from '../../engine/effective.js';
import type { Policy } from '../../engine/policy.js';
import { CallgateError, notFound } from '../../errors.js';
import { appendAudit } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import { type Recording, lockCallForRecording, setLegalHold } from '../../store/recordings.js';
import { type RecordingChange, actorOf, requireRecording } from './access.js';

export function legalHoldError(callId: string, recording: Recording): CallgateError {
  return new CallgateError(
    'legal_hold',
    `the recording of call ${callId} is under legal hold and cannot be deleted or replaced until the hold is lifted`,
    { legalHold: recording.legalHold },
  );
}

function requireAdministrator(policy: Policy, userId: string): void {
  if (!isAccountAdministrator(policy, userId)) {
    throw new CallgateError(
      'permission_denied',
      'only account administrators may set or lift a legal hold',
    );
  }
}

/**
 * Puts a call's recording under legal hold (account administrators only): until it is
 * lifted nobody may delete or replace it. Setting it again changes the reason. Run inside
 * a transaction.
 */
export async function setRecordingLegalHold(
  db: Executor,
  change: RecordingChange & { readonly reason: string },
): Promise<Recording> {
  const { policy, accountId, callId, userId } = change;
  requireAdministrator(policy, userId);
  if (!(await lockCallForRecording(db, accountId, callId))) throw notFound(`call ${callId}`);
  const before = await requireRecording(db, accountId, callId);
  await setLegalHold(db, accountId, callId, {
    reason: change.reason,
    by: actorOf(change),
    at: change.now,
  });
  const after = await requireRecording(db, accountId, callId);
  await appendAudit(
    db,
    accountId,
    {
      type: 'legalHold.set',
      actor: actorOf(change),
      subject: callId,
      before: before.legalHold,
      after: after.legalHold,
      detail: { appId: change.appId },
    },
    change.now,
  );
  return after;
}

/** Lifts the legal hold on a call's recording, if it has one. Run inside a transaction. */
export async function liftRecordingLegalHold(
  db: Executor,
  change: RecordingChange,
): Promise<Recording> {
  const { policy, accountId, callId, userId } = change;
  requireAdministrator(policy, userId);
  if (!(await lockCallForRecording(db, accountId, callId))) throw notFound(`call ${callId}`);
  const before = await requireRecording(db, accountId, callId);
  if (before.legalHold === null) return before;
  await setLegalHold(db, accountId, callId, null);
  await appendAudit(
    db,
    accountId,
    {
      type: 'legalHold.lifted',
      actor: actorOf(change),
      subject: callId,
      before: before.legalHold,
      after: null,
      detail: { appId: change.appId },
    },
    change.now,
  );
  return { ...before, legalHold: null };
}
