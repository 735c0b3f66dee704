import { accessCodeProblem, knownIds } from '../directory/directory.js';
import {
  PERMISSION_KEYS,
  type Level,
  type PermissionKey,
  canEditPermissions,
} from '../engine/catalogue.js';
import {
  type EffectivePermission,
  effectivePermissions,
  levelOf,
  mayAdministerPermissions,
} from '../engine/effective.js';
import { mayUseLine } from '../engine/outbound-decision.js';
import type { Policy } from '../engine/policy.js';
import { type PermissionsDocument, isSameRole, parsePermissionsDocument } from '../engine/roles.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import type { Account } from '../store/accounts.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { replacePermissions } from '../store/permissions.js';
import { permissionDenied } from './guard.js';
import { type PolicyInputs, compileInputs, loadPolicyState } from './policy.js';

/** The permissions document (API.md) of an account: its roles and assignments. */
export async function exportPermissions(
  db: Executor,
  accountId: string,
): Promise<PermissionsDocument> {
  const { roles, assignments } = await loadPolicyState(db, accountId);
  return {
    roles: roles.map(({ id, name, permissions }) => ({ id, name, permissions })),
    assignments,
  };
}

/** One user's level of one permission, before and after a change. */
export interface LevelChange {
  readonly userId: string;
  readonly userName: string;
  readonly permission: PermissionKey;
  readonly from: Level;
  readonly to: Level;
}

export interface PermissionsChange {
  readonly changes: readonly LevelChange[];
  readonly applied: boolean;
}

/**
 * Replaces roles and assignments with a permissions document, or with `dryRun` only says
 * who would gain or lose which level. Refused whole when anything is wrong: an unknown key
 * or level, an assignment naming a role or directory item that does not exist, a plan that
 * cannot edit permissions (SPEC §9). Run inside a transaction.
 */
export async function importPermissions(
  db: Executor,
  accountId: string,
  input: unknown,
  options: { readonly dryRun: boolean; readonly actor: Actor; readonly now?: number },
): Promise<PermissionsChange> {
  const now = options.now ?? Date.now();
  const before = await loadPolicyState(db, accountId, now);
  assertPlanAllowsEditing(before.account);
  const document = parsePermissionsDocument(input, before.account.edition);
  assertCodesExist(before, document);
  const after: PolicyInputs = {
    ...before,
    roles: document.roles,
    assignments: document.assignments,
  };
  const changes = diffPolicies(before.policy, compileInputs(after, now), before);
  if (options.dryRun) return { changes, applied: false };

  await replacePermissions(db, accountId, document.roles, document.assignments);
  await bumpVersions(db, accountId, { assignments: true });
  const roles = document.roles;
  const rolesChanged =
    before.roles.length !== roles.length ||
    before.roles.some((role, i) => !isSameRole(role, roles[i]!));
  if (rolesChanged) {
    const plain = before.roles.map(({ id, name, permissions }) => ({ id, name, permissions }));
    await appendAudit(
      db,
      accountId,
      { type: 'roles.replaced', actor: options.actor, before: plain, after: roles },
      now,
    );
  }
  if (JSON.stringify(before.assignments) !== JSON.stringify(document.assignments)) {
    await appendAudit(
      db,
      accountId,
      {
        type: 'assignments.replaced',
        actor: options.actor,
        before: before.assignments,
        after: document.assignments,
        detail: { changes },
      },
      now,
    );
  }
  return { changes, applied: true };
}

export function assertPlanAllowsEditing(account: Account): void {
  if (!canEditPermissions(account.plan, account.edition)) {
    throw new CallgateError(
      'feature_not_in_plan',
      `editing access permissions is not available on your plan (${account.plan}); it needs a paid plan or the on-premise edition`,
      { plan: account.plan },
    );
  }
}

function assertCodesExist(inputs: PolicyInputs, document: PermissionsDocument): void {
  const known = knownIds(inputs.directory);
  const issues = new IssueList();
  document.assignments.forEach((assignment, i) => {
    const problem = accessCodeProblem(assignment.accessCode, inputs.account.edition, known);
    if (problem) issues.add(`assignments[${i}].accessCode`, problem);
  });
  issues.throwIfAny();
}

/**
 * What a user can do with a permission under a policy: their level, except that a
 * recordings folder refusing them leaves recording.listen at `none`, as decisions do.
 */
function usableLevel(policy: Policy, userId: string, permission: PermissionKey): Level {
  if (
    permission === 'recording.listen' &&
    policy.users.get(userId)?.canReadRecordingsFolder === false
  )
    return 'none';
  return levelOf(policy, userId, permission);
}

/**
 * Every (user, permission) whose usable level differs between two policies, in directory
 * order: the one preview of roles, assignments and the recordings folder.
 */
export function diffPolicies(
  before: Policy,
  after: Policy,
  inputs: Pick<PolicyInputs, 'directory'>,
): LevelChange[] {
  const changes: LevelChange[] = [];
  for (const user of inputs.directory.users) {
    for (const permission of PERMISSION_KEYS) {
      const from = usableLevel(before, user.id, permission);
      const to = usableLevel(after, user.id, permission);
      if (from !== to) changes.push({ userId: user.id, userName: user.name, permission, from, to });
    }
  }
  return changes;
}

export interface EffectiveAnswer {
  readonly user: {
    readonly id: string;
    readonly name: string;
    readonly active: boolean;
    readonly admin: boolean;
  };
  readonly accessCodes: string[];
  readonly permissions: { readonly [K in PermissionKey]: EffectivePermission } & {
    readonly 'outboundCall.perform': EffectivePermission & { readonly lines: LineAccess[] };
  };
}

/** May the user call out from this rented line (SPEC §5 rule 5), by the decision's own test. */
export interface LineAccess {
  readonly line: string;
  readonly allowed: boolean;
}

/** A user's effective permissions with their sources (API.md effective-permissions). */
export async function effectiveFor(
  db: Executor,
  accountId: string,
  userId: string,
  now = Date.now(),
): Promise<EffectiveAnswer> {
  const { directory, policy } = await loadPolicyState(db, accountId, now);
  return describeEffective(policy, directory.users, userId);
}

export function describeEffective(
  policy: Policy,
  users: PolicyInputs['directory']['users'],
  userId: string,
): EffectiveAnswer {
  const user = users.find((u) => u.id === userId);
  const permissions = effectivePermissions(policy, userId);
  if (!user || !permissions) throw new CallgateError('not_found', `user ${userId} not found`);
  const compiled = policy.users.get(userId)!;
  const lines = [...policy.outbound.lines.keys()].map((line) => ({
    line,
    allowed: user.active && mayUseLine(policy, userId, line),
  }));
  return {
    user: { id: user.id, name: user.name, active: user.active, admin: user.admin },
    accessCodes: user.active ? [...compiled.subject.accessCodes] : [],
    permissions: {
      ...permissions,
      'outboundCall.perform': { ...permissions['outboundCall.perform'], lines },
    },
  };
}

/**
 * The use case "read a user's effective permissions" as `askerId` (API.md
 * `GET /users/{id}/effective-permissions`): a user reads their own; anyone else's needs
 * "may administer permissions" (SPEC §8).
 */
export function readEffectivePermissions(
  policy: Policy,
  users: PolicyInputs['directory']['users'],
  askerId: string,
  userId: string,
): EffectiveAnswer {
  if (userId !== askerId && !mayAdministerPermissions(policy, askerId)) {
    throw permissionDenied(
      'telephonySettings.modify',
      "reading another user's permissions needs telephonySettings.modify",
    );
  }
  return describeEffective(policy, users, userId);
}
