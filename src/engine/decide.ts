import {
  CATALOGUE,
  PERMISSION_INDEX,
  PERMISSION_KEYS,
  SCOPE_LEVELS,
  SCOPE_RANK,
  type Level,
  type LevelOf,
  type PermissionKey,
  type ScopeLevel,
  type ScopedPermissionKey,
  isScopedPermission,
  levelAt,
  permissionIndex,
} from './catalogue.js';
import {
  type DialledFacts,
  type EmergencySource,
  type PolicyRefusal,
  mayUseCompiledLine,
} from './outbound.js';
import { type DecisionTable, type Policy, USER_FLAGS } from './policy.js';
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
  /**
   * The line (a number in E.164) an outbound call goes out from. Omitted: the caller's
   * caller-ID number, else the account's default caller ID, else none (SPEC §5 rule 5).
   */
  readonly line?: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly level: Level;
}

/** What a dialled number is (SPEC §5). `invalid` is text that cannot be a phone number. */
export type Destination =
  'emergency' | 'internal' | 'employee' | 'crmClient' | 'other' | 'blocked' | 'invalid';

/**
 * The rule that decided an outbound call, in the order SPEC §5 applies them (the first
 * that decides wins); `level` is the caller's outboundCall.perform level with its roles.
 */
export type OutboundRule =
  | 'emergencyNumber'
  | 'unknownUser'
  | 'inactiveUser'
  | 'internalCall'
  | 'invalidNumber'
  | 'blockedNumber'
  | 'destinationPolicy'
  | 'lineAccess'
  | 'level';

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
  | 'unknownUser'
  | 'emergencyNumber'
  | 'invalidNumber'
  | 'destinationPolicy'
  | 'lineAccess';

/** A rule and its parameters: data, worded by each surface for its reader (STYLE rule 16). */
export interface RuleReason {
  readonly rule: Rule;
  readonly level?: Level;
  /** emergencyNumber: the region whose metadata says so; destinationPolicy: the number's. */
  readonly region?: string;
  /** emergencyNumber: the number is on the account's own list. */
  readonly accountList?: true;
  /** destinationPolicy: the setting that refuses, and the international mode. */
  readonly setting?: 'premiumRate' | 'international';
  readonly mode?: 'listed' | 'none';
  /** lineAccess: the line, and whether the account rents it. */
  readonly line?: string;
  readonly rented?: boolean;
  /** invalidNumber: the dial string has an extension, pause or post-dial part. */
  readonly postDial?: true;
}

export type Reason = RoleReason | RuleReason;

export interface Explanation extends Decision {
  readonly reasons: Reason[];
  readonly detail: string;
  readonly classification?: Destination;
  /** Outbound calls: the rule that decided. */
  readonly rule?: OutboundRule;
  /** Outbound calls: what to dial (E.164, an extension, or an emergency number's digits). */
  readonly destination?: string;
  /** Outbound calls: the line the call goes out from, or null when none applies. */
  readonly line?: string | null;
}

const LEVEL_NAMES: readonly (readonly Level[])[] = PERMISSION_KEYS.map((key) => CATALOGUE[key]);
const LISTEN = PERMISSION_INDEX['recording.listen'];
const PERMISSION_COUNT = PERMISSION_KEYS.length;
const IS_SCOPED: readonly boolean[] = PERMISSION_KEYS.map(isScopedPermission);
const DENIED: Decision = Object.freeze({ allowed: false, level: 'none' });

/**
 * Every answer there can be, made once and frozen: `[permission][rank][allowed ? 1 : 0]`.
 * A decision is a lookup, never an allocation.
 */
const DECISIONS: readonly (readonly (readonly [Decision, Decision])[])[] = PERMISSION_KEYS.map(
  (key) =>
    CATALOGUE[key].map(
      (level: Level) =>
        [
          Object.freeze({ allowed: false, level }),
          Object.freeze({ allowed: true, level }),
        ] as const,
    ),
);

/** The reasons that carry no role, made once. */
const RULE_REASONS = {
  unknownUser: Object.freeze({ rule: 'unknownUser' }),
  inactiveUser: Object.freeze({ rule: 'inactiveUser' }),
  freePlanDefaults: Object.freeze({ rule: 'freePlanDefaults' }),
  recordingsFolder: Object.freeze({ rule: 'recordingsFolder' }),
  blockedNumber: Object.freeze({ rule: 'blockedNumber' }),
  internalCall: Object.freeze({ rule: 'internalCall' }),
} as const satisfies Partial<Record<Rule, RuleReason>>;
/** Administrators hold the highest level of each permission (SPEC §4). */
const ADMINISTRATOR_REASONS: readonly RuleReason[] = PERMISSION_KEYS.map((key) =>
  Object.freeze({ rule: 'accountAdministrator', level: CATALOGUE[key].at(-1)! }),
);
/** The phrases of explanations' details, per permission and rank, or per scope rank. */
const IS_INACTIVE = ' is inactive and holds no access codes';
const HOLDS: readonly (readonly string[])[] = PERMISSION_KEYS.map((key) =>
  CATALOGUE[key].map((level: Level) => ` holds ${key} at level ${level}`),
);
const WITHIN_SCOPE = SCOPE_LEVELS.map((level) => ` is within scope ${level} of `);
const OUTSIDE_SCOPE = SCOPE_LEVELS.map((level) => ` is outside scope ${level} of `);

function answer(permission: number, rank: number, allowed: boolean): Decision {
  return DECISIONS[permission]![rank]![allowed ? 1 : 0];
}

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

/**
 * The row of a question's target: null for an item no employee owns, the actor's own row
 * without a lookup when they ask about themselves, and -1 for an id the policy does not
 * know (nobody's row: reached only at `any`, like any stranger).
 */
function targetRow(
  table: DecisionTable,
  userId: string,
  user: number,
  target: string | null,
): number | null {
  if (target === null) return null;
  if (target === userId) return user;
  return table.index.get(target) ?? -1;
}

function decideAt(
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
function reachesAt(
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
function sharesSubtreeAt(table: DecisionTable, user: number, target: number): boolean {
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

/** The roles and rules behind user `user`'s rank `rank` of permission `p`, from the table. */
function reasonsAt(policy: Policy, user: number, p: number, rank: number): Reason[] {
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

/** SPEC §5: what the dialled text is, as far as this caller is concerned. */
export function classifyDestination(policy: Policy, userId: string, dialled: string): Destination {
  return CLASSES[classOf(policy, policy.table.index.get(userId), policy.outbound.facts(dialled))]!;
}

/** Which destinations each `outboundCall.perform` level allows; internal calls need none. */
const OUTBOUND_ALLOWS = {
  none: [],
  crmClients: ['crmClient'],
  crmClientsAndEmployees: ['crmClient', 'employee'],
  any: ['crmClient', 'employee', 'other'],
} as const satisfies Record<LevelOf<'outboundCall.perform'>, readonly Destination[]>;
const OUTBOUND = PERMISSION_INDEX['outboundCall.perform'];

/**
 * The decision path below works on small integers, so that deciding allocates nothing:
 * an outcome is `rule | classification << 4 | allowed << 8` (bench/decisions.ts: the
 * object it replaced cost a tenth of the time in garbage collection).
 */
const CLASSES = [
  'emergency',
  'internal',
  'employee',
  'crmClient',
  'other',
  'blocked',
  'invalid',
] as const satisfies readonly Destination[];
const CLASS = Object.fromEntries(CLASSES.map((c, i) => [c, i])) as Record<Destination, number>;
const RULES = [
  'emergencyNumber',
  'unknownUser',
  'inactiveUser',
  'internalCall',
  'invalidNumber',
  'blockedNumber',
  'destinationPolicy',
  'lineAccess',
  'level',
] as const satisfies readonly OutboundRule[];
const RULE = Object.fromEntries(RULES.map((r, i) => [r, i])) as Record<OutboundRule, number>;
const ALLOWED = 1 << 8;
/** Per rank of outboundCall.perform, a bit per class it allows. */
const ALLOWS_MASK: readonly number[] = CATALOGUE['outboundCall.perform'].map((level) =>
  OUTBOUND_ALLOWS[level].reduce((mask, c: Destination) => mask | (1 << CLASS[c]), 0),
);
const outcome = (rule: OutboundRule, cls: number, allowed: boolean): number =>
  RULE[rule] | (cls << 4) | (allowed ? ALLOWED : 0);

/** The line a call goes out from: asked, else the caller's caller ID, else the default. */
function lineOf(policy: Policy, user: number | undefined, question: Question): string | null {
  if (question.line !== undefined) return question.line;
  const outbound = policy.outbound;
  return (user === undefined ? null : outbound.callerLines[user]) ?? outbound.source.defaultLine;
}

/** The class of the dialled number for this caller (row `user`, or nobody). */
function classOf(policy: Policy, user: number | undefined, facts: DialledFacts): number {
  if (facts.emergency !== undefined) return CLASS.emergency;
  if (facts.extensionOf !== undefined) return CLASS.internal;
  if (facts.dial.e164 === undefined) return CLASS.invalid;
  if (facts.blocked) return CLASS.blocked;
  const owners = facts.crmOwners;
  if (owners.length > 0 && user !== undefined) {
    const crmRanks = policy.userAt(user).crmRanks;
    for (let c = 0; c < owners.length; c++) {
      const owner = owners[c]!;
      const scope = crmRanks[facts.crmTypes[c]!]!;
      if (reachesAt(policy.table, user, scope, owner === -2 ? null : owner)) return CLASS.crmClient;
    }
  }
  return facts.isEmployee ? CLASS.employee : CLASS.other;
}

/**
 * SPEC §5, its rules in order, the first that decides wins: emergency numbers, then the
 * caller (unknown or inactive callers may call nothing else), internal calls, text that is
 * no number, the blocked list, the destination policy, line access, the level. The facts
 * of the number that depend on nobody are read from the policy's cache (policy.outbound):
 * a number already dialled under this policy is not read or classified again. The one
 * path decide and explain both take; the outcome is packed (see RULES).
 */
function evaluateOutbound(
  policy: Policy,
  user: number | undefined,
  facts: DialledFacts,
  line: string | null,
): number {
  const outbound = policy.outbound;
  // 1. Emergency numbers, for anyone, whatever follows.
  if (facts.emergency !== undefined) return outcome('emergencyNumber', CLASS.emergency, true);
  if (line !== null && outbound.emergencyRegionOnLine(facts, line) !== undefined)
    return outcome('emergencyNumber', CLASS.emergency, true);
  const cls = classOf(policy, user, facts);
  if (user === undefined) return outcome('unknownUser', cls, false);
  const table = policy.table;
  const flags = table.flags[user]!;
  // SPEC §3: inactive users hold nothing; only emergency numbers are left to them.
  if ((flags & USER_FLAGS.active) === 0) return outcome('inactiveUser', cls, false);
  // 2. Internal calls of an active user.
  if (cls === CLASS.internal) return outcome('internalCall', cls, true);
  if (cls === CLASS.invalid) return outcome('invalidNumber', cls, false);
  // 3. The blocked list, 4. the destination policy: for everyone, administrators too.
  if (cls === CLASS.blocked) return outcome('blockedNumber', cls, false);
  if (facts.refusal !== undefined) return outcome('destinationPolicy', cls, false);
  // 5. Line access: administrators always may.
  if (line !== null && (flags & USER_FLAGS.administrator) === 0) {
    const compiled = outbound.lines.get(line);
    if (compiled === undefined) return outcome('lineAccess', cls, false);
    const known = compiled.codes === null ? 1 : compiled.mayUse[user];
    if (
      known === 2 ||
      (known !== 1 &&
        !mayUseCompiledLine(compiled, user, policy.userAt(user).subject, policy.groupsAllowed))
    )
      return outcome('lineAccess', cls, false);
  }
  // 6. The level, by the destination's class.
  const rank = table.ranks[user * PERMISSION_COUNT + OUTBOUND]!;
  return outcome('level', cls, (ALLOWS_MASK[rank]! & (1 << cls)) !== 0);
}

/** {@link evaluateOutbound} with its reasons kept: what {@link explain} answers. */
function explainOutbound(
  policy: Policy,
  user: number | undefined,
  question: Question,
): Explanation {
  const outbound = policy.outbound;
  const facts = outbound.facts(question.phoneNumber!);
  const line = lineOf(policy, user, question);
  const packed = evaluateOutbound(policy, user, facts, line);
  const rule = RULES[packed & 15]!;
  const classification = CLASSES[(packed >> 4) & 15]!;
  const allowed = (packed & ALLOWED) !== 0;
  const emergency: EmergencySource | undefined =
    rule !== 'emergencyNumber'
      ? undefined
      : (facts.emergency ?? { region: outbound.emergencyRegionOnLine(facts, line!)! });
  const rented = line !== null && outbound.lines.has(line);
  const result: OutboundOutcome = {
    allowed,
    rule,
    classification,
    facts,
    line,
    ...(emergency !== undefined && { emergency }),
    ...(rule === 'destinationPolicy' && { refusal: facts.refusal! }),
    ...(rule === 'lineAccess' && { rented }),
  };
  return explainOutcome(policy, user, question, result);
}

/** An outcome in words and data, for {@link explain}. */
interface OutboundOutcome {
  readonly allowed: boolean;
  readonly rule: OutboundRule;
  readonly classification: Destination;
  readonly facts: DialledFacts;
  /** The line the call goes out from, or null. */
  readonly line: string | null;
  /** emergencyNumber: why; destinationPolicy: what refuses. */
  readonly emergency?: EmergencySource;
  readonly refusal?: PolicyRefusal;
  /** lineAccess: whether the account rents the line. */
  readonly rented?: boolean;
}

function explainOutcome(
  policy: Policy,
  user: number | undefined,
  question: Question,
  outcome: OutboundOutcome,
): Explanation {
  const { allowed, rule, classification, facts, line } = outcome;
  const rank = user === undefined ? 0 : policy.table.ranks[user * PERMISSION_COUNT + OUTBOUND]!;
  const level = LEVEL_NAMES[OUTBOUND]![rank]!;
  const dialled = question.phoneNumber!;
  const destination =
    classification === 'internal'
      ? dialled.trim()
      : classification === 'emergency'
        ? (facts.emergency !== undefined && 'accountList' in facts.emergency && facts.dial.e164) ||
          facts.dial.digits
        : facts.dial.e164;
  let reasons: Reason[];
  let ruleReason: RuleReason | undefined;
  switch (rule) {
    case 'emergencyNumber':
      ruleReason =
        outcome.emergency !== undefined && 'region' in outcome.emergency
          ? { rule, region: outcome.emergency.region }
          : { rule, accountList: true };
      break;
    case 'internalCall':
      ruleReason = RULE_REASONS.internalCall;
      break;
    case 'blockedNumber':
      ruleReason = RULE_REASONS.blockedNumber;
      break;
    case 'invalidNumber':
      ruleReason = facts.dial.problem === 'postDial' ? { rule, postDial: true } : { rule };
      break;
    case 'destinationPolicy': {
      const refusal = outcome.refusal!;
      ruleReason =
        refusal.setting === 'premiumRate'
          ? { rule, setting: refusal.setting }
          : { rule, setting: refusal.setting, mode: refusal.mode, region: refusal.country };
      break;
    }
    case 'lineAccess':
      ruleReason = { rule, line: line!, rented: outcome.rented === true };
      break;
    case 'unknownUser':
    case 'inactiveUser':
    case 'level':
      ruleReason = undefined;
      break;
  }
  if (rule === 'emergencyNumber' || user === undefined) {
    reasons = ruleReason !== undefined ? [ruleReason] : [RULE_REASONS.unknownUser];
  } else {
    reasons = reasonsAt(policy, user, OUTBOUND, rank);
    if (ruleReason !== undefined) reasons.push(ruleReason);
  }
  return {
    allowed,
    level,
    reasons,
    classification,
    rule,
    ...(destination !== undefined && { destination }),
    line,
    detail: describeOutbound(question.userId, level, outcome, dialled),
  };
}

function describeOutbound(
  who: string,
  level: Level,
  outcome: OutboundOutcome,
  dialled: string,
): string {
  const verdict = outcome.allowed ? 'allowed' : 'refused';
  const from = outcome.line === null ? '' : ` from line ${outcome.line}`;
  switch (outcome.rule) {
    case 'emergencyNumber': {
      const why = outcome.emergency;
      return why !== undefined && 'region' in why
        ? `${dialled} is an emergency number in ${why.region}: always allowed`
        : `${dialled} is on the account's emergency numbers list: always allowed`;
    }
    case 'unknownUser':
      return `no user "${who}" in this account: refused`;
    case 'inactiveUser':
      return `${who}${IS_INACTIVE}: refused`;
    case 'internalCall':
      return `${dialled} is an internal extension: allowed`;
    case 'invalidNumber':
      return outcome.facts.dial.problem === 'postDial'
        ? `${JSON.stringify(dialled)} has an extension, pause or post-dial part: refused (dial the number alone)`
        : `${JSON.stringify(dialled)} is not a phone number: refused`;
    case 'blockedNumber':
      return `${dialled} is on the account's blocked numbers list: refused for everyone`;
    case 'destinationPolicy': {
      const refusal = outcome.refusal!;
      if (refusal.setting === 'premiumRate')
        return `${dialled} is a premium-rate number and the destination policy blocks them: refused for everyone`;
      return refusal.mode === 'none'
        ? `${dialled} is in ${refusal.country} and the destination policy allows no international calls: refused for everyone`
        : `${dialled} is in ${refusal.country}, not a country the destination policy lists: refused for everyone`;
    }
    case 'lineAccess':
      return outcome.rented
        ? `${who} may not call out from line ${outcome.line!}: its access list names none of their access codes; refused`
        : `${outcome.line!} is not a line of this account: refused`;
    case 'level':
      switch (outcome.classification) {
        case 'crmClient':
          return `${dialled} is a CRM client ${who} may read; level ${level}${from}: ${verdict}`;
        case 'employee':
          return `${dialled} is an employee's number; level ${level}${from}: ${verdict}`;
        case 'other':
        case 'emergency':
        case 'internal':
        case 'blocked':
        case 'invalid':
          return `${dialled} is neither an employee nor a CRM client ${who} may read; level ${level}${from}: ${verdict}`;
      }
  }
}

/**
 * Is `dialled` an emergency number for this account, called from the call's line (SPEC §5
 * rule 1; the line as the decision finds it):
 * in the account's default country or the line's, by Google's short-number metadata, or
 * on the account's own list? Whoever calls: rule 1 looks at nobody. What a rate limiter
 * asks before refusing (telephony/outbound.ts, isEmergencyHookCall); the outbound decision
 * reads the same facts.
 *
 * @example isEmergencyCall(policy, '911') // true for a US account
 */
export function isEmergencyCall(
  policy: Policy,
  dialled: string,
  call: { readonly line?: string; readonly userId?: string } = {},
): boolean {
  const outbound = policy.outbound;
  const facts = outbound.facts(dialled);
  if (facts.emergency !== undefined) return true;
  const from = lineOf(
    policy,
    call.userId === undefined ? undefined : policy.table.index.get(call.userId),
    {
      userId: call.userId ?? '',
      permission: 'outboundCall.perform',
      ...(call.line !== undefined && { line: call.line }),
    },
  );
  return from !== null && outbound.emergencyRegionOnLine(facts, from) !== undefined;
}

/**
 * May this user call out from this line (SPEC §5 rule 5)? Administrators always may; others
 * when the line is the account's and its access list is empty or names one of their
 * codes. The same test the outbound decision makes; a caller-ID setting must pass it.
 *
 * @example mayUseLine(policy, 'u4', '+16285550140') // false when the line is kept for admins
 */
export function mayUseLine(policy: Policy, userId: string, line: string): boolean {
  const user = policy.table.index.get(userId);
  if (user === undefined) return false;
  const compiled = policy.outbound.lines.get(line);
  if (compiled === undefined) return false;
  if ((policy.table.flags[user]! & USER_FLAGS.administrator) !== 0) return true;
  return mayUseCompiledLine(
    compiled,
    user,
    policy.users.get(userId)!.subject,
    policy.groupsAllowed,
  );
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

/** Refuses a target on a permission without scopes; `p` is the permission's index. */
function assertScoped(p: number): void {
  if (!IS_SCOPED[p]) {
    throw new ValidationError([
      {
        path: 'targetUserId',
        message: `${PERMISSION_KEYS[p]} has no scope over users; ask it without a target`,
      },
    ]);
  }
}

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
