import type { Executor } from '../../store/database.js';
import { referencedStorageKeys } from '../../store/recordings.js';
import type { RecordingStorage, StoredFile } from '../recording-storage.js';

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
