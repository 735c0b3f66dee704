import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import type { ScopeLevel } from '../engine/catalogue.js';
import {
  type Question,
  type Reason,
  decide,
  explain,
  isAccountAdministrator,
  lowestScopeReaching,
} from '../engine/decide.js';
import type { Policy } from '../engine/policy.js';
import { CallgateError, notFound } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import { type CallRecord, findCall } from '../store/calls.js';
import type { Executor } from '../store/database.js';
import {
  type Recording,
  claimPlaybackSession,
  deleteRecording,
  findRecording,
  lockCallForRecording,
  referencedStorageKeys,
  saveRecording,
  setLegalHold,
} from '../store/recordings.js';
import type { Database } from '../store/schema.js';
import type { OpenedRecording, RecordingStorage, StoredFile } from './recording-storage.js';
import type { Secrets } from './secrets.js';

/** The audio formats a recording may have: what the first bytes look like, and its names. */
export const AUDIO_FORMATS = {
  wav: { contentType: 'audio/wav', extension: 'wav' },
  ogg: { contentType: 'audio/ogg', extension: 'ogg' },
  mp3: { contentType: 'audio/mpeg', extension: 'mp3' },
  aac: { contentType: 'audio/aac', extension: 'aac' },
  flac: { contentType: 'audio/flac', extension: 'flac' },
  webm: { contentType: 'audio/webm', extension: 'webm' },
  mp4: { contentType: 'audio/mp4', extension: 'm4a' },
} as const satisfies Record<string, { contentType: string; extension: string }>;
export type AudioFormat = keyof typeof AUDIO_FORMATS;

/** The media types applications send, by format; the first of each is the one stored. */
const MEDIA_TYPES: Readonly<Record<string, AudioFormat>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/aac': 'aac',
  'audio/x-aac': 'aac',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/webm': 'webm',
  'audio/mp4': 'mp4',
  'audio/m4a': 'mp4',
  'audio/x-m4a': 'mp4',
};

/** The format a media type (`audio/wav`, parameters already removed) names, if we keep it. */
export function formatOfMediaType(mediaType: string): AudioFormat | undefined {
  return Object.hasOwn(MEDIA_TYPES, mediaType) ? MEDIA_TYPES[mediaType] : undefined;
}

/**
 * What the first bytes of a file say it is, from the formats' magic numbers; undefined for
 * anything else. Sniffing keeps an application from storing, say, an HTML page as audio.
 *
 * @example sniffAudioFormat(Buffer.from('RIFF\0\0\0\0WAVE')) // 'wav'
 */
export function sniffAudioFormat(head: Buffer): AudioFormat | undefined {
  const ascii = (start: number, text: string) =>
    head.length >= start + text.length &&
    head.toString('latin1', start, start + text.length) === text;
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'wav';
  if (ascii(0, 'OggS')) return 'ogg';
  if (ascii(0, 'fLaC')) return 'flac';
  if (ascii(0, 'ID3')) return 'mp3';
  if (ascii(4, 'ftyp')) return 'mp4';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  const [b0, b1] = head;
  if (b0 === 0xff && b1 !== undefined && (b1 & 0xe0) === 0xe0) {
    // Frame sync: MPEG audio has a layer (bits 1-2 non-zero); ADTS AAC has layer 00.
    if ((b1 & 0x06) !== 0) return 'mp3';
    if ((b1 & 0xf6) === 0xf0) return 'aac';
  }
  return undefined;
}

// ——— Who may reach a recording ————————————————————————————————————————————————————————

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
  const visible = VISIBILITY.some(
    (key) => decide(policy, { userId, permission: key, targetUserId: ownerId }).allowed,
  );
  if (!visible) return { kind: 'hidden' };
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
      throw notFound(`call ${call.id}`);
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
async function requireCall(
  db: Executor,
  policy: Policy,
  accountId: string,
  callId: string,
  userId: string,
  permission: RecordingPermission,
): Promise<CallRecord> {
  const call = await findCall(db, accountId, callId);
  if (call === undefined) throw notFound(`call ${callId}`);
  requireRecordingAccess(policy, userId, call, permission);
  return call;
}

async function requireRecording(
  db: Executor,
  accountId: string,
  callId: string,
): Promise<Recording> {
  const recording = await findRecording(db, accountId, callId);
  if (recording === undefined) throw notFound(`a recording of call ${callId}`);
  return recording;
}

function legalHoldError(callId: string, recording: Recording): CallgateError {
  return new CallgateError(
    'legal_hold',
    `the recording of call ${callId} is under legal hold and cannot be deleted or replaced until the hold is lifted`,
    { legalHold: recording.legalHold },
  );
}

/** Who acts on a recording, and through what. */
export interface RecordingActor {
  readonly accountId: string;
  readonly userId: string;
  /** The application acting for the user, if any. */
  readonly appId: string | null;
}

const actorOf = (actor: RecordingActor): Actor => `user:${actor.userId}`;

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

// ——— Upload ——————————————————————————————————————————————————————————————————————————

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

/** What {@link sweepRecordingStorage} removed. */
export interface SweepResult {
  /** Temporary upload files: uploads a crash (or a kill) interrupted. */
  readonly staged: number;
  /** Files no recording names: placed by an upload whose transaction never committed, or
   * replaced or deleted ones whose removal after the commit was cut short. */
  readonly unreferenced: number;
}

/**
 * Removes what a crashed server left in recording storage: staged uploads (`.part` files),
 * and files no recording row names. An upload moves its file into place inside its
 * transaction, so a crash before the commit leaves a file without a row; a replaced or
 * deleted recording's file is removed after the commit, so a crash there leaves one too.
 * Only files last written before `before` are touched; the server runs this at start-up,
 * before it listens, with `before` = its start, when no upload of its own can be under way.
 */
export async function sweepRecordingStorage(
  db: Executor,
  storage: RecordingStorage,
  options: { readonly before: number },
): Promise<SweepResult> {
  let staged = 0;
  let unreferenced = 0;
  const stored: StoredFile[] = [];
  const flush = async () => {
    const byAccount = new Map<string, string[]>();
    for (const file of stored.splice(0)) {
      const keys = byAccount.get(file.accountId) ?? [];
      keys.push(file.key);
      byAccount.set(file.accountId, keys);
    }
    for (const [accountId, keys] of byAccount) {
      const named = await referencedStorageKeys(db, accountId, keys);
      for (const key of keys) {
        if (named.has(key)) continue;
        await storage.remove(key);
        unreferenced++;
      }
    }
  };
  for await (const file of storage.files()) {
    if (file.modifiedAt >= options.before) continue;
    if (file.staged) {
      await storage.remove(file.key);
      staged++;
      continue;
    }
    stored.push(file);
    if (stored.length >= 1000) await flush();
  }
  await flush();
  return { staged, unreferenced };
}

// ——— Listening ————————————————————————————————————————————————————————————————————————

export interface ListenRequest extends RecordingActor {
  readonly policy: Policy;
  readonly callId: string;
}

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
 * The file name a download is offered under: the call id (already limited to
 * [A-Za-z0-9_.-]) and the format's extension, nothing a browser could take for a path.
 *
 * @example recordingFileName('c42', 'audio/wav') // 'recording-c42.wav'
 */
export function recordingFileName(callId: string, contentType: string): string {
  const format = Object.values(AUDIO_FORMATS).find((f) => f.contentType === contentType);
  const safe = callId.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '');
  return `recording-${safe}.${format?.extension ?? 'audio'}`;
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

// ——— Deleting and legal holds ——————————————————————————————————————————————————————————

export interface RecordingChange extends RecordingActor {
  readonly policy: Policy;
  readonly callId: string;
  readonly now: number;
}

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

// ——— Signed URLs ——————————————————————————————————————————————————————————————————————

export const SIGNED_RECORDING_PATH = '/api/v1/recordings/signed';

/** What a signed URL grants: one user, one recording (as it was when signed), until `exp`. */
export interface RecordingGrant {
  readonly account: string;
  readonly call: string;
  readonly user: string;
  /** The start of the recording's sha256: a replaced recording is not the one granted. */
  readonly rec: string;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  readonly download: boolean;
}

// A JSON array: no part can run into the next, whatever it holds.
const grantMessage = (grant: RecordingGrant): string =>
  JSON.stringify([
    'callgate recording url v1',
    grant.account,
    grant.call,
    grant.user,
    grant.rec,
    grant.exp,
    grant.download ? 1 : 0,
  ]);

/** The tag of a recording that a grant names. */
export const recordingTag = (recording: Recording): string => recording.sha256.slice(0, 16);

/**
 * A short-lived URL that plays (or downloads) one recording as one user, for players that
 * cannot send a token (SPEC §7). Whoever follows it is checked again as that user.
 *
 * @example signRecordingUrl(secrets, { account: 'acme', call: 'c42', user: 'u4', rec, exp, download: false })
 *          // '/api/v1/recordings/signed?account=acme&call=c42&user=u4&rec=…&exp=…&sig=…'
 */
export function signRecordingUrl(secrets: Secrets, grant: RecordingGrant): string {
  const query = new URLSearchParams({
    account: grant.account,
    call: grant.call,
    user: grant.user,
    rec: grant.rec,
    exp: String(grant.exp),
    ...(grant.download && { download: '1' }),
    sig: secrets.sign(grantMessage(grant)),
  });
  return `${SIGNED_RECORDING_PATH}?${query.toString()}`;
}

/**
 * Checks a signed URL's signature (in constant time), then its expiry. A URL whose parts
 * were changed, or that has expired, is refused as unauthenticated.
 */
export function verifyRecordingUrl(
  secrets: Secrets,
  grant: RecordingGrant,
  signature: string,
  now: number,
): void {
  if (!secrets.verify(grantMessage(grant), signature)) {
    throw new CallgateError(
      'unauthenticated',
      'this recording URL is not valid: it was changed or not signed by Callgate',
    );
  }
  if (now >= grant.exp * 1000) {
    throw new CallgateError(
      'unauthenticated',
      `this recording URL expired at ${new Date(grant.exp * 1000).toISOString()}; ask for a new one`,
    );
  }
}

/**
 * Issues a signed URL for a user who may listen to the call's recording right now (the same
 * check as playing it), valid for `ttlSeconds`.
 */
export async function issueRecordingUrl(
  db: Executor,
  secrets: Secrets,
  request: ListenRequest & {
    readonly download: boolean;
    readonly ttlSeconds: number;
    readonly now: number;
  },
): Promise<{ readonly url: string; readonly expiresAt: string }> {
  const recording = await findRecordingForListening(db, request);
  const exp = Math.floor(request.now / 1000) + request.ttlSeconds;
  const url = signRecordingUrl(secrets, {
    account: request.accountId,
    call: request.callId,
    user: request.userId,
    rec: recordingTag(recording),
    exp,
    download: request.download,
  });
  return { url, expiresAt: new Date(exp * 1000).toISOString() };
}
