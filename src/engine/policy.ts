import {
  CATALOGUE,
  PERMISSION_KEYS,
  SCOPE_RANK,
  type Edition,
  type Plan,
  type ScopeLevel,
  canEditPermissions,
  levelRank,
} from './catalogue.js';
import { DEFAULT_ROLES, defaultAssignments } from './defaults.js';
import type { CountryCode } from './phone-number.js';
import type { Assignment, Role } from './roles.js';

export const CRM_CLIENT_TYPES = ['contact', 'company', 'lead'] as const;
export type CrmClientType = (typeof CRM_CLIENT_TYPES)[number];

/**
 * A user as the engine needs them: what the directory says about them, already reduced to
 * access codes and department-tree slots (see directory/department-tree.ts). Slots number
 * the department tree in depth-first order, so a department's subtree is one range of
 * slots and "is this user in my department scope" is a few integer comparisons.
 */
export interface PolicySubject {
  readonly id: string;
  readonly active: boolean;
  readonly admin: boolean;
  readonly accessCodes: readonly string[];
  /** Slots of the departments the user belongs to or heads. */
  readonly departmentSlots: readonly number[];
  /** `[first, last]` slot pairs: the subtrees of the departments the user belongs to or heads. */
  readonly departmentRanges: readonly number[];
  /** Ids of the departments the user belongs to or heads: the roots of their department scope. */
  readonly departmentIds: readonly string[];
  /** SPEC §6, already combined over the user's access codes. */
  readonly crmReadScopes: Readonly<Record<CrmClientType, ScopeLevel>>;
}

export interface CrmClientRef {
  readonly id: string;
  readonly type: CrmClientType;
  readonly responsibleUserId: string | null;
}

/** Every number the outbound decision classifies against (SPEC §5), keyed by E.164. */
export interface PhoneBook {
  /** Extension → the user it rings. */
  readonly extensions: ReadonlyMap<string, string>;
  /** E.164 → users whose work, mobile or extension number it is. */
  readonly employees: ReadonlyMap<string, readonly string[]>;
  readonly crmClients: ReadonlyMap<string, readonly CrmClientRef[]>;
  readonly blocked: ReadonlySet<string>;
}

export type FolderAccess = 'read' | 'none';
export interface FolderAccessEntry {
  readonly accessCode: string;
  readonly access: FolderAccess;
}

/** The "Recorded calls" folder's access list of a new account (SPEC §7). */
export const DEFAULT_RECORDINGS_FOLDER: readonly FolderAccessEntry[] = [
  { accessCode: 'everyone', access: 'read' },
];

export interface PolicyAccount {
  readonly plan: Plan;
  readonly edition: Edition;
  readonly defaultCountry: CountryCode;
}

/** Everything a policy is compiled from: one account at one moment. */
export interface PolicySource {
  readonly account: PolicyAccount;
  readonly subjects: readonly PolicySubject[];
  readonly rootDepartmentId: string | null;
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
  readonly recordingsFolder: readonly FolderAccessEntry[];
  readonly phoneBook: PhoneBook;
  /** Epoch milliseconds: assignments that expired by then do not apply. */
  readonly now: number;
}

export interface CompiledRole {
  readonly id: string;
  readonly name: string;
  /** Rank per permission, in PERMISSION_KEYS order. */
  readonly ranks: Uint8Array;
}

/** A role held through an access code: the raw material of every explanation. */
export interface Grant {
  readonly role: CompiledRole;
  readonly accessCode: string;
}

export interface CompiledUser {
  readonly subject: PolicySubject;
  /** Effective rank per permission, in PERMISSION_KEYS order: a decision reads one cell. */
  readonly ranks: Uint8Array;
  readonly grants: readonly Grant[];
  /** Ranks of the CRM read scope per client type, in CRM_CLIENT_TYPES order. */
  readonly crmRanks: Uint8Array;
  readonly isAdministrator: boolean;
  readonly canReadRecordingsFolder: boolean;
  readonly slots: Int32Array;
  readonly ranges: Int32Array;
}

/** A compiled policy: per user, a flat lookup of effective levels. Immutable. */
export interface Policy {
  readonly account: PolicyAccount;
  readonly users: ReadonlyMap<string, CompiledUser>;
  readonly roles: readonly CompiledRole[];
  readonly phoneBook: PhoneBook;
  /** True when the free plan's fixed defaults apply instead of the stored roles (SPEC §9). */
  readonly usesPlanDefaults: boolean;
  /** Epoch ms when the next assignment expires and the policy must be compiled again. */
  readonly validUntil: number;
}

const MAX_RANKS = Uint8Array.from(PERMISSION_KEYS, (key) => CATALOGUE[key].length - 1);

/**
 * Compiles roles, assignments and the directory into per-user lookups, once per change;
 * every decision after that is a few array reads.
 *
 * @example const policy = compilePolicy(source); decide(policy, { userId: 'u7', permission: 'callStats.view' })
 */
export function compilePolicy(source: PolicySource): Policy {
  const usesPlanDefaults = !canEditPermissions(source.account.plan, source.account.edition);
  const roles = usesPlanDefaults ? DEFAULT_ROLES : source.roles;
  const assignments = usesPlanDefaults
    ? defaultAssignments(source.rootDepartmentId)
    : source.assignments;

  const compiledRoles = roles.map(compileRole);
  const rolesById = new Map(compiledRoles.map((role) => [role.id, role]));
  const rolesByCode = new Map<string, CompiledRole[]>();
  let validUntil = Number.POSITIVE_INFINITY;
  for (const assignment of assignments) {
    const role = rolesById.get(assignment.roleId);
    if (!role) continue;
    if (assignment.expiresAt !== null) {
      const expiresAt = Date.parse(assignment.expiresAt);
      if (expiresAt <= source.now) continue;
      validUntil = Math.min(validUntil, expiresAt);
    }
    const held = rolesByCode.get(assignment.accessCode);
    if (held) held.push(role);
    else rolesByCode.set(assignment.accessCode, [role]);
  }

  const folder = new Map(source.recordingsFolder.map((entry) => [entry.accessCode, entry.access]));
  const groupsAllowed = source.account.edition === 'on-premise';
  const users = new Map<string, CompiledUser>();
  for (const subject of source.subjects) {
    users.set(subject.id, compileUser(subject, rolesByCode, folder, groupsAllowed));
  }
  return {
    account: source.account,
    users,
    roles: compiledRoles,
    phoneBook: source.phoneBook,
    usesPlanDefaults,
    validUntil,
  };
}

function compileRole(role: Role): CompiledRole {
  return {
    id: role.id,
    name: role.name,
    ranks: Uint8Array.from(PERMISSION_KEYS, (key) => levelRank(key, role.permissions[key])),
  };
}

function compileUser(
  subject: PolicySubject,
  rolesByCode: ReadonlyMap<string, readonly CompiledRole[]>,
  folder: ReadonlyMap<string, FolderAccess>,
  groupsAllowed: boolean,
): CompiledUser {
  const ranks = new Uint8Array(PERMISSION_KEYS.length);
  const grants: Grant[] = [];
  // SPEC §3: inactive users hold no access codes, so nothing below applies to them.
  const codes = subject.active ? subject.accessCodes : [];
  let folderRead = false;
  let folderDenied = false;
  for (const accessCode of codes) {
    // A group code can only be held on the on-premise edition (SPEC §9).
    if (!groupsAllowed && accessCode.startsWith('group:')) continue;
    for (const role of rolesByCode.get(accessCode) ?? []) {
      grants.push({ role, accessCode });
      for (let p = 0; p < ranks.length; p++) {
        if (role.ranks[p]! > ranks[p]!) ranks[p] = role.ranks[p]!;
      }
    }
    const access = folder.get(accessCode);
    if (access === 'read') folderRead = true;
    else if (access === 'none') folderDenied = true;
  }
  const isAdministrator = subject.active && subject.admin;
  // SPEC §4: an account can never lock itself out.
  if (isAdministrator) ranks.set(MAX_RANKS);
  return {
    subject,
    ranks,
    grants,
    crmRanks: Uint8Array.from(CRM_CLIENT_TYPES, (type) => SCOPE_RANK[subject.crmReadScopes[type]]),
    isAdministrator,
    canReadRecordingsFolder: isAdministrator || (folderRead && !folderDenied),
    slots: Int32Array.from(subject.departmentSlots),
    ranges: Int32Array.from(subject.departmentRanges),
  };
}
