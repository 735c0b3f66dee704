import {
  CATALOGUE,
  PERMISSION_INDEX,
  PERMISSION_KEYS,
  SCOPE_RANK,
  type Level,
  type LevelOf,
  type PermissionKey,
  type ScopeLevel,
  type ScopedPermissionKey,
  isScopedPermission,
  levelAt,
} from './catalogue.js';
import { EXTENSION_PATTERN, normalizePhoneNumber } from './phone-number.js';
import { CRM_CLIENT_TYPES, type CompiledUser, type Policy } from './policy.js';
import { ValidationError } from './validation-error.js';

/**
 * One question to the engine. With no target it asks "any level above `none`"; with
 * `targetUserId` it asks whether the actor's scope reaches that user's items (`null` is an
 * item no employee owns, reached only at `any`); with `phoneNumber` it asks whether that
 * destination may be dialled (`outboundCall.perform` only).
 */
export interface Question {
  readonly userId: string;
  readonly permission: PermissionKey;
  readonly targetUserId?: string | null;
  readonly phoneNumber?: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly level: Level;
}

/** What a dialled number is (SPEC §5). `invalid` is text that cannot be a phone number. */
export type Destination = 'internal' | 'employee' | 'crmClient' | 'other' | 'blocked' | 'invalid';

export interface RoleReason {
  readonly roleId: string;
  readonly roleName: string;
  readonly accessCode: string;
  readonly level: Level;
}

/** The rules that decide without (or on top of) a role. */
export type Rule =
  | 'accountAdministrator'
  | 'freePlanDefaults'
  | 'recordingsFolder'
  | 'blockedNumber'
  | 'internalCall'
  | 'inactiveUser'
  | 'unknownUser';

export interface RuleReason {
  readonly rule: Rule;
  readonly level?: Level;
}

export type Reason = RoleReason | RuleReason;

export interface Explanation extends Decision {
  readonly reasons: Reason[];
  readonly detail: string;
  readonly classification?: Destination;
}

const LEVEL_NAMES: readonly (readonly Level[])[] = PERMISSION_KEYS.map((key) => CATALOGUE[key]);
const LISTEN = PERMISSION_INDEX['recording.listen'];
const DENIED: Decision = Object.freeze({ allowed: false, level: 'none' });

/**
 * Answers a question from the compiled lookups: the plain, fast path.
 *
 * @example decide(policy, { userId: 'u7', permission: 'recording.listen', targetUserId: 'u9' })
 *          // { allowed: false, level: 'own' }
 */
export function decide(policy: Policy, question: Question): Decision {
  const actor = policy.users.get(question.userId);
  if (actor === undefined) return DENIED;
  const p = PERMISSION_INDEX[question.permission];
  const rank = actor.ranks[p]!;
  const level = LEVEL_NAMES[p]![rank]!;
  if (question.phoneNumber !== undefined) {
    assertOutbound(question);
    const destination = classifyDestination(policy, actor, question.phoneNumber);
    return { allowed: isDestinationAllowed(actor, rank, destination), level };
  }
  let allowed: boolean;
  if (question.targetUserId === undefined) {
    allowed = rank > 0;
  } else {
    assertScoped(question);
    allowed = reaches(policy, actor, rank, question.targetUserId);
  }
  if (p === LISTEN && !actor.canReadRecordingsFolder) allowed = false;
  return { allowed, level };
}

/**
 * The same answer as {@link decide}, with its reasons: the roles and access codes the
 * level came through, and every rule that applied.
 */
export function explain(policy: Policy, question: Question): Explanation {
  const actor = policy.users.get(question.userId);
  if (actor === undefined) {
    return {
      ...DENIED,
      reasons: [{ rule: 'unknownUser' }],
      detail: `no user "${question.userId}" in this account`,
    };
  }
  const { allowed, level } = decide(policy, question);
  const reasons = reasonsFor(policy, actor, question.permission);
  const who = actor.subject.id;

  if (question.phoneNumber !== undefined) {
    const classification = classifyDestination(policy, actor, question.phoneNumber);
    if (classification === 'blocked') reasons.push({ rule: 'blockedNumber' });
    if (classification === 'internal' && actor.subject.active)
      reasons.push({ rule: 'internalCall' });
    return {
      allowed,
      level,
      reasons,
      classification,
      detail: describeOutbound(who, level, classification, question.phoneNumber, allowed),
    };
  }

  let detail: string;
  if (!actor.subject.active) {
    detail = `${who} is inactive and holds no access codes`;
  } else if (question.targetUserId === undefined) {
    detail = `${who} holds ${question.permission} at level ${level}`;
  } else {
    const owner =
      question.targetUserId === null ? 'an item no employee owns' : question.targetUserId;
    const rank = actor.ranks[PERMISSION_INDEX[question.permission]]!;
    const inScope = reaches(policy, actor, rank, question.targetUserId);
    detail = `${owner} is ${inScope ? 'within' : 'outside'} scope ${level} of ${who}`;
  }
  if (
    question.permission === 'recording.listen' &&
    !actor.isAdministrator &&
    actor.subject.active
  ) {
    if (!actor.canReadRecordingsFolder) {
      reasons.push({ rule: 'recordingsFolder' });
      detail += '; the "Recorded calls" folder access list refuses them';
    }
  }
  return { allowed, level, reasons, detail };
}

function reasonsFor(policy: Policy, actor: CompiledUser, permission: PermissionKey): Reason[] {
  if (!actor.subject.active) return [{ rule: 'inactiveUser' }];
  const p = PERMISSION_INDEX[permission];
  const rank = actor.ranks[p]!;
  const reasons: Reason[] = [];
  if (rank > 0) {
    for (const grant of actor.grants) {
      if (grant.role.ranks[p] !== rank) continue;
      reasons.push({
        roleId: grant.role.id,
        roleName: grant.role.name,
        accessCode: grant.accessCode,
        level: levelAt(permission, rank),
      });
    }
  }
  if (actor.isAdministrator)
    reasons.push({ rule: 'accountAdministrator', level: levelAt(permission, rank) });
  if (policy.usesPlanDefaults) reasons.push({ rule: 'freePlanDefaults' });
  return reasons;
}

/**
 * SPEC §4: does a scope of `rank` reach the items of `targetUserId`? `any` reaches all,
 * `own` the actor, `department` every user with a department in the actor's subtrees.
 */
function reaches(
  policy: Policy,
  actor: CompiledUser,
  rank: number,
  targetUserId: string | null,
): boolean {
  if (rank === SCOPE_RANK.any) return true;
  if (rank === SCOPE_RANK.none || targetUserId === null) return false;
  if (targetUserId === actor.subject.id) return true;
  if (rank !== SCOPE_RANK.department) return false;
  const target = policy.users.get(targetUserId);
  return target !== undefined && sharesSubtree(actor.ranges, target.slots);
}

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
  const actor = policy.users.get(actorId);
  const target = policy.users.get(targetUserId);
  return actor !== undefined && target !== undefined && sharesSubtree(actor.ranges, target.slots)
    ? 'department'
    : 'any';
}

function sharesSubtree(ranges: Int32Array, slots: Int32Array): boolean {
  for (let s = 0; s < slots.length; s++) {
    const slot = slots[s]!;
    for (let r = 0; r < ranges.length; r += 2) {
      if (slot >= ranges[r]! && slot <= ranges[r + 1]!) return true;
    }
  }
  return false;
}

/** SPEC §5: what the dialled text is, as far as this caller is concerned. */
export function classifyDestination(
  policy: Policy,
  actor: CompiledUser,
  dialled: string,
): Destination {
  const text = dialled.trim();
  const book = policy.phoneBook;
  if (EXTENSION_PATTERN.test(text) && book.extensions.has(text)) return 'internal';
  const number = normalizePhoneNumber(text, policy.account.defaultCountry);
  if (number === undefined) return 'invalid';
  if (book.blocked.has(number)) return 'blocked';
  const clients = book.crmClients.get(number);
  if (clients !== undefined) {
    for (const client of clients) {
      const scope = actor.crmRanks[CRM_CLIENT_TYPES.indexOf(client.type)]!;
      if (reaches(policy, actor, scope, client.responsibleUserId)) return 'crmClient';
    }
  }
  if (book.employees.has(number)) return 'employee';
  return 'other';
}

/** Which destinations each `outboundCall.perform` level allows; internal calls need none. */
const OUTBOUND_ALLOWS = {
  none: [],
  crmClients: ['crmClient'],
  crmClientsAndEmployees: ['crmClient', 'employee'],
  any: ['crmClient', 'employee', 'other'],
} as const satisfies Record<LevelOf<'outboundCall.perform'>, readonly Destination[]>;
const OUTBOUND_ALLOWS_BY_RANK: readonly (readonly Destination[])[] = CATALOGUE[
  'outboundCall.perform'
].map((level) => OUTBOUND_ALLOWS[level]);

function isDestinationAllowed(
  actor: CompiledUser,
  rank: number,
  destination: Destination,
): boolean {
  if (!actor.subject.active) return false;
  if (destination === 'internal') return true;
  return OUTBOUND_ALLOWS_BY_RANK[rank]!.includes(destination);
}

function describeOutbound(
  who: string,
  level: Level,
  destination: Destination,
  dialled: string,
  allowed: boolean,
): string {
  const verdict = allowed ? 'allowed' : 'refused';
  switch (destination) {
    case 'internal':
      return `${dialled} is an internal extension: ${verdict}`;
    case 'blocked':
      return `${dialled} is on the account's blocked numbers list: refused for everyone`;
    case 'invalid':
      return `${JSON.stringify(dialled)} is not a phone number: refused`;
    case 'crmClient':
      return `${dialled} is a CRM client ${who} may read; level ${level}: ${verdict}`;
    case 'employee':
      return `${dialled} is an employee's number; level ${level}: ${verdict}`;
    case 'other':
      return `${dialled} is neither an employee nor a CRM client ${who} may read; level ${level}: ${verdict}`;
  }
}

function assertOutbound(question: Question): void {
  if (question.permission !== 'outboundCall.perform') {
    throw new ValidationError([
      {
        path: 'phoneNumber',
        message: `a phone number can only be checked against outboundCall.perform`,
      },
    ]);
  }
}

function assertScoped(question: Question): void {
  if (!isScopedPermission(question.permission)) {
    throw new ValidationError([
      {
        path: 'targetUserId',
        message: `${question.permission} has no scope over users; ask it without a target`,
      },
    ]);
  }
}

export interface EffectivePermission {
  readonly level: Level;
  readonly sources: { roleId: string; roleName: string; accessCode: string }[];
  readonly admin?: true;
}

/** A user's effective level for every permission, with the roles and codes it came through. */
export function effectivePermissions(
  policy: Policy,
  userId: string,
): { readonly [K in PermissionKey]: EffectivePermission } | undefined {
  const actor = policy.users.get(userId);
  if (actor === undefined) return undefined;
  const entries = PERMISSION_KEYS.map((key) => {
    const level = levelAt(key, actor.ranks[PERMISSION_INDEX[key]]!);
    const sources = reasonsFor(policy, actor, key)
      .filter((reason): reason is RoleReason => 'roleId' in reason)
      .map(({ roleId, roleName, accessCode }) => ({ roleId, roleName, accessCode }));
    const permission: EffectivePermission = actor.isAdministrator
      ? { level, sources, admin: true }
      : { level, sources };
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
  const actor = policy.users.get(userId);
  return levelAt(permission, actor === undefined ? 0 : actor.ranks[PERMISSION_INDEX[permission]]!);
}

/**
 * How a list query must be narrowed for this actor (STYLE rule 3): the store turns it into
 * a `where` (an owner id, or a join on the department closure from these roots).
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
      const actor = policy.users.get(userId)!;
      const reached = new Set([userId]);
      for (const user of policy.users.values()) {
        if (sharesSubtree(actor.ranges, user.slots)) reached.add(user.subject.id);
      }
      return reached;
    }
  }
}
