import type { Kysely } from 'kysely';
import { notFound } from '../../errors.js';
import { appendAudit } from '../../store/audit.js';
import { deleteRecording, lockCallForRecording } from '../../store/recordings.js';
import type { Database } from '../../store/schema.js';
import type { RecordingStorage } from '../recording-storage.js';
import {
  type RecordingChange,
  actorOf,
  describeRecording,
  requireCall,
  requireRecording,
} from './access.js';
import { legalHoldError } from './legal-hold.js';

/**
 * Deletes a call's recording (SPEC §7): `recording.delete` must reach the call's owner and
 * no legal hold may stand. The row goes in one transaction, the file after it commits.
 * Opens its own transaction.
 */
export async function deleteCallRecording(
  db: Kysely<Database>,
  storage: RecordingStorage,
  change: RecordingChange,
): Promise<void> {
  const { policy, accountId, callId, userId } = change;
  const deleted = await db.transaction().execute(async (trx) => {
    if (!(await lockCallForRecording(trx, accountId, callId))) throw notFound(`call ${callId}`);
    await requireCall(trx, policy, accountId, callId, userId, 'recording.delete');
    const recording = await requireRecording(trx, accountId, callId);
    if (recording.legalHold) throw legalHoldError(callId, recording);
    await deleteRecording(trx, accountId, callId);
    await appendAudit(
      trx,
      accountId,
      {
        type: 'recording.deleted',
        actor: actorOf(change),
        subject: callId,
        before: describeRecording(recording),
        detail: { appId: change.appId },
      },
      change.now,
    );
    return recording;
  });
  // After the commit: a failure here is an error worth seeing (the audio is still on disk),
  // though the recording is already gone for everyone.
  await storage.remove(deleted.storageKey);
}
