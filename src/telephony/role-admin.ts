import { accessCodeProblem, knownIds } from '../directory/directory.js';
import { CATALOGUE, PERMISSION_INDEX, PERMISSION_KEYS, levelRank } from '../engine/catalogue.js';
import { isAccountAdministrator } from '../engine/effective.js';
import {
  type Assignment,
  type Role,
  checkAssignment,
  isSameRole,
  parseRole,
} from '../engine/roles.js';
import type { FolderAccessEntry } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { type StoredRole, loadRoles, replaceAssignments } from '../store/permissions.js';
import { type LevelChange, assertPlanAllowsEditing, diffPolicies } from './permissions.js';
import { type PolicyInputs, type PolicyState, compileInputs, loadPolicyState } from './policy.js';

/** Who edits: a user of the account (SPEC §8 applies), or the operator/CLI (it does not). */
export interface Editor {
  readonly actor: Actor;
  readonly userId: string | null;
}

export interface ChangeOptions {
  readonly dryRun: boolean;
  readonly now: number;
  /**
   * The account's state as the caller already holds it (the request's own): its directory
   * and reduction are reused when the directory has not moved since, so a save does not
   * reload and reduce every user again (see loadPolicyState).
   */
  readonly previous?: PolicyState;
}

/** What a change did or, on a dry run, would do. */
export interface ChangeResult<T> {
  readonly applied: boolean;
  readonly changes: LevelChange[];
  readonly result: T;
}

/**
 * SPEC §8: a non-administrator may not save or assign a role that gives any permission a
 * level above their own. Administrators (and the operator) may.
 */
export function assertNoEscalation(
  state: PolicyState,
  editor: Editor,
  roles: readonly Role[],
): void {
  if (editor.userId === null) return;
  if (isAccountAdministrator(state.policy, editor.userId)) return;
  const actor = state.policy.users.get(editor.userId);
  for (const role of roles) {
    for (const key of PERMISSION_KEYS) {
      const own = actor?.ranks[PERMISSION_INDEX[key]] ?? 0;
      if (levelRank(key, role.permissions[key]) > own) {
        const yourLevel = CATALOGUE[key][own];
        throw new CallgateError(
          'escalation',
          `role "${role.id}" gives ${key} = ${role.permissions[key]}, above your own level ${yourLevel}`,
          { roleId: role.id, permission: key, level: role.permissions[key], yourLevel },
        );
      }
    }
  }
}

/**
 * SPEC §8's no-escalation rule, applied to the "Recorded calls" folder's access list: a
 * non-administrator may not save a list that lets anyone — themselves included — read the
 * folder when the list in force refuses them. Otherwise whoever an explicit `none` shuts
 * out (SPEC §7) could hold telephonySettings.modify, remove that entry and listen. Narrowing
 * is always allowed; account administrators (and the operator) may open the folder too.
 */
export function assertNoFolderEscalation(
  state: PolicyState,
  editor: Editor,
  entries: readonly FolderAccessEntry[],
  now: number,
): void {
  if (editor.userId === null || isAccountAdministrator(state.policy, editor.userId)) return;
  const after = compileInputs({ ...state, recordingsFolder: entries }, now, state.description);
  const gained: string[] = [];
  for (const [userId, user] of after.users) {
    if (user.canReadRecordingsFolder && !state.policy.users.get(userId)?.canReadRecordingsFolder)
      gained.push(userId);
  }
  if (gained.length === 0) return;
  const self = gained.includes(editor.userId);
  throw new CallgateError(
    'escalation',
    `this list would let ${self ? 'you' : gained.slice(0, 5).join(', ')}${gained.length > 5 ? ' and others' : ''} read the recordings folder, which the list in force refuses; only account administrators may open the folder to someone it shuts out`,
    { users: gained.slice(0, 100), access: 'read' },
  );
}

/**
 * The preview of a new "Recorded calls" folder access list: who gains or loses listening,
 * by the same diff every other preview answers (a folder that refuses someone counts as
 * `none` of recording.listen, as decisions do). Writes nothing.
 *
 * @example await previewRecordingsFolder(db, 'acme', [{ accessCode: 'user:max', access: 'none' }], now) // [{ userId: 'max', permission: 'recording.listen', from: 'own', to: 'none', ... }]
 */
export async function previewRecordingsFolder(
  db: Executor,
  accountId: string,
  entries: readonly FolderAccessEntry[],
  now: number,
  previous?: PolicyState,
): Promise<LevelChange[]> {
  const state = await loadPolicyState(db, accountId, now, previous);
  return changesOf(state, { recordingsFolder: entries }, now);
}

function changesOf(state: PolicyState, after: Partial<PolicyInputs>, now: number): LevelChange[] {
  return diffPolicies(state.policy, compileInputs({ ...state, ...after }, now), state);
}

function toPlain(role: Role): Role {
  return { id: role.id, name: role.name, permissions: role.permissions };
}

/**
 * A readable id for a new role, made from its name: lower-case words joined by hyphens,
 * accents dropped, and a number added when the account already has that id. Ids show in
 * the audit log and the API, where `sales-lead` says what `role-3fa9c1d2` does not.
 *
 * @example roleIdFromName('Sales lead', ['sales-lead']) // 'sales-lead-2'
 */
export function roleIdFromName(name: string, taken: Iterable<string>): string {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Room for "-" and a number within the 64 characters an id may have.
  const base = words.slice(0, 56).replace(/-+$/, '') || 'role';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** Creates a role (POST /roles); its id is chosen by the caller or made from its name. */
export async function createRole(
  db: Executor,
  accountId: string,
  input: unknown,
  editor: Editor,
  options: ChangeOptions,
): Promise<ChangeResult<StoredRole>> {
  const state = await loadPolicyState(db, accountId, options.now, options.previous);
  assertPlanAllowsEditing(state.account);
  const withId =
    typeof input === 'object' && input !== null && !('id' in input)
      ? {
          id: roleIdFromName(
            'name' in input && typeof input.name === 'string' ? input.name : '',
            state.roles.map((r) => r.id),
          ),
          ...input,
        }
      : input;
  const role = parseRole(withId);
  if (state.roles.some((r) => r.id === role.id))
    throw new CallgateError('conflict', `role ${role.id} already exists`);
  assertNoEscalation(state, editor, [role]);
  const changes = changesOf(state, { roles: [...state.roles, role] }, options.now);
  const stored: StoredRole = { ...role, version: 1 };
  if (options.dryRun) return { applied: false, changes, result: stored };
  await db
    .insertInto('roles')
    .values({
      account_id: accountId,
      id: role.id,
      position: state.roles.length,
      name: role.name,
      permissions: JSON.stringify(role.permissions),
      version: 1,
    })
    .execute();
  await bumpVersions(db, accountId);
  await appendAudit(
    db,
    accountId,
    { type: 'role.created', actor: editor.actor, subject: role.id, after: toPlain(role) },
    options.now,
  );
  return { applied: true, changes, result: stored };
}

/** Replaces a role's name and levels (PUT /roles/{id}), if `version` is still current. */
export async function updateRole(
  db: Executor,
  accountId: string,
  roleId: string,
  version: number,
  input: unknown,
  editor: Editor,
  options: ChangeOptions,
): Promise<ChangeResult<StoredRole>> {
  const state = await loadPolicyState(db, accountId, options.now, options.previous);
  assertPlanAllowsEditing(state.account);
  const current = (await loadRoles(db, accountId)).find((r) => r.id === roleId);
  if (!current) throw new CallgateError('not_found', `role ${roleId} not found`);
  const body = typeof input === 'object' && input !== null ? { ...input, id: roleId } : input;
  if (typeof input === 'object' && input !== null && 'id' in input && input.id !== roleId) {
    throw new CallgateError(
      'invalid_request',
      'the id in the body differs from the id in the path',
    );
  }
  const role = parseRole(body);
  if (current.version !== version) {
    throw new CallgateError(
      'version_mismatch',
      `role ${roleId} is at version ${current.version}, not ${version}`,
      { currentVersion: current.version },
    );
  }
  assertNoEscalation(state, editor, [role]);
  const roles = state.roles.map((r) => (r.id === roleId ? role : r));
  const changes = changesOf(state, { roles }, options.now);
  if (options.dryRun || isSameRole(current, role)) {
    return {
      applied: !options.dryRun,
      changes,
      result: options.dryRun ? { ...role, version: current.version + 1 } : current,
    };
  }
  const updated = await db
    .updateTable('roles')
    .set({ name: role.name, permissions: JSON.stringify(role.permissions), version: version + 1 })
    .where('account_id', '=', accountId)
    .where('id', '=', roleId)
    .where('version', '=', version)
    .executeTakeFirst();
  // Another save got there between our read and this write.
  if (updated.numUpdatedRows === 0n)
    throw new CallgateError('version_mismatch', `role ${roleId} was changed meanwhile`);
  await bumpVersions(db, accountId);
  await appendAudit(
    db,
    accountId,
    {
      type: 'role.updated',
      actor: editor.actor,
      subject: roleId,
      before: toPlain(current),
      after: toPlain(role),
    },
    options.now,
  );
  return { applied: true, changes, result: { ...role, version: version + 1 } };
}

/** Deletes a role and its assignments (DELETE /roles/{id}); `version`, when given, must be current. */
export async function deleteRole(
  db: Executor,
  accountId: string,
  roleId: string,
  version: number | undefined,
  editor: Editor,
  options: ChangeOptions,
): Promise<ChangeResult<null>> {
  const state = await loadPolicyState(db, accountId, options.now, options.previous);
  assertPlanAllowsEditing(state.account);
  const current = (await loadRoles(db, accountId)).find((r) => r.id === roleId);
  if (!current) throw new CallgateError('not_found', `role ${roleId} not found`);
  if (version !== undefined && current.version !== version) {
    throw new CallgateError(
      'version_mismatch',
      `role ${roleId} is at version ${current.version}, not ${version}`,
      { currentVersion: current.version },
    );
  }
  const assignments = state.assignments.filter((a) => a.roleId !== roleId);
  const changes = changesOf(
    state,
    { roles: state.roles.filter((r) => r.id !== roleId), assignments },
    options.now,
  );
  if (options.dryRun) return { applied: false, changes, result: null };
  const removed = state.assignments.filter((a) => a.roleId === roleId);
  await db
    .deleteFrom('role_assignments')
    .where('account_id', '=', accountId)
    .where('role_id', '=', roleId)
    .execute();
  await db
    .deleteFrom('roles')
    .where('account_id', '=', accountId)
    .where('id', '=', roleId)
    .execute();
  await bumpVersions(db, accountId, { assignments: removed.length > 0 });
  await appendAudit(
    db,
    accountId,
    {
      type: 'role.deleted',
      actor: editor.actor,
      subject: roleId,
      before: { role: toPlain(current), assignments: removed },
    },
    options.now,
  );
  return { applied: true, changes, result: null };
}

/**
 * Replaces the whole assignment set (PUT /role-assignments) in one change, if `version` is
 * still the set's version: a save based on a stale version is refused, not merged (SPEC §8).
 */
export async function replaceAssignmentSet(
  db: Executor,
  accountId: string,
  version: number,
  items: readonly unknown[],
  editor: Editor,
  options: ChangeOptions,
): Promise<ChangeResult<{ version: number; items: Assignment[] }>> {
  const state = await loadPolicyState(db, accountId, options.now, options.previous);
  assertPlanAllowsEditing(state.account);
  const issues = new IssueList();
  const roleIds = new Set(state.roles.map((r) => r.id));
  const known = knownIds(state.directory);
  const assignments: Assignment[] = [];
  const pairs = new Set<string>();
  const existing = new Set(state.assignments.map((a) => JSON.stringify(a)));
  items.forEach((item, i) => {
    const assignment = checkAssignment(item, `items[${i}]`, state.account.edition, roleIds, issues);
    if (!assignment) return;
    // A new or changed assignment that has already expired would grant nothing and vanish
    // unseen: refuse it. One saved earlier and expired since is kept as it is, so a set read
    // back can always be saved again.
    if (
      assignment.expiresAt !== null &&
      Date.parse(assignment.expiresAt) <= options.now &&
      !existing.has(JSON.stringify(assignment))
    )
      issues.add(`items[${i}].expiresAt`, 'is in the past: choose a date from today on, or none');
    const problem = accessCodeProblem(assignment.accessCode, state.account.edition, known);
    if (problem) issues.add(`items[${i}].accessCode`, problem);
    const pair = `${assignment.roleId}\u0000${assignment.accessCode}`;
    if (pairs.has(pair))
      issues.add(
        `items[${i}]`,
        `role "${assignment.roleId}" is already assigned to ${assignment.accessCode}`,
      );
    pairs.add(pair);
    assignments.push(assignment);
  });
  issues.throwIfAny();
  if (state.account.assignmentsVersion !== version) {
    throw new CallgateError(
      'version_mismatch',
      `the assignments are at version ${state.account.assignmentsVersion}, not ${version}`,
      {
        currentVersion: state.account.assignmentsVersion,
      },
    );
  }
  // Only what this save adds or extends must stay within the editor's own levels.
  const added = assignments.filter((a) => !existing.has(JSON.stringify(a)));
  assertNoEscalation(
    state,
    editor,
    state.roles.filter((r) => added.some((a) => a.roleId === r.id)),
  );
  const changes = changesOf(state, { assignments }, options.now);
  if (options.dryRun) return { applied: false, changes, result: { version, items: assignments } };
  const claimed = await db
    .updateTable('accounts')
    .set({ assignments_version: version + 1, policy_version: (eb) => eb('policy_version', '+', 1) })
    .where('id', '=', accountId)
    .where('assignments_version', '=', version)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n)
    throw new CallgateError('version_mismatch', 'the assignments were changed meanwhile');
  await replaceAssignments(db, accountId, assignments);
  await appendAudit(
    db,
    accountId,
    {
      type: 'assignments.replaced',
      actor: editor.actor,
      before: state.assignments,
      after: assignments,
      detail: { changes },
    },
    options.now,
  );
  return { applied: true, changes, result: { version: version + 1, items: assignments } };
}

/**
 * The use case "list the account's roles" (API.md `GET /roles`), each with its version.
 *
 * @example await listRoles(db, 'acme') // [{ id: 'manager', name: 'Manager', permissions, version: 1 }, …]
 */
export function listRoles(db: Executor, accountId: string): Promise<StoredRole[]> {
  return loadRoles(db, accountId);
}
