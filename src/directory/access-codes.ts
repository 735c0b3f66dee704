import { SCOPE_RANK, SCOPE_LEVELS, type Edition, type ScopeLevel } from '../engine/catalogue.js';
import {
  CRM_CLIENT_TYPES,
  type CrmClientRef,
  type CrmClientType,
  type PhoneBook,
  type PolicySource,
  type PolicySubject,
} from '../engine/policy.js';
import { type DepartmentTree, ancestorsOf, buildDepartmentTree } from './department-tree.js';
import type { Directory } from './directory.js';

/**
 * Every user's access codes (SPEC §3), computed from the directory as it is now. Inactive
 * users hold none.
 *
 * @example resolveAccessCodes(directory, 'cloud').get('u2')
 *          // ['user:u2', 'everyone', 'department:2', 'departmentTree:2', 'departmentTree:1']
 */
export function resolveAccessCodes(
  directory: Directory,
  edition: Edition,
  tree: DepartmentTree = buildDepartmentTree(directory.departments),
): Map<string, string[]> {
  const codes = new Map<string, Set<string>>();
  for (const user of directory.users) {
    if (!user.active) continue;
    const own = new Set([`user:${user.id}`, 'everyone']);
    if (user.admin) own.add('admins');
    codes.set(user.id, own);
  }
  const add = (userId: string, code: string): void => {
    codes.get(userId)?.add(code);
  };
  for (const [userId, departmentId] of departmentPositions(directory)) {
    add(userId, `department:${departmentId}`);
    for (const ancestor of ancestorsOf(tree, departmentId))
      add(userId, `departmentTree:${ancestor}`);
  }
  if (edition === 'on-premise') {
    for (const group of directory.userGroups) {
      for (const id of group.memberIds) add(id, `group:${group.id}`);
    }
  }
  for (const wg of directory.workgroups) {
    add(wg.ownerId, `workgroup:${wg.id}:owner`);
    for (const id of [wg.ownerId, ...wg.moderatorIds]) add(id, `workgroup:${wg.id}:moderators`);
    for (const id of [wg.ownerId, ...wg.moderatorIds, ...wg.memberIds])
      add(id, `workgroup:${wg.id}:members`);
  }
  return new Map([...codes].map(([id, set]) => [id, [...set]]));
}

/** (user, department) for every membership and every headship: a head counts as in the department. */
export function departmentPositions(
  directory: Directory,
): [userId: string, departmentId: string][] {
  const positions: [string, string][] = [];
  const seen = new Set<string>();
  const push = (userId: string, departmentId: string): void => {
    const key = `${userId}\u0000${departmentId}`;
    if (seen.has(key)) return;
    seen.add(key);
    positions.push([userId, departmentId]);
  };
  for (const user of directory.users) for (const d of user.departmentIds) push(user.id, d);
  for (const d of directory.departments) if (d.headUserId !== null) push(d.headUserId, d.id);
  return positions;
}

/**
 * The directory's part of a policy source: users reduced to codes and tree slots, the
 * phone book for outbound classification, and the root for the default assignment.
 */
export function describeDirectoryForPolicy(
  directory: Directory,
  edition: Edition,
): Pick<PolicySource, 'subjects' | 'rootDepartmentId' | 'phoneBook'> {
  const tree = buildDepartmentTree(directory.departments);
  const codes = resolveAccessCodes(directory, edition, tree);
  const departmentsOf = new Map<string, string[]>();
  for (const [userId, departmentId] of departmentPositions(directory)) {
    const list = departmentsOf.get(userId);
    if (list) list.push(departmentId);
    else departmentsOf.set(userId, [departmentId]);
  }
  const scopes = combineCrmReadScopes(directory, codes);
  const subjects = directory.users.map((user): PolicySubject => {
    const departmentIds = departmentsOf.get(user.id) ?? [];
    return {
      id: user.id,
      active: user.active,
      admin: user.admin,
      accessCodes: codes.get(user.id) ?? [],
      departmentIds,
      departmentSlots: departmentIds.map((id) => tree.slot.get(id)!),
      departmentRanges: departmentIds.flatMap((id) => [tree.slot.get(id)!, tree.last.get(id)!]),
      crmReadScopes: scopes.get(user.id) ?? ANY_CRM_SCOPE,
    };
  });
  return { subjects, rootDepartmentId: tree.rootId, phoneBook: buildPhoneBook(directory) };
}

const ANY_CRM_SCOPE: Readonly<Record<CrmClientType, ScopeLevel>> = {
  contact: 'any',
  company: 'any',
  lead: 'any',
};

/** SPEC §6: the highest level among entries naming the user, per client type; `any` where none does. */
function combineCrmReadScopes(
  directory: Directory,
  codes: ReadonlyMap<string, readonly string[]>,
): Map<string, Record<CrmClientType, ScopeLevel>> {
  const entries = new Map<string, { type: CrmClientType; level: ScopeLevel }[]>();
  for (const { accessCode, type, level } of directory.crmReadScopes) {
    const list = entries.get(accessCode);
    if (list) list.push({ type, level });
    else entries.set(accessCode, [{ type, level }]);
  }
  const result = new Map<string, Record<CrmClientType, ScopeLevel>>();
  if (entries.size === 0) return result;
  for (const [userId, held] of codes) {
    const best: Partial<Record<CrmClientType, number>> = {};
    for (const code of held) {
      for (const { type, level } of entries.get(code) ?? []) {
        best[type] = Math.max(best[type] ?? 0, SCOPE_RANK[level]);
      }
    }
    const scope = Object.fromEntries(
      CRM_CLIENT_TYPES.map((type) => [type, SCOPE_LEVELS[best[type] ?? SCOPE_RANK.any]!]),
    ) as Record<CrmClientType, ScopeLevel>;
    result.set(userId, scope);
  }
  return result;
}

function buildPhoneBook(directory: Directory): PhoneBook {
  const extensions = new Map<string, string>();
  const employees = new Map<string, string[]>();
  const crmClients = new Map<string, CrmClientRef[]>();
  const addEmployee = (number: string, userId: string): void => {
    const list = employees.get(number);
    if (!list) employees.set(number, [userId]);
    else if (!list.includes(userId)) list.push(userId);
  };
  for (const user of directory.users) {
    const { work, mobile, extension } = user.phones;
    if (extension !== null) extensions.set(extension, user.id);
    if (work !== null) addEmployee(work, user.id);
    if (mobile !== null) addEmployee(mobile, user.id);
  }
  for (const client of directory.crmClients) {
    const ref: CrmClientRef = {
      id: client.id,
      type: client.type,
      responsibleUserId: client.responsibleUserId,
    };
    for (const number of client.phones) {
      const list = crmClients.get(number);
      if (list) list.push(ref);
      else crmClients.set(number, [ref]);
    }
  }
  return { extensions, employees, crmClients, blocked: new Set(directory.blockedNumbers) };
}
