import { CATALOGUE, PERMISSION_INDEX, type Level, type LevelOf } from './catalogue.js';
import {
  type DialledFacts,
  type EmergencySource,
  type PolicyRefusal,
  mayUseCompiledLine,
} from './outbound.js';
import { type Policy, USER_FLAGS } from './policy.js';
import type {
  Destination,
  Explanation,
  OutboundRule,
  Question,
  Reason,
  RuleReason,
} from './question.js';
import {
  IS_INACTIVE,
  LEVEL_NAMES,
  PERMISSION_COUNT,
  RULE_REASONS,
  reachesAt,
  reasonsAt,
} from './table-lookups.js';

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
export const ALLOWED = 1 << 8;
/** Per rank of outboundCall.perform, a bit per class it allows. */
const ALLOWS_MASK: readonly number[] = CATALOGUE['outboundCall.perform'].map((level) =>
  OUTBOUND_ALLOWS[level].reduce((mask, c: Destination) => mask | (1 << CLASS[c]), 0),
);
const outcome = (rule: OutboundRule, cls: number, allowed: boolean): number =>
  RULE[rule] | (cls << 4) | (allowed ? ALLOWED : 0);

/** The line a call goes out from: asked, else the caller's caller ID, else the default. */
export function lineOf(
  policy: Policy,
  user: number | undefined,
  question: Question,
): string | null {
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
export function evaluateOutbound(
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
export function explainOutbound(
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
