import {
  PERMISSION_KEYS,
  SCOPE_LEVELS,
  permissionIndex,
  CATALOGUE,
  type Level,
} from './catalogue.js';
import { explainOutbound } from './outbound-decision.js';
import { type Policy, USER_FLAGS } from './policy.js';
import type { Explanation, Question } from './question.js';
import {
  DENIED,
  IS_INACTIVE,
  LEVEL_NAMES,
  LISTEN,
  PERMISSION_COUNT,
  RULE_REASONS,
  assertOutbound,
  assertScoped,
  reachesAt,
  reasonsAt,
  targetRow,
} from './table-lookups.js';

/** The phrases of explanations' details, per permission and rank, or per scope rank. */
const HOLDS: readonly (readonly string[])[] = PERMISSION_KEYS.map((key) =>
  CATALOGUE[key].map((level: Level) => ` holds ${key} at level ${level}`),
);
const WITHIN_SCOPE = SCOPE_LEVELS.map((level) => ` is within scope ${level} of `);
const OUTSIDE_SCOPE = SCOPE_LEVELS.map((level) => ` is outside scope ${level} of `);

/**
 * The same answer as {@link decide}, with its reasons: the roles and access codes the
 * level came through, and every rule that applied.
 */
export function explain(policy: Policy, question: Question): Explanation {
  const table = policy.table;
  const user = table.index.get(question.userId);
  if (question.phoneNumber !== undefined) {
    assertOutbound(question);
    return explainOutbound(policy, user, question);
  }
  if (user === undefined) {
    return {
      ...DENIED,
      reasons: [RULE_REASONS.unknownUser],
      detail: `no user "${question.userId}" in this account`,
    };
  }
  // The same steps as decide, on the same table, keeping what the explanation needs.
  const p = permissionIndex(question.permission);
  const rank = table.ranks[user * PERMISSION_COUNT + p]!;
  const level = LEVEL_NAMES[p]![rank]!;
  const flags = table.flags[user]!;
  const isActive = (flags & USER_FLAGS.active) !== 0;
  const who = question.userId;

  const target = question.targetUserId;
  let inScope = false;
  if (target !== undefined) {
    assertScoped(p);
    inScope = reachesAt(table, user, rank, targetRow(table, question.userId, user, target));
  }
  const readsFolder = (flags & USER_FLAGS.readsRecordingsFolder) !== 0;
  const allowed = (target === undefined ? rank > 0 : inScope) && (p !== LISTEN || readsFolder);
  const reasons = reasonsAt(policy, user, p, rank);
  // The sentences are joined from phrases made once: each `+` here is one allocation.
  let detail: string;
  if (!isActive) {
    detail = who + IS_INACTIVE;
  } else if (target === undefined) {
    detail = who + HOLDS[p]![rank]!;
  } else {
    const owner = target === null ? 'an item no employee owns' : target;
    detail = owner + (inScope ? WITHIN_SCOPE : OUTSIDE_SCOPE)[rank]! + who;
  }
  if (p === LISTEN && (flags & USER_FLAGS.administrator) === 0 && isActive && !readsFolder) {
    reasons.push(RULE_REASONS.recordingsFolder);
    detail += '; the "Recorded calls" folder access list refuses them';
  }
  return { allowed, level, reasons, detail };
}
