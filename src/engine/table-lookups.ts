/**
 * Reading the compiled decision table (policy.ts): the cells, reach within a scope, the
 * reasons behind a level. Shared by decide, explain, the outbound decision and scopes, and
 * kept inside engine/: callers ask those.
 */
import {
  CATALOGUE,
  PERMISSION_KEYS,
  PERMISSION_INDEX,
  SCOPE_RANK,
  type Level,
  isScopedPermission,
} from './catalogue.js';
import { type DecisionTable, type Policy, USER_FLAGS } from './policy.js';
import type { Decision, Question, Reason, Rule, RuleReason } from './question.js';
import { ValidationError } from './validation-error.js';

export const LEVEL_NAMES: readonly (readonly Level[])[] = PERMISSION_KEYS.map(
  (key) => CATALOGUE[key],
);
export const LISTEN = PERMISSION_INDEX['recording.listen'];
export const PERMISSION_COUNT = PERMISSION_KEYS.length;
export const IS_SCOPED: readonly boolean[] = PERMISSION_KEYS.map(isScopedPermission);
export const DENIED: Decision = Object.freeze({ allowed: false, level: 'none' });

/**
 * Every answer there can be, made once and frozen: `[permission][rank][allowed ? 1 : 0]`.
 * A decision is a lookup, never an allocation.
 */
export const DECISIONS: readonly (readonly (readonly [Decision, Decision])[])[] =
  PERMISSION_KEYS.map((key) =>
    CATALOGUE[key].map(
      (level: Level) =>
        [
          Object.freeze({ allowed: false, level }),
          Object.freeze({ allowed: true, level }),
        ] as const,
    ),
  );

/** The reasons that carry no role, made once. */
export const RULE_REASONS = {
  unknownUser: Object.freeze({ rule: 'unknownUser' }),
  inactiveUser: Object.freeze({ rule: 'inactiveUser' }),
  freePlanDefaults: Object.freeze({ rule: 'freePlanDefaults' }),
  recordingsFolder: Object.freeze({ rule: 'recordingsFolder' }),
  blockedNumber: Object.freeze({ rule: 'blockedNumber' }),
  internalCall: Object.freeze({ rule: 'internalCall' }),
} as const satisfies Partial<Record<Rule, RuleReason>>;
/** Administrators hold the highest level of each permission (SPEC §4). */
export const ADMINISTRATOR_REASONS: readonly RuleReason[] = PERMISSION_KEYS.map((key) =>
  Object.freeze({ rule: 'accountAdministrator', level: CATALOGUE[key].at(-1)! }),
);

/** The phrase of an inactive user, in both kinds of explanation. */
export const IS_INACTIVE = ' is inactive and holds no access codes';

export function answer(permission: number, rank: number, allowed: boolean): Decision {
  return DECISIONS[permission]![rank]![allowed ? 1 : 0];
}

/**
 * The row of a question's target: null for an item no employee owns, the actor's own row
 * without a lookup when they ask about themselves, and -1 for an id the policy does not
 * know (nobody's row: reached only at `any`, like any stranger).
 */
export function targetRow(
  table: DecisionTable,
  userId: string,
  user: number,
  target: string | null,
): number | null {
  if (target === null) return null;
  if (target === userId) return user;
  return table.index.get(target) ?? -1;
}

export function decideAt(
  table: DecisionTable,
  user: number,
  p: number,
  target: number | null | undefined,
): Decision {
  const rank = table.ranks[user * PERMISSION_COUNT + p]!;
  let allowed = target === undefined ? rank > 0 : reachesAt(table, user, rank, target);
  if (p === LISTEN && (table.flags[user]! & USER_FLAGS.readsRecordingsFolder) === 0)
    allowed = false;
  return answer(p, rank, allowed);
}

/** {@link reaches} on the flat table: user `user` with a scope of `rank` reaching `target`. */
export function reachesAt(
  table: DecisionTable,
  user: number,
  rank: number,
  target: number | null,
): boolean {
  if (rank === SCOPE_RANK.any) return true;
  if (rank === SCOPE_RANK.none || target === null) return false;
  if (target === user) return true;
  if (rank !== SCOPE_RANK.department) return false;
  if (!(target >= 0 && target < table.userIds.length) || !Number.isInteger(target)) return false;
  return sharesSubtreeAt(table, user, target);
}

/** Is one of row `target`'s department slots inside one of row `user`'s subtree ranges? */
export function sharesSubtreeAt(table: DecisionTable, user: number, target: number): boolean {
  const { slots, ranges } = table;
  const lastSlot = table.slotStart[target + 1]!;
  const firstRange = table.rangeStart[user]!;
  const lastRange = table.rangeStart[user + 1]!;
  for (let s = table.slotStart[target]!; s < lastSlot; s++) {
    const slot = slots[s]!;
    for (let r = firstRange; r < lastRange; r += 2) {
      if (slot >= ranges[r]! && slot <= ranges[r + 1]!) return true;
    }
  }
  return false;
}

/** The roles and rules behind user `user`'s rank `rank` of permission `p`, from the table. */
export function reasonsAt(policy: Policy, user: number, p: number, rank: number): Reason[] {
  const table = policy.table;
  const flags = table.flags[user]!;
  if ((flags & USER_FLAGS.active) === 0) return [RULE_REASONS.inactiveUser];
  const reasons: Reason[] = [];
  if (rank > 0) {
    const { grantPairs, pairRoles, pairReasons, roleRanks } = table;
    const last = table.grantStart[user + 1]!;
    for (let g = table.grantStart[user]!; g < last; g++) {
      const pair = grantPairs[g]!;
      if (roleRanks[pairRoles[pair]! * PERMISSION_COUNT + p] !== rank) continue;
      reasons.push(pairReasons[pair * PERMISSION_COUNT + p]!);
    }
  }
  if ((flags & USER_FLAGS.administrator) !== 0) reasons.push(ADMINISTRATOR_REASONS[p]!);
  if (policy.usesPlanDefaults) reasons.push(RULE_REASONS.freePlanDefaults);
  return reasons;
}

export function assertOutbound(question: Question): void {
  if (question.permission !== 'outboundCall.perform') {
    throw new ValidationError([
      {
        path: 'phoneNumber',
        message: `a phone number can only be checked against outboundCall.perform`,
      },
    ]);
  }
}

/** Refuses a target on a permission without scopes; `p` is the permission's index. */
export function assertScoped(p: number): void {
  if (!IS_SCOPED[p]) {
    throw new ValidationError([
      {
        path: 'targetUserId',
        message: `${PERMISSION_KEYS[p]} has no scope over users; ask it without a target`,
      },
    ]);
  }
}
