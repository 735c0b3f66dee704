import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import { decide } from '../../engine/decide.js';
import { explain } from '../../engine/explain.js';
import type { Question } from '../../engine/question.js';
import { lowestScopeReaching } from '../../engine/scope.js';
import type { Policy } from '../../engine/policy.js';
import { CallgateError, notFound } from '../../errors.js';
import { type Actor, appendAudit } from '../../store/audit.js';
import { type CallRecord, findCall } from '../../store/calls.js';
import {
  type Recording,
  findRecording,
  lockCallForRecording,
  saveRecording,
} from '../../store/recordings.js';
import type { Database } from '../../store/schema.js';
import type { RecordingStorage } from '../recording-storage.js';
import { describeRecording, requireRecording } from './access.js';
import { AUDIO_FORMATS, formatOfMediaType, MEDIA_TYPES, sniffAudioFormat } from './format.js';
import { legalHoldError } from './legal-hold.js';

export interface RecordingUpload {
  readonly accountId: string;
  readonly callId: string;
  /** The request's media type, lower case, without parameters. */
  readonly mediaType: string;
  /** The Content-Length the client announced, if any: refused early when too large. */
  readonly declaredBytes?: number;
  readonly source: Readable;
  readonly maxBytes: number;
  readonly actor: Actor;
  readonly appId: string | null;
  /**
   * Who would replace a recording the call already has: the user behind the token, with the
   * policy to decide by. Null (the demo seeding) may only add recordings, never replace.
   */
  readonly replacingAs: { readonly policy: Policy; readonly userId: string } | null;
  readonly now: number;
}

/**
 * Replacing a recording destroys the one it had, so it is a delete as much as an upload:
 * the user behind the token needs `recording.delete` reaching the call's owner (SPEC §7),
 * on top of the application's `calls.write` (SPEC §10: scope and user both). Otherwise
 * ingest would let any application delete any recording. Refused as 403 naming the
 * permission, not 404: whoever holds calls.write can already learn that a call id exists
 * (ingesting it again answers 409), so hiding it here would hide nothing.
 */
function requireMayReplace(upload: RecordingUpload, call: CallRecord): void {
  const as = upload.replacingAs;
  if (as === null) {
    throw new CallgateError(
      'conflict',
      `call ${call.id} already has a recording; delete it first to store another`,
    );
  }
  const question: Question = {
    userId: as.userId,
    permission: 'recording.delete',
    targetUserId: call.userId,
  };
  if (decide(as.policy, question).allowed) return;
  throw new CallgateError(
    'permission_denied',
    `call ${call.id} already has a recording, and replacing it deletes it: recording.delete must reach its owner (${explain(as.policy, question).detail})`,
    {
      permission: 'recording.delete',
      requiredLevel: lowestScopeReaching(as.policy, as.userId, call.userId),
    },
  );
}

/**
 * Stores a call's recording (SPEC §7, API.md `PUT /calls/{id}/recording`): the body is
 * streamed to a temporary file (never held in memory), counted, hashed and sniffed; then one
 * transaction stores the row, points the call at it and moves the file into place. Any
 * failure leaves no file behind. Replacing a recording needs `recording.delete` reaching the
 * call's owner (see requireMayReplace); one under legal hold is not replaced at all.
 *
 * Opens its own transactions: the file and the row must succeed or fail together.
 *
 * @example await uploadRecording(db, storage, { accountId: 'acme', callId: 'c42', mediaType: 'audio/wav', source, maxBytes, actor: 'user:u0', appId: 'pbx', now })
 */
export async function uploadRecording(
  db: Kysely<Database>,
  storage: RecordingStorage,
  upload: RecordingUpload,
): Promise<Recording> {
  const { accountId, callId } = upload;
  const format = formatOfMediaType(upload.mediaType);
  if (format === undefined) {
    throw new CallgateError(
      'unsupported_media_type',
      `${upload.mediaType} is not a recording format Callgate keeps; send one of ${Object.keys(MEDIA_TYPES).join(', ')}`,
    );
  }
  // Checked before reading the body too, so a refused upload is not streamed for nothing;
  // the transaction below checks again.
  const call = await findCall(db, accountId, callId);
  if (call === undefined) throw notFound(`call ${callId}`);
  const existing = await findRecording(db, accountId, callId);
  if (existing !== undefined) requireMayReplace(upload, call);
  if (existing?.legalHold) throw legalHoldError(callId, existing);
  if (upload.declaredBytes !== undefined && upload.declaredBytes > upload.maxBytes) {
    throw new CallgateError(
      'payload_too_large',
      `a recording may hold at most ${upload.maxBytes} bytes`,
      { maxBytes: upload.maxBytes },
    );
  }

  const staged = await storage.receive(accountId, upload.source, upload.maxBytes);
  let placedKey: string | undefined;
  let previous: Recording | undefined;
  try {
    const sniffed = sniffAudioFormat(staged.head);
    if (sniffed !== format) {
      throw new CallgateError(
        'invalid_request',
        sniffed === undefined
          ? `the body is not ${upload.mediaType} audio: its first bytes match no audio format`
          : `the body is ${AUDIO_FORMATS[sniffed].contentType} audio, not ${upload.mediaType}`,
        { fields: [{ path: 'body', message: 'content does not match the Content-Type' }] },
      );
    }
    previous = await db.transaction().execute(async (trx) => {
      if (!(await lockCallForRecording(trx, accountId, callId))) throw notFound(`call ${callId}`);
      const before = await findRecording(trx, accountId, callId);
      // Again under the lock: another upload may have stored one since the check above.
      if (before !== undefined) requireMayReplace(upload, call);
      if (before?.legalHold) throw legalHoldError(callId, before);
      placedKey = await storage.place(staged, callId, AUDIO_FORMATS[format].extension);
      const row = {
        callId,
        storageKey: placedKey,
        contentType: AUDIO_FORMATS[format].contentType,
        sizeBytes: staged.sizeBytes,
        sha256: staged.sha256,
        createdAt: upload.now,
      };
      await saveRecording(trx, accountId, row);
      await appendAudit(
        trx,
        accountId,
        {
          type: 'recording.uploaded',
          actor: upload.actor,
          subject: callId,
          before: before && describeRecording(before),
          after: { contentType: row.contentType, sizeBytes: row.sizeBytes, sha256: row.sha256 },
          detail: { appId: upload.appId },
        },
        upload.now,
      );
      return before;
    });
  } catch (error) {
    if (placedKey === undefined) await storage.discard(staged);
    else await storage.remove(placedKey);
    throw error;
  }
  if (previous !== undefined && previous.storageKey !== placedKey) {
    // The row no longer names the old file. Failing to remove it costs disk, not correctness.
    await storage.remove(previous.storageKey).catch(() => undefined);
  }
  return requireRecording(db, accountId, callId);
}
