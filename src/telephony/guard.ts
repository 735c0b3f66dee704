import { CATALOGUE, type PermissionKey } from '../engine/catalogue.js';
import { levelOf } from '../engine/effective.js';
import type { Policy } from '../engine/policy.js';
import { CallgateError } from '../errors.js';

/**
 * The gate before a use case: the user must hold `permission` above `none` (the target, if
 * any, is decided by the use case). Surfaces that declare their guards as data call this.
 *
 * @example requirePermission(policy, 'mia', 'callStats.view') // passes: Manager has own
 */
export function requirePermission(policy: Policy, userId: string, permission: PermissionKey): void {
  if (levelOf(policy, userId, permission) !== 'none') return;
  throw permissionDenied(permission);
}

/**
 * The 403 of SPEC §10 for lacking `permission`, on an item the actor can see: naming it and the lowest level above `none`,
 * with `detail` when the rule is more than "above none".
 */
export function permissionDenied(permission: PermissionKey, detail?: string): CallgateError {
  return new CallgateError('permission_denied', detail ?? `${permission} above none is required`, {
    permission,
    requiredLevel: CATALOGUE[permission][1],
  });
}
