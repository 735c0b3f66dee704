import { ID_PATTERN, parseAccessCode } from './access-code.js';
import {
  CATALOGUE,
  PERMISSION_KEYS,
  type Edition,
  type PermissionLevels,
  isPermissionKey,
  levelRank,
} from './catalogue.js';
import { IssueList } from './validation-error.js';

/** A role: a name plus one level for every permission (SPEC §1). */
export interface Role {
  readonly id: string;
  readonly name: string;
  readonly permissions: PermissionLevels;
}

/** A role given to the users an access code names, until `expiresAt` if set (ISO 8601). */
export interface Assignment {
  readonly roleId: string;
  readonly accessCode: string;
  readonly expiresAt: string | null;
}

/** Roles and assignments together: the permissions document of API.md. */
export interface PermissionsDocument {
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
}

const MAX_NAME_LENGTH = 100;

/** Same id, name and levels, whatever order the levels were written in. */
export function isSameRole(a: Role, b: Role): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    PERMISSION_KEYS.every((key) => a.permissions[key] === b.permissions[key])
  );
}

/**
 * Checks one role as it arrives from outside, naming the role and the key that is wrong.
 * Unknown permission keys and levels are refused, never stored (SPEC §4, deny by default).
 *
 * @example parseRole({ id: 'r1', name: 'Night desk', permissions: {...} }, 'roles[0]')
 */
export function parseRole(input: unknown, where = 'role'): Role {
  const issues = new IssueList();
  const role = checkRole(input, where, issues);
  issues.throwIfAny();
  return role as Role;
}

function checkRole(input: unknown, where: string, issues: IssueList): Role | undefined {
  if (!isObject(input)) {
    issues.add(where, 'must be an object with id, name and permissions');
    return undefined;
  }
  const { id, name, permissions, ...extra } = input;
  const label = typeof id === 'string' ? `${where} (id "${id}")` : where;
  for (const key of Object.keys(extra)) issues.add(`${label}.${key}`, 'unknown field');
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    issues.add(`${label}.id`, 'must match [A-Za-z0-9_.-]{1,64}');
  }
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    issues.add(
      `${label}.name`,
      `must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (!isObject(permissions)) {
    issues.add(`${label}.permissions`, 'must be an object giving a level for every permission');
    return undefined;
  }
  for (const [key, level] of Object.entries(permissions)) {
    if (!isPermissionKey(key)) {
      issues.add(`${label}.permissions.${key}`, 'unknown permission');
    } else if (typeof level !== 'string' || levelRank(key, level) < 0) {
      issues.add(
        `${label}.permissions.${key}`,
        `unknown level ${JSON.stringify(level)}; expected one of ${CATALOGUE[key].join(', ')}`,
      );
    }
  }
  for (const key of PERMISSION_KEYS) {
    if (!(key in permissions))
      issues.add(`${label}.permissions.${key}`, 'missing; every permission needs a level');
  }
  return { id, name, permissions } as Role;
}

/**
 * Checks a permissions document: every role as {@link parseRole} does, unique role ids,
 * assignments naming existing roles through well-formed access codes, each pair once.
 * User-group codes are refused on the cloud edition (SPEC §9). Whether the codes name
 * existing directory items is checked by the caller, which has the directory.
 */
export function parsePermissionsDocument(input: unknown, edition: Edition): PermissionsDocument {
  const issues = new IssueList();
  if (!isObject(input) || !Array.isArray(input.roles) || !Array.isArray(input.assignments)) {
    issues.add('document', 'must be an object with "roles" and "assignments" arrays');
    issues.throwIfAny();
  }
  const {
    roles: rawRoles,
    assignments: rawAssignments,
    ...extra
  } = input as {
    roles: unknown[];
    assignments: unknown[];
  };
  for (const key of Object.keys(extra)) issues.add(`document.${key}`, 'unknown field');

  const roles: Role[] = [];
  const roleIds = new Set<string>();
  rawRoles.forEach((raw, i) => {
    const role = checkRole(raw, `roles[${i}]`, issues);
    if (!role) return;
    if (roleIds.has(role.id)) issues.add(`roles[${i}] (id "${role.id}")`, 'duplicate role id');
    roleIds.add(role.id);
    roles.push(role);
  });

  const assignments: Assignment[] = [];
  const pairs = new Set<string>();
  rawAssignments.forEach((raw, i) => {
    const assignment = checkAssignment(raw, `assignments[${i}]`, edition, roleIds, issues);
    if (!assignment) return;
    const pair = `${assignment.roleId}\u0000${assignment.accessCode}`;
    if (pairs.has(pair)) {
      issues.add(
        `assignments[${i}]`,
        `role "${assignment.roleId}" is already assigned to ${assignment.accessCode}`,
      );
    }
    pairs.add(pair);
    assignments.push(assignment);
  });
  issues.throwIfAny();
  return { roles, assignments };
}

/** Checks one assignment; `roleIds` are the roles it may name. */
export function checkAssignment(
  input: unknown,
  where: string,
  edition: Edition,
  roleIds: ReadonlySet<string>,
  issues: IssueList,
): Assignment | undefined {
  if (!isObject(input)) {
    issues.add(where, 'must be an object with roleId and accessCode');
    return undefined;
  }
  const { roleId, accessCode, expiresAt = null, ...extra } = input;
  for (const key of Object.keys(extra)) issues.add(`${where}.${key}`, 'unknown field');
  let ok = true;
  if (typeof roleId !== 'string' || !roleIds.has(roleId)) {
    issues.add(`${where}.roleId`, `no role ${JSON.stringify(roleId)}`);
    ok = false;
  }
  const code = typeof accessCode === 'string' ? parseAccessCode(accessCode) : undefined;
  if (!code) {
    issues.add(`${where}.accessCode`, `${JSON.stringify(accessCode)} is not an access code`);
    ok = false;
  } else if (code.kind === 'group' && edition !== 'on-premise') {
    issues.add(
      `${where}.accessCode`,
      'user-group access codes are available on the on-premise edition only',
    );
    ok = false;
  }
  if (expiresAt !== null && (typeof expiresAt !== 'string' || !isIsoInstant(expiresAt))) {
    issues.add(`${where}.expiresAt`, 'must be null or an ISO 8601 date-time with a time zone');
    ok = false;
  }
  if (!ok) return undefined;
  return {
    roleId: roleId as string,
    accessCode: accessCode as string,
    expiresAt: expiresAt === null ? null : new Date(expiresAt as string).toISOString(),
  };
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A real date-time with its zone, as API.md's times are: nothing left to guess, and no
 * February 30th quietly rolled over into March.
 */
export function isIsoInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const date = new Date(Date.UTC(year!, month! - 1, day));
  return (
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! < 24 &&
    minute! < 60 &&
    second < 60 &&
    offsetHours < 24 &&
    offsetMinutes < 60
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
