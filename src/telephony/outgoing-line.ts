import type { Kysely } from 'kysely';
import type { Executor } from '../store/database.js';
import { listRentedNumbers } from '../store/numbers.js';
import type { Database } from '../store/schema.js';
import type { PolicyState } from './policy.js';
import type { Editor } from './role-admin.js';
import { readSettingsSection, saveSettingsSection } from './settings.js';

/**
 * The account's lines (SPEC §12, `voximplant.line.get`): the numbers it rents, oldest
 * rental first. SIP connections are not lines here: calls go out from rented numbers, which
 * line access (SPEC §5 rule 5) and caller IDs name.
 */
export async function listLines(db: Executor, accountId: string): Promise<string[]> {
  return (await listRentedNumbers(db, accountId)).map((rented) => rented.number);
}

/**
 * The account's default outgoing line (`voximplant.line.outgoing.get`): the general settings'
 * default caller ID, the line of calls that name none and whose caller has none of their own
 * (SPEC §5 rule 5); null when there is none.
 */
export async function readDefaultLine(db: Executor, accountId: string): Promise<string | null> {
  return (await readSettingsSection(db, accountId, 'general')).value.defaultCallerIdNumber;
}

/**
 * Makes a rented number the account's default outgoing line (`voximplant.line.outgoing.set`,
 * numbers.manage): the general settings' default caller ID, through the settings' own save,
 * which checks the number is rented, makes the next decision see it and audits the change.
 * The rest of the section is kept as it is. Answers whether anything changed.
 */
export async function setDefaultLine(
  db: Kysely<Database>,
  state: PolicyState,
  editor: Editor,
  number: string,
  now: number,
): Promise<boolean> {
  const accountId = state.account.id;
  return db.transaction().execute(async (trx) => {
    const general = await readSettingsSection(trx, accountId, 'general');
    if (general.value.defaultCallerIdNumber === number) return false;
    await saveSettingsSection(
      trx,
      accountId,
      { section: 'general', value: { ...general.value, defaultCallerIdNumber: number } },
      general.version,
      editor,
      now,
      state,
    );
    return true;
  });
}
