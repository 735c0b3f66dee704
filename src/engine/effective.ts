import {
  PERMISSION_INDEX,
  PERMISSION_KEYS,
  type Level,
  type LevelOf,
  type PermissionKey,
  levelAt,
  permissionIndex,
} from './catalogue.js';
import { type Policy, USER_FLAGS } from './policy.js';
import type { Reason, RoleReason } from './question.js';
import { LISTEN, PERMISSION_COUNT, RULE_REASONS, reasonsAt } from './table-lookups.js';

export interface EffectivePermission {
  readonly level: Level;
  readonly sources: { roleId: string; roleName: string; accessCode: string }[];
  readonly admin?: true;
  /**
   * Every reason behind the level, the same {@link explain} gives: the roles, the rules
   * (administrator, free plan), and on recording.listen the folder's refusal, which closes
   * the recordings to the user whatever the level says.
   */
  readonly reasons: Reason[];
}

/** A user's effective level for every permission, with the roles and codes it came through. */
export function effectivePermissions(
  policy: Policy,
  userId: string,
): { readonly [K in PermissionKey]: EffectivePermission } | undefined {
  const actor = policy.users.get(userId);
  const user = policy.table.index.get(userId);
  if (actor === undefined || user === undefined) return undefined;
  const entries = PERMISSION_KEYS.map((key) => {
    const p = PERMISSION_INDEX[key];
    const level = levelAt(key, actor.ranks[p]!);
    const reasons = reasonsAt(policy, user, p, actor.ranks[p]!);
    const sources = reasons
      .filter((reason): reason is RoleReason => 'roleId' in reason)
      .map(({ roleId, roleName, accessCode }) => ({ roleId, roleName, accessCode }));
    const flags = policy.table.flags[user]!;
    // The folder's rule as explain applies it: administrators pass, inactive users hold nothing.
    if (
      p === LISTEN &&
      (flags & (USER_FLAGS.administrator | USER_FLAGS.readsRecordingsFolder)) === 0 &&
      (flags & USER_FLAGS.active) !== 0
    )
      reasons.push(RULE_REASONS.recordingsFolder);
    const permission: EffectivePermission = actor.isAdministrator
      ? { level, sources, admin: true, reasons }
      : { level, sources, reasons };
    return [key, permission] as const;
  });
  return Object.fromEntries(entries) as { [K in PermissionKey]: EffectivePermission };
}

/** The effective level of one permission; `none` for an unknown user. */
export function levelOf<K extends PermissionKey>(
  policy: Policy,
  userId: string,
  permission: K,
): LevelOf<K> {
  const row = policy.table.index.get(userId);
  return levelAt(
    permission,
    row === undefined
      ? 0
      : policy.table.ranks[row * PERMISSION_COUNT + permissionIndex(permission)]!,
  );
}

/**
 * SPEC §4: the account administrator — an active user the directory flags as `admin`, who
 * holds the top level of everything whatever the roles say. Not the same as holding
 * `telephonySettings.modify` = `any` ({@link mayAdministerPermissions}): a role can give
 * that to anyone, and it says nothing about whose calls they may see. Rules that widen what
 * a user sees beyond their own scopes (viewing as another user, legal holds, the
 * no-escalation exemption) rest on this one.
 *
 * @example isAccountAdministrator(policy, 'u0') // true
 */
export function isAccountAdministrator(policy: Policy, userId: string): boolean {
  return policy.users.get(userId)?.isAdministrator === true;
}

/**
 * SPEC §8: may administer permissions — edit roles, assignments and the recordings folder,
 * read others' effective permissions, ask checks about other users: `telephonySettings.modify`
 * = `any` (account administrators always have it). It grants no view of calls: what such a
 * user sees stays within their own `callStats.view` scope.
 *
 * @example mayAdministerPermissions(policy, 'u7') // true when a role gives u7 telephonySettings.modify = any
 */
export function mayAdministerPermissions(policy: Policy, userId: string): boolean {
  return levelOf(policy, userId, 'telephonySettings.modify') === 'any';
}
