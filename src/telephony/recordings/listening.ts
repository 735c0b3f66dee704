import { notFound } from '../../errors.js';
import { appendAudit } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import { type Recording, claimPlaybackSession } from '../../store/recordings.js';
import type { OpenedRecording, RecordingStorage } from '../recording-storage.js';
import {
  type ListenRequest,
  type RecordingActor,
  actorOf,
  recordingTag,
  requireCall,
  requireRecording,
} from './access.js';

/**
 * Opens a call's recording for a user who may listen to it (SPEC §7): the call must exist
 * in the account, `recording.listen` must reach its owner and the folder access list must
 * let the user read. Calls the user cannot see answer 404, as do calls with no recording.
 */
export async function openRecordingForListening(
  db: Executor,
  storage: RecordingStorage,
  request: ListenRequest & { readonly expectedTag?: string },
): Promise<{ readonly recording: Recording; readonly file: OpenedRecording }> {
  const { policy, accountId, callId, userId } = request;
  await requireCall(db, policy, accountId, callId, userId, 'recording.listen');
  const recording = await requireRecording(db, accountId, callId);
  if (request.expectedTag !== undefined && request.expectedTag !== recordingTag(recording)) {
    // A signed URL names the recording as it was; a replaced one is not what it granted.
    throw notFound(`the recording of call ${callId} this URL was issued for`);
  }
  const file = await storage.open(recording.storageKey);
  if (file === undefined) throw notFound(`the audio of the recording of call ${callId}`);
  return { recording, file };
}

/** A recording's details, for those who may listen to it. */
export async function findRecordingForListening(
  db: Executor,
  request: ListenRequest,
): Promise<Recording> {
  const { policy, accountId, callId, userId } = request;
  await requireCall(db, policy, accountId, callId, userId, 'recording.listen');
  return requireRecording(db, accountId, callId);
}

/**
 * How long one playback session lasts for the audit log: reads of the same recording by the
 * same user, as plays (or as downloads), within this long of the session's first read are
 * that session. A player asks for a range per seek, so auditing every read would flood the
 * log; auditing only reads from byte 0 let `Range: bytes=1-` or `bytes=-N` take the whole
 * file unaudited.
 */
export const PLAYBACK_SESSION_MS = 30 * 60 * 1000;

/**
 * Writes "recording played" or, kept apart, "recording downloaded" (SPEC §11) once per
 * playback session, whatever bytes the read asks for: the first read (whole file or any
 * range) of a recording by a user, as a play or as a download, begins a session; reads
 * within {@link PLAYBACK_SESSION_MS} of its start belong to it; a replaced recording begins a
 * new one. The session is claimed in the database in the same transaction as the entry, so
 * it holds across servers. Returns whether this read was audited.
 */
export async function auditRecordingAccess(
  db: Executor,
  actor: RecordingActor,
  access: {
    readonly callId: string;
    readonly recording: Recording;
    readonly download: boolean;
    readonly via: 'token' | 'signedUrl';
  },
  now: number,
): Promise<boolean> {
  if (!db.isTransaction)
    return db.transaction().execute((trx) => auditRecordingAccess(trx, actor, access, now));
  const kind = access.download ? 'downloaded' : 'played';
  const session = {
    userId: actor.userId,
    callId: access.callId,
    kind,
    recordingSha256: access.recording.sha256,
  } as const;
  if (!(await claimPlaybackSession(db, actor.accountId, session, now, now - PLAYBACK_SESSION_MS)))
    return false;
  await appendAudit(
    db,
    actor.accountId,
    {
      type: access.download ? 'recording.downloaded' : 'recording.played',
      actor: actorOf(actor),
      subject: access.callId,
      detail: { via: access.via, appId: actor.appId },
    },
    now,
  );
  return true;
}
