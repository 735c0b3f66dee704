import type { ScopedPermissionKey } from '../engine/catalogue.js';
import { decide } from '../engine/decide.js';
import type { Policy } from '../engine/policy.js';
import { type ScopeFilter, scopeFilter } from '../engine/scope.js';
import { type CallgateError, notFound } from '../errors.js';
import { type CallRecord, findCall } from '../store/calls.js';
import type { Executor } from '../store/database.js';
import type { CallViewer } from './call-list.js';
import { resolveViewer } from './calls.js';

/**
 * The call-visibility rule (SPEC §10), the one place it is written: a call is seen by
 * whoever's scope of one of `through` (callStats.view unless said otherwise) reaches its
 * owner; to anyone else it does not exist, so a read, a check or an action on it answers
 * 404 exactly like a missing call and nobody learns another's call exists.
 *
 * @example seesCall(policy, 'u7', 'u9') // true when u7's callStats.view reaches u9
 */
export function seesCall(
  policy: Policy,
  userId: string,
  ownerId: string | null,
  through: readonly ScopedPermissionKey[] = ['callStats.view'],
): boolean {
  return through.some(
    (permission) => decide(policy, { userId, permission, targetUserId: ownerId }).allowed,
  );
}

/** The answer for a call that is missing or not seen: the two are told apart by nobody. */
export function callNotFound(callId: string): CallgateError {
  return notFound(`call ${callId}`);
}

/**
 * The same rule for lists (STYLE rule 3): the scope a viewer's call lists and statistics
 * are filtered by inside the SQL, seen as `viewAs` when an administrator asks so.
 */
export function visibleCallScope(viewer: CallViewer): ScopeFilter {
  return scopeFilter(
    viewer.policy,
    resolveViewer(viewer.policy, viewer.userId, viewer.viewAs),
    'callStats.view',
  );
}

/**
 * The use case "show this call" (API.md `GET /calls/{id}`): the call, if it exists in the
 * account and the viewer sees it; otherwise not found.
 *
 * @example await findVisibleCall(db, { accountId: 'acme', userId: 'u7', policy }, 'c42')
 */
export async function findVisibleCall(
  db: Executor,
  viewer: { readonly accountId: string; readonly userId: string; readonly policy: Policy },
  callId: string,
): Promise<CallRecord> {
  const call = await findCall(db, viewer.accountId, callId);
  if (call === undefined || !seesCall(viewer.policy, viewer.userId, call.userId))
    throw callNotFound(callId);
  return call;
}
