/**
 * The policy in CASL's idiom: one MongoAbility per user, built once from the roles the user
 * holds (through their access codes) and cached; levels become rules with conditions.
 *
 * - A scoped permission (calls, recordings, user settings) is an action on `User`, the
 *   owner of the item: `any` → `can(p, 'User')`; `own` → `can(p, 'User', { id })`;
 *   `department` → that plus `can(p, 'User', { departmentIds: { $in: [...] } })` over every
 *   department in the subtrees of the user's own departments (SPEC §4).
 * - Any other permission above `none` is `can(p, 'Telephony')`; a question without a
 *   target asks `ability.can(p, 'Telephony')` — true when some rule grants it.
 * - Account administrators get `can('manage', 'all')` (SPEC §4).
 *
 * Inactive users hold no codes, so their ability has no rules. Target users are subjects
 * built once (`subject('User', { id, departmentIds })`), as an app keeps its models; both
 * caches are keyed by interned ids, as our engine's index is.
 */
import {
  AbilityBuilder,
  type ForcedSubject,
  type MongoAbility,
  createMongoAbility,
  subject,
} from '@casl/ability';
import type { PermissionKey } from '../../src/engine/catalogue.js';
import type { Question } from '../../src/engine/question.js';
import { type Org, type PeerEngine, SCOPED, intern, rolesByCode, subtreesOf } from './org.js';

interface UserModel {
  readonly id: string | null;
  readonly departmentIds: readonly string[];
}
type UserSubject = UserModel & ForcedSubject<'User'>;
type Subjects = 'User' | UserSubject | 'Telephony' | 'all';
type AppAbility = MongoAbility<[PermissionKey | 'manage', Subjects]>;

export function buildCasl(org: Org): CaslEngine {
  const byCode = rolesByCode(org);
  const subtrees = subtreesOf(org.directory);
  const abilities = new Map<string, AppAbility>();
  const users = new Map<string, UserSubject>();
  for (const s of org.subjects) {
    users.set(intern(s.id), subject('User', { id: s.id, departmentIds: s.departmentIds }));
    const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
    if (s.active && s.admin) can('manage', 'all');
    const roles = s.active ? s.accessCodes.flatMap((code) => byCode.get(code) ?? []) : [];
    const reach = [...new Set(s.departmentIds.flatMap((d) => subtrees.get(d) ?? []))];
    for (const role of roles) {
      for (const [key, level] of Object.entries(role.permissions) as [PermissionKey, string][]) {
        if (level === 'none') continue;
        if (!SCOPED.has(key)) can(key, 'Telephony');
        else if (level === 'any') can(key, 'User');
        else {
          can(key, 'User', { id: s.id });
          if (level === 'department') can(key, 'User', { departmentIds: { $in: reach } });
        }
      }
    }
    abilities.set(intern(s.id), build());
  }
  const unowned = subject('User', { id: null, departmentIds: [] });
  const none = createMongoAbility<AppAbility>();
  const resolve = (question: Question): CaslCheck => {
    const target = question.targetUserId;
    return {
      ability: abilities.get(question.userId) ?? none,
      action: question.permission,
      subject: target === undefined ? 'Telephony' : target === null ? unowned : users.get(target),
    };
  };
  return {
    name: '@casl/ability',
    decide: (question) => check(resolve(question)),
    resolve,
  };
}

/** One question with its ability and subject already looked up: only `can` is left. */
export interface CaslCheck {
  readonly ability: AppAbility;
  readonly action: PermissionKey;
  /** Undefined for a target the app does not know. */
  readonly subject: 'Telephony' | UserSubject | undefined;
}

export interface CaslEngine extends PeerEngine {
  /** The cached ability of the asking user and the subject asked about: the app's lookups. */
  resolve(question: Question): CaslCheck;
}

/** `ability.can` on a resolved question. */
export function check({ ability, action, subject }: CaslCheck): boolean {
  return subject !== undefined && ability.can(action, subject);
}
