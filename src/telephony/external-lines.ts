import { CallgateError } from '../errors.js';
import type { Executor } from '../store/database.js';
import {
  type ExternalLine,
  deleteExternalLine,
  findExternalLine,
  insertExternalLine,
  listExternalLines,
  updateExternalLine,
} from '../store/external-calls.js';

/**
 * An application's own lines (`telephony.externalLine.*`, SPEC §12 "per application"): the
 * numbers its PBX places and takes calls on, as a CRM connector declares them. Each
 * application sees and changes only its own (`appKey`, as for registered calls); the same
 * number may be a line of two applications. A line declares nothing about who may call out
 * from it: an outbound call registered on it is decided by SPEC §5, whose line access
 * knows only the account's rented numbers, so a line that is not one refuses every
 * outbound call but an emergency one.
 */
export type { ExternalLine };

const MAX_LINES_PER_APP = 1000;

function checkNumber(number: string): string {
  const trimmed = number.trim();
  if (!/^[\x21-\x7e]{1,40}$/.test(trimmed))
    throw new CallgateError('invalid_request', 'NUMBER: 1 to 40 printable characters');
  return trimmed;
}

function checkName(name: string): string {
  if (name.length > 255 || [...name].some((c) => c < ' ' || c === '\x7f'))
    throw new CallgateError('invalid_request', 'NAME: at most 255 characters, no control ones');
  return name;
}

export function listAppLines(
  db: Executor,
  accountId: string,
  appKey: string,
): Promise<ExternalLine[]> {
  return listExternalLines(db, accountId, appKey);
}

/** Adds a line; one the application already has is a conflict. Run inside a transaction. */
export async function addAppLine(
  db: Executor,
  accountId: string,
  appKey: string,
  line: { readonly number: string; readonly name?: string; readonly crmAutoCreate: boolean },
  now: number,
): Promise<ExternalLine> {
  const number = checkNumber(line.number);
  const name = checkName(line.name ?? number);
  if (await findExternalLine(db, accountId, appKey, number))
    throw new CallgateError('conflict', `this application already has the line ${number}`);
  if ((await listExternalLines(db, accountId, appKey)).length >= MAX_LINES_PER_APP)
    throw new CallgateError(
      'invalid_request',
      `an application may have at most ${MAX_LINES_PER_APP} lines`,
    );
  return insertExternalLine(
    db,
    accountId,
    appKey,
    { number, name, crmAutoCreate: line.crmAutoCreate },
    now,
  );
}

/** Changes a line's name or CRM_AUTO_CREATE; another application's line is not found. */
export async function updateAppLine(
  db: Executor,
  accountId: string,
  appKey: string,
  number: string,
  change: { readonly name?: string; readonly crmAutoCreate?: boolean },
): Promise<ExternalLine> {
  const key = checkNumber(number);
  if (!(await findExternalLine(db, accountId, appKey, key)))
    throw new CallgateError('not_found', `this application has no line ${key}`);
  await updateExternalLine(db, accountId, appKey, key, {
    ...(change.name !== undefined && { name: checkName(change.name) }),
    ...(change.crmAutoCreate !== undefined && { crmAutoCreate: change.crmAutoCreate }),
  });
  return (await findExternalLine(db, accountId, appKey, key))!;
}

/** Deletes a line; another application's line is not found. */
export async function deleteAppLine(
  db: Executor,
  accountId: string,
  appKey: string,
  number: string,
): Promise<void> {
  const key = checkNumber(number);
  if (!(await deleteExternalLine(db, accountId, appKey, key)))
    throw new CallgateError('not_found', `this application has no line ${key}`);
}
