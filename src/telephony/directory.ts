import { type Directory, parseDirectory } from '../directory/directory.js';
import { defaultAssignments } from '../engine/defaults.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { loadDirectory, replaceDirectory } from '../store/directory.js';
import { loadAssignments, replaceAssignments } from '../store/permissions.js';
import { assignUserNumbers } from '../store/user-numbers.js';
import { requireAccount } from './accounts.js';
import { endCredentialsOf } from '../store/sessions.js';

const USER_NAMES = new WeakMap<Directory, ReadonlyMap<string, string>>();

/**
 * Each user's name by id, built once per loaded directory (directories are immutable and
 * replaced whole), so a page of calls or 2,000 statistics groups name their users cheaply.
 *
 * @example userNames(directory).get('ada') // "Ada Lovelace"
 */
export function userNames(directory: Directory): ReadonlyMap<string, string> {
  let names = USER_NAMES.get(directory);
  if (names === undefined) {
    names = new Map(directory.users.map((user) => [user.id, user.name]));
    USER_NAMES.set(directory, names);
  }
  return names;
}

export interface DirectoryCounts {
  readonly users: number;
  readonly departments: number;
  readonly userGroups: number;
  readonly workgroups: number;
  readonly crmClients: number;
  readonly crmReadScopes: number;
  readonly blockedNumbers: number;
}

export function countDirectory(directory: Directory): DirectoryCounts {
  return {
    users: directory.users.length,
    departments: directory.departments.length,
    userGroups: directory.userGroups.length,
    workgroups: directory.workgroups.length,
    crmClients: directory.crmClients.length,
    crmReadScopes: directory.crmReadScopes.length,
    blockedNumbers: directory.blockedNumbers.length,
  };
}

/**
 * Replaces an account's directory with a document, after checking all of it (ValidationError
 * names every failing item). Run inside a transaction: nothing is written unless all is.
 *
 * Users new to the account get their user number (SPEC §12), kept for good.
 *
 * The first directory brings the root department, and with it the default Manager
 * assignment (SPEC §2) — unless the assignments were already edited.
 */
export async function importDirectory(
  db: Executor,
  accountId: string,
  document: unknown,
  actor: Actor,
  now = Date.now(),
): Promise<DirectoryCounts> {
  const account = await requireAccount(db, accountId);
  const directory = parseDirectory(document, account);
  const before = countDirectory(await loadDirectory(db, accountId));
  const { removedUserIds } = await replaceDirectory(db, accountId, directory);
  // Users who appear for the first time get their stable number (SPEC §12) with them.
  await assignUserNumbers(
    db,
    accountId,
    directory.users.map((u) => u.id),
  );
  // A user the directory drops is gone now, not when their last token expires.
  const ended = await endCredentialsOf(db, accountId, removedUserIds, now);
  const root = directory.departments.find((d) => d.parentId === null);
  const isFirstWithRoot = account.assignmentsVersion === 0 && root !== undefined;
  if (isFirstWithRoot) {
    const previous = await loadAssignments(db, accountId);
    const assignments = defaultAssignments(root.id);
    await replaceAssignments(db, accountId, assignments);
    await appendAudit(
      db,
      accountId,
      {
        type: 'assignments.replaced',
        actor: 'system',
        before: previous,
        after: assignments,
        detail: { reason: 'default Manager assignment to the root department' },
      },
      now,
    );
  }
  await bumpVersions(db, accountId, { directory: true, assignments: isFirstWithRoot });
  const after = countDirectory(directory);
  await appendAudit(
    db,
    accountId,
    {
      type: 'directory.replaced',
      actor,
      before,
      after,
      ...(removedUserIds.length > 0 && {
        detail: {
          removedUsers: removedUserIds,
          tokensRevoked: ended.tokens,
          webhooksRevoked: ended.webhooks,
          sessionsEnded: ended.sessions,
        },
      }),
    },
    now,
  );
  return after;
}
