import type { Kysely } from 'kysely';
import type { Policy } from '../engine/policy.js';
import { CallgateError, toCallgateError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import type { Database } from '../store/schema.js';
import { deleteExpiredRecordings, findExpiredRecordings } from '../store/recordings.js';
import type { RecordingStorage } from './recording-storage.js';
import { deleteCallRecording } from './recordings/delete.js';

const DAY_MS = 86_400_000;

/** Recordings deleted in one transaction, and named in one audit entry. */
const SWEEP_BATCH = 500;

export interface RetentionSweepResult {
  /** Per account with a retention period: what was deleted (or, dry run, would be). */
  readonly accounts: {
    readonly accountId: string;
    readonly recordingsDays: number;
    readonly deleted: readonly string[];
    /** Past retention but under legal hold: kept. */
    readonly held: readonly string[];
  }[];
  readonly dryRun: boolean;
}

/**
 * Deletes every recording older than its account's retention (settings section
 * `retention`, `recordingsDays`; none while it is `null`), never one under legal hold.
 * Each batch is one transaction with one audit entry (`recordings.expired`) naming its call
 * ids; the files go after the commit. Safe on several servers at once: a recording another
 * sweep deleted first is simply not deleted again, nor audited twice.
 *
 * @example await sweepExpiredRecordings(db, storage, { now: Date.now() }) // { accounts: [...] }
 */
export async function sweepExpiredRecordings(
  db: Kysely<Database>,
  storage: RecordingStorage,
  options: { readonly now: number; readonly dryRun?: boolean; readonly accountId?: string },
): Promise<RetentionSweepResult> {
  const dryRun = options.dryRun === true;
  const periods = await db
    .selectFrom('settings')
    .select(['account_id', 'value'])
    .where('section', '=', 'retention')
    .$if(options.accountId !== undefined, (q) => q.where('account_id', '=', options.accountId!))
    .orderBy('account_id')
    .execute();
  const accounts: RetentionSweepResult['accounts'][number][] = [];
  for (const row of periods) {
    // Written only through the section's schema: a whole number of days, or null.
    const days = (JSON.parse(row.value) as { recordingsDays: number | null }).recordingsDays;
    if (days === null) continue;
    const accountId = row.account_id;
    const cutoff = options.now - days * DAY_MS;
    const expired = await findExpiredRecordings(db, accountId, cutoff);
    const held = expired.filter((r) => r.legalHold).map((r) => r.callId);
    const candidates = expired.filter((r) => !r.legalHold).map((r) => r.callId);
    const deleted: string[] = [];
    for (let i = 0; i < candidates.length && !dryRun; i += SWEEP_BATCH) {
      const batch = candidates.slice(i, i + SWEEP_BATCH);
      const gone = await db.transaction().execute(async (trx) => {
        // The conditions are checked again as the rows go: a hold set meanwhile keeps its
        // recording, and one replaced by a newer upload is not expired any more.
        const rows = await deleteExpiredRecordings(trx, accountId, batch, cutoff);
        if (rows.length > 0)
          await appendAudit(
            trx,
            accountId,
            {
              type: 'recordings.expired',
              actor: 'system',
              subject: null,
              detail: { recordingsDays: days, callIds: rows.map((r) => r.callId) },
            },
            options.now,
          );
        return rows;
      });
      for (const { callId, storageKey } of gone) {
        deleted.push(callId);
        await storage.remove(storageKey);
      }
    }
    accounts.push({
      accountId,
      recordingsDays: days,
      deleted: dryRun ? candidates : deleted,
      held,
    });
  }
  return { accounts, dryRun };
}

/** One call of a bulk delete and what became of its recording. */
export interface BulkDeleteItem {
  readonly callId: string;
  /** `deleted`, or the catalogue code that kept it: `not_found`, `permission_denied`, `legal_hold`. */
  readonly status: 'deleted' | 'not_found' | 'permission_denied' | 'legal_hold' | 'error';
  readonly message?: string;
}

/**
 * Deletes the recordings of the calls named, each exactly as `DELETE
 * /calls/{id}/recording` would (recording.delete must reach its owner, no legal hold,
 * audited as `recording.deleted`), and answers per call: one refused item does not keep
 * the others. A call named twice is answered once.
 */
export async function bulkDeleteRecordings(
  db: Kysely<Database>,
  storage: RecordingStorage,
  request: {
    readonly policy: Policy;
    readonly accountId: string;
    readonly userId: string;
    readonly appId: string | null;
    readonly callIds: readonly string[];
    readonly now: number;
  },
): Promise<BulkDeleteItem[]> {
  const items: BulkDeleteItem[] = [];
  for (const callId of new Set(request.callIds)) {
    try {
      await deleteCallRecording(db, storage, { ...request, callId });
      items.push({ callId, status: 'deleted' });
    } catch (error) {
      const known = toCallgateError(error);
      if (known.code === 'internal_error' || !(error instanceof CallgateError)) throw error;
      const status =
        known.code === 'not_found' ||
        known.code === 'permission_denied' ||
        known.code === 'legal_hold'
          ? known.code
          : 'error';
      items.push({ callId, status, message: known.message });
    }
  }
  return items;
}
