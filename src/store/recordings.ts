import { selectByIds } from './batch.js';
import type { Executor } from './database.js';
import type { RecordingsTable } from './schema.js';

/** A legal hold on a recording: while it stands nobody may delete or replace it (SPEC §7). */
export interface LegalHold {
  readonly reason: string;
  /** Who set it: `user:<id>`. */
  readonly by: string;
  readonly at: string;
}

/** A call's recording, as the service keeps it: the audio itself lives in recording storage. */
export interface Recording {
  readonly callId: string;
  /** Where the audio lives in recording storage; also kept in `calls.recording_ref`. */
  readonly storageKey: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly createdAt: string;
  readonly legalHold: LegalHold | null;
}

/** What an upload stores about the audio it received. */
export interface NewRecording {
  readonly callId: string;
  readonly storageKey: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly createdAt: number;
}

function fromRow(row: RecordingsTable): Recording {
  return {
    callId: row.call_id,
    storageKey: row.storage_key,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    legalHold:
      row.legal_hold === 1
        ? {
            reason: row.legal_hold_reason ?? '',
            by: row.legal_hold_by ?? '',
            at: new Date(row.legal_hold_at ?? row.created_at).toISOString(),
          }
        : null,
  };
}

export async function findRecording(
  db: Executor,
  accountId: string,
  callId: string,
): Promise<Recording | undefined> {
  const row = await db
    .selectFrom('recordings')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('call_id', '=', callId)
    .executeTakeFirst();
  return row && fromRow(row);
}

/**
 * Locks the call's row for the rest of the transaction and says whether the call exists.
 * Every change to a call's recording takes this lock first, so two uploads (or an upload
 * and a delete) of the same call run one after the other and each reads what the other
 * committed: no file is left unreferenced, no hold is missed. A no-op update is the one
 * row lock both SQLite and PostgreSQL understand (`FOR UPDATE` is PostgreSQL only).
 */
export async function lockCallForRecording(
  db: Executor,
  accountId: string,
  callId: string,
): Promise<boolean> {
  const result = await db
    .updateTable('calls')
    .set((eb) => ({ recording_ref: eb.ref('recording_ref') }))
    .where('account_id', '=', accountId)
    .where('id', '=', callId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Stores a call's recording, replacing the one it had (the legal hold, if any, is kept:
 * callers refuse to replace a held recording before they get here), and points
 * `calls.recording_ref` at it.
 */
export async function saveRecording(
  db: Executor,
  accountId: string,
  recording: NewRecording,
): Promise<void> {
  const content = {
    storage_key: recording.storageKey,
    content_type: recording.contentType,
    size_bytes: recording.sizeBytes,
    sha256: recording.sha256,
    created_at: recording.createdAt,
  };
  await db
    .insertInto('recordings')
    .values({ account_id: accountId, call_id: recording.callId, legal_hold: 0, ...content })
    .onConflict((oc) => oc.columns(['account_id', 'call_id']).doUpdateSet(content))
    .execute();
  await setRecordingRef(db, accountId, recording.callId, recording.storageKey);
}

/** Removes a call's recording row and clears `calls.recording_ref`. */
export async function deleteRecording(
  db: Executor,
  accountId: string,
  callId: string,
): Promise<void> {
  await db
    .deleteFrom('recordings')
    .where('account_id', '=', accountId)
    .where('call_id', '=', callId)
    .execute();
  await setRecordingRef(db, accountId, callId, null);
}

/** Sets (or, with `null`, lifts) the legal hold on a call's recording. */
export async function setLegalHold(
  db: Executor,
  accountId: string,
  callId: string,
  hold: { readonly reason: string; readonly by: string; readonly at: number } | null,
): Promise<void> {
  await db
    .updateTable('recordings')
    .set(
      hold === null
        ? { legal_hold: 0, legal_hold_reason: null, legal_hold_by: null, legal_hold_at: null }
        : {
            legal_hold: 1,
            legal_hold_reason: hold.reason,
            legal_hold_by: hold.by,
            legal_hold_at: hold.at,
          },
    )
    .where('account_id', '=', accountId)
    .where('call_id', '=', callId)
    .execute();
}

/** Of these calls of the account, the ones that have a recording. */
export async function callsWithRecordings(
  db: Executor,
  accountId: string,
  callIds: readonly string[],
): Promise<Set<string>> {
  const rows = await selectByIds(callIds, (chunk) =>
    db
      .selectFrom('recordings')
      .select('call_id')
      .where('account_id', '=', accountId)
      .where('call_id', 'in', chunk)
      .execute(),
  );
  return new Set(rows.map((row) => row.call_id));
}

/** Of these storage keys of the account, the ones a recording row names. */
export async function referencedStorageKeys(
  db: Executor,
  accountId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  const rows = await selectByIds(keys, (chunk) =>
    db
      .selectFrom('recordings')
      .select('storage_key')
      .where('account_id', '=', accountId)
      .where('storage_key', 'in', chunk)
      .execute(),
  );
  return new Set(rows.map((row) => row.storage_key));
}

async function setRecordingRef(
  db: Executor,
  accountId: string,
  callId: string,
  storageKey: string | null,
): Promise<void> {
  await db
    .updateTable('calls')
    .set({ recording_ref: storageKey })
    .where('account_id', '=', accountId)
    .where('id', '=', callId)
    .execute();
}

/** A playback session: who reads which call's recording, played or downloaded. */
export interface PlaybackSession {
  readonly userId: string;
  readonly callId: string;
  readonly kind: 'played' | 'downloaded';
  /** The recording read: a replaced recording starts a new session. */
  readonly recordingSha256: string;
}

/**
 * Claims the audit of a playback session: true when this read begins one — the user has no
 * session of this kind on this call, or theirs began at or before `staleBefore`, or was of
 * a recording since replaced. One statement (an upsert whose update is conditional), so of
 * two reads racing on two servers exactly one claims it. Run inside the transaction that
 * writes the audit entry, so a failed append leaves the session unclaimed.
 */
export async function claimPlaybackSession(
  db: Executor,
  accountId: string,
  session: PlaybackSession,
  now: number,
  staleBefore: number,
): Promise<boolean> {
  const claimed = await db
    .insertInto('playback_sessions')
    .values({
      account_id: accountId,
      user_id: session.userId,
      call_id: session.callId,
      kind: session.kind,
      recording_sha256: session.recordingSha256,
      started_at: now,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['account_id', 'user_id', 'call_id', 'kind'])
        .doUpdateSet((eb) => ({
          recording_sha256: eb.ref('excluded.recording_sha256'),
          started_at: eb.ref('excluded.started_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('playback_sessions.started_at', '<=', staleBefore),
            eb('playback_sessions.recording_sha256', '<>', eb.ref('excluded.recording_sha256')),
          ]),
        ),
    )
    .returning('call_id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** The account's recordings stored before `cutoff` (epoch ms), held or not, oldest first. */
export async function findExpiredRecordings(
  db: Executor,
  accountId: string,
  cutoff: number,
): Promise<{ callId: string; legalHold: boolean }[]> {
  const rows = await db
    .selectFrom('recordings')
    .select(['call_id', 'legal_hold'])
    .where('account_id', '=', accountId)
    .where('created_at', '<', cutoff)
    .orderBy('created_at')
    .orderBy('call_id')
    .execute();
  return rows.map((row) => ({ callId: row.call_id, legalHold: row.legal_hold === 1 }));
}

/**
 * Deletes those of these calls' recordings that are still stored before `cutoff` and not
 * under legal hold, clears their calls' `recording_ref`, and answers what it deleted. The
 * conditions sit in the DELETE itself, so a hold set or a recording replaced since they
 * were listed is left alone, and of two concurrent sweeps each reports only its own rows.
 */
export async function deleteExpiredRecordings(
  db: Executor,
  accountId: string,
  callIds: readonly string[],
  cutoff: number,
): Promise<{ callId: string; storageKey: string }[]> {
  const rows = await selectByIds(callIds, (chunk) =>
    db
      .deleteFrom('recordings')
      .where('account_id', '=', accountId)
      .where('call_id', 'in', chunk)
      .where('created_at', '<', cutoff)
      .where('legal_hold', '=', 0)
      .returning(['call_id', 'storage_key'])
      .execute(),
  );
  const deleted = rows.map((row) => ({ callId: row.call_id, storageKey: row.storage_key }));
  await selectByIds(
    deleted.map((row) => row.callId),
    async (chunk) => {
      await db
        .updateTable('calls')
        .set({ recording_ref: null })
        .where('account_id', '=', accountId)
        .where('id', 'in', chunk)
        .execute();
      return [];
    },
  );
  return deleted;
}
