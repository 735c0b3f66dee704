import {
  PERMISSION_INDEX,
  type ScopeLevel,
  type ScopedPermissionKey,
  levelAt,
} from './catalogue.js';
import type { Policy } from './policy.js';
import { LISTEN, sharesSubtreeAt } from './table-lookups.js';

/**
 * The lowest scope level that would reach `targetUserId`'s items from the actor (SPEC §4):
 * `own` for their own, `department` within their department subtrees, `any` otherwise.
 * What a refusal names as the level required.
 */
export function lowestScopeReaching(
  policy: Policy,
  actorId: string,
  targetUserId: string | null,
): ScopeLevel {
  if (targetUserId === null) return 'any';
  if (targetUserId === actorId) return 'own';
  const actor = policy.table.index.get(actorId);
  const target = policy.table.index.get(targetUserId);
  return actor !== undefined && target !== undefined && sharesSubtreeAt(policy.table, actor, target)
    ? 'department'
    : 'any';
}

/**
 * How a list query must be narrowed for this actor (STYLE rule 3): the store turns it into
 * a `where` (an owner id, or the users `department_reach` places under these roots).
 */
export type ScopeFilter =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'own'; readonly userId: string }
  | {
      readonly kind: 'department';
      readonly userId: string;
      readonly departmentIds: readonly string[];
    };

export function scopeFilter(
  policy: Policy,
  userId: string,
  permission: ScopedPermissionKey,
): ScopeFilter {
  const actor = policy.users.get(userId);
  if (actor === undefined) return { kind: 'none' };
  const p = PERMISSION_INDEX[permission];
  if (p === LISTEN && !actor.canReadRecordingsFolder) return { kind: 'none' };
  switch (levelAt(permission, actor.ranks[p]!)) {
    case 'none':
      return { kind: 'none' };
    case 'own':
      return { kind: 'own', userId };
    case 'department':
      return { kind: 'department', userId, departmentIds: actor.subject.departmentIds };
    case 'any':
      return { kind: 'any' };
  }
}

/** The users whose items the actor reaches with `permission`: `'all'` at `any`. */
export function reachableUsers(
  policy: Policy,
  userId: string,
  permission: ScopedPermissionKey,
): 'all' | ReadonlySet<string> {
  const filter = scopeFilter(policy, userId, permission);
  switch (filter.kind) {
    case 'none':
      return new Set();
    case 'any':
      return 'all';
    case 'own':
      return new Set([userId]);
    case 'department': {
      const table = policy.table;
      const actor = table.index.get(userId)!;
      const reached = new Set([userId]);
      for (const id of table.order) {
        if (sharesSubtreeAt(table, actor, table.index.get(id)!)) reached.add(id);
      }
      return reached;
    }
  }
}
