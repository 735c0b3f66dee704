import { ApiError, messageOf } from './api';
import { describeAccessCode, userName } from './directory';
import { levelLabel, permissionLabel } from './permissions';
import type { CheckAnswer, Directory, Reason, RoleReason, RuleReason } from './types';

/**
 * The one place decisions are worded for people. The server sends each decision's rule and
 * its parameters as data beside a `detail` meant for logs ("call call-0024 belongs to max:
 * max is within scope own of max"); the screens say it from the data instead, with names,
 * not ids, and in the second person when the reader is the one decided about ("The
 * recordings folder is closed to you. Ask an administrator.").
 */
export interface Wording {
  readonly directory: Directory;
  /** The signed-in user, who reads the sentence. */
  readonly readerId: string;
  /** Whom the decision is about; the reader when absent. */
  readonly subjectId?: string;
}

interface Person {
  /** "You", "Max" */
  readonly who: string;
  /** "you", "Max": the same, inside a sentence. */
  readonly whom: string;
  /** "You are", "Max is" */
  readonly is: string;
  /** "your", "Max’s" */
  readonly whose: string;
  readonly isReader: boolean;
}

function personOf({ directory, readerId, subjectId }: Wording): Person {
  const id = subjectId ?? readerId;
  if (id === readerId)
    return { who: 'You', whom: 'you', is: 'You are', whose: 'your', isReader: true };
  const name = userName(directory, id);
  return { who: name, whom: name, is: `${name} is`, whose: `${name}’s`, isReader: false };
}

const isRole = (reason: Reason): reason is RoleReason => 'roleId' in reason;

/** A country or region code (ISO 3166) as its English name: "DE" → "Germany". */
function regionName(region: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(region) ?? region;
  } catch {
    return region;
  }
}

/**
 * One reason as a sentence.
 *
 * @example wordReason({ rule: 'recordingsFolder' }, { directory, readerId: 'max' }) // "The recordings folder is closed to you. Ask an administrator."
 */
export function wordReason(reason: Reason, wording: Wording): string {
  if (isRole(reason))
    return `Role “${reason.roleName}” through ${describeAccessCode(wording.directory, reason.accessCode)}`;
  return wordRule(reason, personOf(wording));
}

/** No default: a rule the server adds fails to compile here until it is worded. */
function wordRule(reason: RuleReason, person: Person): string {
  switch (reason.rule) {
    case 'accountAdministrator':
      return `${person.is} an account administrator: administrators always have the highest level, whatever the roles say.`;
    case 'freePlanDefaults':
      return 'The free plan’s standard roles apply; a paid plan lets you change them.';
    case 'recordingsFolder':
      return person.isReader
        ? 'The recordings folder is closed to you. Ask an administrator.'
        : `The “Recorded calls” folder is closed to ${person.whom}, whatever the level says.`;
    case 'blockedNumber':
      return 'This number is on the company’s blocked numbers list: nobody may call it.';
    case 'internalCall':
      return 'Internal extensions may always be called.';
    case 'inactiveUser':
      return `${person.is} inactive, and inactive employees may do nothing.`;
    case 'unknownUser':
      return 'There is no such employee in this account.';
    case 'emergencyNumber':
      return 'accountList' in reason
        ? 'This is on the company’s list of emergency numbers: always allowed, for everyone.'
        : `This is an emergency number in ${regionName(reason.region)}: always allowed, for everyone.`;
    case 'invalidNumber':
      return reason.postDial
        ? 'Dial the number only: an extension, pause or tones after it cannot be checked.'
        : 'This is not a phone number that can be dialled as written.';
    case 'destinationPolicy':
      if (reason.setting === 'premiumRate')
        return 'Premium-rate numbers are blocked for everyone by the company’s destination policy.';
      return reason.mode === 'none'
        ? 'International calls are turned off for everyone by the company’s destination policy.'
        : `Calls to ${regionName(reason.region)} are not among the countries the company allows.`;
    case 'lineAccess':
      return reason.rented
        ? `${person.who} may not call out from the line ${reason.line}: it is kept for others. Ask an administrator.`
        : `${reason.line} is not one of the company’s numbers.`;
  }
}

/** The rule among the reasons that closes what the level would allow, if any. */
export function closingRule(reasons: readonly Reason[] | undefined): RuleReason | undefined {
  return reasons?.find(
    (reason): reason is RuleReason => !isRole(reason) && reason.rule === 'recordingsFolder',
  );
}

const CLASS_PHRASE: Readonly<Record<string, string>> = {
  employee: 'an employee’s number',
  crmClient: 'a CRM client',
  other: 'neither a CRM client nor an employee',
};

/**
 * A check's answer as a sentence: the rule that decided, or the level against what was asked.
 * Outbound answers word their `rule`; call answers name the call's employee.
 */
export function wordCheck(answer: CheckAnswer, permission: string, wording: Wording): string {
  const person = personOf(wording);
  const closing = closingRule(answer.reasons);
  if (!answer.allowed && closing !== undefined) return wordRule(closing, person);
  if (answer.rule !== undefined && answer.rule !== 'level') {
    const decided = answer.reasons?.find(
      (reason): reason is RuleReason => !isRole(reason) && reason.rule === answer.rule,
    );
    if (decided !== undefined) return wordRule(decided, person);
    if (answer.rule === 'unknownUser' || answer.rule === 'inactiveUser')
      return wordRule({ rule: answer.rule }, person);
  }
  const level = levelLabel(permission, answer.level);
  if (answer.rule === 'level') {
    const what = CLASS_PHRASE[answer.classification ?? ''] ?? 'this number';
    return answer.allowed
      ? `Allowed: this is ${what}, and ${person.whose} outbound calls are “${level}”.`
      : `Not allowed: this is ${what}, and ${person.whose} outbound calls are “${level}”.`;
  }
  if (answer.owner !== undefined) {
    const subjectId = wording.subjectId ?? wording.readerId;
    const owner =
      answer.owner === null
        ? 'a call no employee took'
        : answer.owner === subjectId
          ? `${person.isReader ? 'your' : `${person.whose}`} own call`
          : answer.owner === wording.readerId
            ? 'your call'
            : `${userName(wording.directory, answer.owner)}’s call`;
    const label = permissionLabel(permission).toLowerCase();
    return answer.allowed
      ? `Allowed: this is ${owner}, and ${person.whose} ${label} level is “${level}”.`
      : `Not allowed: this is ${owner}, and ${person.whose} ${label} level is “${level}”.`;
  }
  return answer.allowed
    ? `Allowed: ${person.whose} level is “${level}”.`
    : `Not allowed: ${person.whose} level is “${level}”.`;
}

/** What a refused or failed request means, for the reader; the server's text otherwise. */
export function wordError(error: unknown, wording: Wording, what = 'This'): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  const { details } = error;
  const { reasons } = details;
  switch (error.code) {
    case 'not_found':
      return `${what} does not exist, or is not one you may see.`;
    case 'permission_denied': {
      const closing = closingRule(reasons);
      if (closing !== undefined) return wordRule(closing, personOf(wording));
      const { permission, requiredLevel } = details;
      if (permission === undefined) return 'You may not do this. Ask an administrator.';
      const required =
        requiredLevel === undefined ? '' : ` It needs “${levelLabel(permission, requiredLevel)}”.`;
      return `${permissionLabel(permission)}: your level does not allow this.${required} Ask an administrator.`;
    }
    case 'destination_not_allowed': {
      const decided = reasons?.find(
        (reason): reason is RuleReason => !isRole(reason) && reason.rule === details.rule,
      );
      if (decided !== undefined) return wordRule(decided, personOf(wording));
      const level = details.level ?? 'none';
      return `Your outbound calls are “${levelLabel('outboundCall.perform', level)}”, which does not include this number.`;
    }
    default:
      return messageOf(error);
  }
}
