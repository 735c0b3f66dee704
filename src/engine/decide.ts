import { permissionIndex } from './catalogue.js';
import { ALLOWED, evaluateOutbound, lineOf } from './outbound-decision.js';
import type { Policy } from './policy.js';
import type { Decision, Question } from './question.js';
import {
  DENIED,
  PERMISSION_COUNT,
  answer,
  assertOutbound,
  assertScoped,
  decideAt,
  targetRow,
} from './table-lookups.js';

/**
 * Answers a question from the compiled lookups: the plain, fast path. Reads the flat
 * decision table (policy.ts) — one map lookup per user id, then array cells.
 *
 * @example decide(policy, { userId: 'u7', permission: 'recording.listen', targetUserId: 'u9' })
 *          // { allowed: false, level: 'own' }
 */
export function decide(policy: Policy, question: Question): Decision {
  const table = policy.table;
  const user = table.index.get(question.userId);
  const p = permissionIndex(question.permission);
  if (question.phoneNumber !== undefined) {
    assertOutbound(question);
    const facts = policy.outbound.facts(question.phoneNumber);
    const packed = evaluateOutbound(policy, user, facts, lineOf(policy, user, question));
    const allowed = (packed & ALLOWED) !== 0;
    return answer(p, user === undefined ? 0 : table.ranks[user * PERMISSION_COUNT + p]!, allowed);
  }
  if (user === undefined) return DENIED;
  const target = question.targetUserId;
  if (target === undefined) return decideAt(table, user, p, undefined);
  assertScoped(p);
  return decideAt(table, user, p, targetRow(table, question.userId, user, target));
}

/**
 * {@link decide} for callers that already hold indexes: the user's and the target's row
 * in `policy.table` (their position in the policy source's subjects; `table.index` maps
 * ids to them) and the permission's position in PERMISSION_KEYS (`PERMISSION_INDEX`).
 * `target` is undefined for a question without a target, null for an item no employee
 * owns, and an index otherwise (an index outside the table is an unknown user). Same
 * answers as `decide`, without a single map lookup; phone numbers need `decide`.
 *
 * @example decideByIndex(policy, policy.table.index.get('u7')!, PERMISSION_INDEX['callStats.view'], 9)
 */
export function decideByIndex(
  policy: Policy,
  user: number,
  permission: number,
  target?: number | null,
): Decision {
  const table = policy.table;
  if (!(permission >= 0 && permission < PERMISSION_COUNT) || !Number.isInteger(permission)) {
    throw new RangeError(`no permission at index ${permission}`);
  }
  if (!(user >= 0 && user < table.userIds.length) || !Number.isInteger(user)) return DENIED;
  if (target === undefined) return decideAt(table, user, permission, undefined);
  assertScoped(permission);
  return decideAt(table, user, permission, target);
}
