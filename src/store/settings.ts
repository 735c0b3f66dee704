import { insertMany } from './batch.js';
import type { Executor } from './database.js';

/** One stored settings section: its JSON document and its version. */
export interface StoredSection {
  readonly value: unknown;
  readonly version: number;
}

export async function findSection(
  db: Executor,
  accountId: string,
  section: string,
): Promise<StoredSection | undefined> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('account_id', '=', accountId)
    .where('section', '=', section)
    .executeTakeFirst();
  // Written only by writeSection, from a document checked against the section's schema.
  return row && { value: JSON.parse(row.value) as unknown, version: row.version };
}

/**
 * Writes a section if it is still at `expectedVersion` (0: never saved), and answers
 * whether it was. Check and write are one statement, so of two concurrent saves based on
 * the same version exactly one wins. The new version is `expectedVersion + 1`.
 */
export async function writeSection(
  db: Executor,
  accountId: string,
  section: string,
  value: unknown,
  expectedVersion: number,
  now: number,
): Promise<boolean> {
  const values = { value: JSON.stringify(value), version: expectedVersion + 1, updated_at: now };
  if (expectedVersion === 0) {
    const result = await db
      .insertInto('settings')
      .values({ account_id: accountId, section, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'section']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }
  const result = await db
    .updateTable('settings')
    .set(values)
    .where('account_id', '=', accountId)
    .where('section', '=', section)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The account's blocked numbers (E.164), in the order they were saved. */
export async function loadBlockedNumbers(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('blocked_numbers')
    .select('phone')
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((row) => row.phone);
}

/**
 * Replaces the account's blocked numbers. They are part of the directory's tables (a
 * directory import replaces them too); the caller bumps the policy version.
 */
export async function replaceBlockedNumbers(
  db: Executor,
  accountId: string,
  numbers: readonly string[],
): Promise<void> {
  await db.deleteFrom('blocked_numbers').where('account_id', '=', accountId).execute();
  await insertMany(
    db,
    'blocked_numbers',
    numbers.map((phone, position) => ({ account_id: accountId, phone, position })),
  );
}

/** The account's directory version: it moves with every directory import. */
export async function findDirectoryVersion(
  db: Executor,
  accountId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select('directory_version')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.directory_version;
}

/**
 * Moves the directory version on from `expectedVersion`, if it is still there, and answers
 * whether it was: one statement, so of two concurrent changes based on the same version
 * exactly one wins (on PostgreSQL the second waits for the first's row lock, then finds
 * the version gone).
 */
export async function claimDirectoryVersion(
  db: Executor,
  accountId: string,
  expectedVersion: number,
): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set((eb) => ({ directory_version: eb('directory_version', '+', 1) }))
    .where('id', '=', accountId)
    .where('directory_version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
