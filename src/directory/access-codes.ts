import { SCOPE_RANK, SCOPE_LEVELS, type Edition, type ScopeLevel } from '../engine/catalogue.js';
import {
  CRM_CLIENT_TYPES,
  type CrmClientRef,
  type CrmClientType,
  type PhoneBook,
  type PolicySource,
  type PolicySubject,
} from '../engine/policy.js';
import { type DepartmentTree, buildDepartmentTree } from './department-tree.js';
import type { Directory } from './directory.js';

/**
 * Every user's access codes (SPEC §3), computed from the directory as it is now. Inactive
 * users hold none. Each code appears once per user.
 *
 * A 100,000-user company is reduced on every directory change, so the department codes
 * are built once per department and copied, never rebuilt per user and ancestor.
 *
 * @example resolveAccessCodes(directory, 'cloud').get('u2')
 *          // ['user:u2', 'everyone', 'department:2', 'departmentTree:2', 'departmentTree:1']
 */
export function resolveAccessCodes(directory: Directory, edition: Edition): Map<string, string[]> {
  const tree = buildDepartmentTree(directory.departments);
  const codes = new Map<string, string[]>();
  const index = userIndex(directory);
  accessCodesInOrder(directory, edition, tree, departmentsByUser(directory, index), index).forEach(
    (held, u) => held !== undefined && codes.set(directory.users[u]!.id, held),
  );
  return codes;
}

/** {@link resolveAccessCodes} in the order of `directory.users`; undefined for the inactive. */
function accessCodesInOrder(
  directory: Directory,
  edition: Edition,
  tree: DepartmentTree,
  placed: readonly (readonly string[])[],
  index: ReadonlyMap<string, number>,
): (string[] | undefined)[] {
  const departmentCodes = departmentCodesOf(tree);
  // Group and workgroup codes, for the few users who have any.
  const extra = new Array<string[] | undefined>(directory.users.length);
  const add = (userId: string, code: string): void => {
    const u = index.get(userId);
    if (u === undefined) return;
    const list = extra[u];
    if (list === undefined) extra[u] = [code];
    else if (!list.includes(code)) list.push(code);
  };
  if (edition === 'on-premise') {
    for (const group of directory.userGroups) {
      for (const id of group.memberIds) add(id, `group:${group.id}`);
    }
  }
  for (const wg of directory.workgroups) {
    const owner = `workgroup:${wg.id}:owner`;
    const moderators = `workgroup:${wg.id}:moderators`;
    const members = `workgroup:${wg.id}:members`;
    add(wg.ownerId, owner);
    add(wg.ownerId, moderators);
    add(wg.ownerId, members);
    for (const id of wg.moderatorIds) {
      add(id, moderators);
      add(id, members);
    }
    for (const id of wg.memberIds) add(id, members);
  }
  return directory.users.map((user, u) => {
    if (!user.active) return undefined;
    const own = user.admin
      ? [`user:${user.id}`, 'everyone', 'admins']
      : [`user:${user.id}`, 'everyone'];
    const departments = placed[u]!;
    for (let i = 0; i < departments.length; i++) {
      for (const code of departmentCodes(departments[i]!)) {
        // Two departments share their upper tree: keep each code once.
        if (i === 0 || !own.includes(code)) own.push(code);
      }
    }
    for (const code of extra[u] ?? []) own.push(code);
    return own;
  });
}

/** `department:<id>` and `departmentTree:<id>` up to the root, built once per department. */
function departmentCodesOf(tree: DepartmentTree): (departmentId: string) => readonly string[] {
  const treeCodes = new Map<string, readonly string[]>();
  const upward = (id: string): readonly string[] => {
    let codes = treeCodes.get(id);
    if (codes === undefined) {
      const parent = tree.parent.get(id);
      codes = [`departmentTree:${id}`, ...(parent == null ? [] : upward(parent))];
      treeCodes.set(id, codes);
    }
    return codes;
  };
  const all = new Map<string, readonly string[]>();
  return (id) => {
    let codes = all.get(id);
    if (codes === undefined) {
      codes = [`department:${id}`, ...upward(id)];
      all.set(id, codes);
    }
    return codes;
  };
}

/**
 * Each user's departments, in the order of `directory.users`: memberships first, then
 * headships of departments they are not a member of (a head counts as in the department).
 */
export function departmentsByUser(
  directory: Directory,
  index: ReadonlyMap<string, number> = userIndex(directory),
): (readonly string[])[] {
  // Most users sit in one department: their own list is kept as it is, not copied.
  const placed = directory.users.map((user): readonly string[] =>
    user.departmentIds.length < 2 ? user.departmentIds : [...new Set(user.departmentIds)],
  );
  for (const d of directory.departments) {
    // The directory check refuses a head who is not a user; such a head places no one.
    const u = d.headUserId === null ? undefined : index.get(d.headUserId);
    if (u !== undefined && !placed[u]!.includes(d.id)) placed[u] = [...placed[u]!, d.id];
  }
  return placed;
}

function userIndex(directory: Directory): Map<string, number> {
  return new Map(directory.users.map((user, i) => [user.id, i]));
}

/** (user, department) for every membership and every headship: a head counts as in the department. */
export function departmentPositions(
  directory: Directory,
): [userId: string, departmentId: string][] {
  const placed = departmentsByUser(directory);
  return directory.users.flatMap((user, u) =>
    placed[u]!.map((d): [string, string] => [user.id, d]),
  );
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
  const index = userIndex(directory);
  const placed = departmentsByUser(directory, index);
  const codes = accessCodesInOrder(directory, edition, tree, placed, index);
  const crmReadScope = crmReadScopesOf(directory);
  const slotsOf = treeSlotsOf(tree);
  const subjects = directory.users.map((user, u): PolicySubject => {
    const departmentIds = placed[u]!;
    const accessCodes = codes[u] ?? [];
    return {
      id: user.id,
      active: user.active,
      admin: user.admin,
      accessCodes,
      departmentIds,
      ...slotsOf(departmentIds),
      crmReadScopes: crmReadScope(accessCodes),
    };
  });
  return { subjects, rootDepartmentId: tree.rootId, phoneBook: buildPhoneBook(directory) };
}

type TreeSlots = Pick<PolicySubject, 'departmentSlots' | 'departmentRanges'>;

/** A user's tree slots and subtree ranges; users of one department share its arrays. */
function treeSlotsOf(tree: DepartmentTree): (departmentIds: readonly string[]) => TreeSlots {
  const slotsOf = (ids: readonly string[]): TreeSlots => ({
    departmentSlots: ids.map((id) => tree.slot.get(id)!),
    departmentRanges: ids.flatMap((id) => [tree.slot.get(id)!, tree.last.get(id)!]),
  });
  const none = slotsOf([]);
  const single = new Map<string, TreeSlots>();
  return (ids) => {
    if (ids.length !== 1) return ids.length === 0 ? none : slotsOf(ids);
    let slots = single.get(ids[0]!);
    if (slots === undefined) {
      slots = slotsOf(ids);
      single.set(ids[0]!, slots);
    }
    return slots;
  };
}

const ANY_CRM_SCOPE: Readonly<Record<CrmClientType, ScopeLevel>> = {
  contact: 'any',
  company: 'any',
  lead: 'any',
};

/**
 * SPEC §6: the highest level among entries naming one of the user's codes, per client
 * type; `any` where none does. Users with the same combination share one object.
 */
function crmReadScopesOf(
  directory: Directory,
): (codes: readonly string[]) => Readonly<Record<CrmClientType, ScopeLevel>> {
  // A handful of entries against ~10 codes a user: asking each entry beats a map per code.
  const entries = directory.crmReadScopes.map(({ accessCode, type, level }) => ({
    accessCode,
    slot: CRM_CLIENT_TYPES.indexOf(type),
    rank: SCOPE_RANK[level],
  }));
  if (entries.length === 0) return () => ANY_CRM_SCOPE;
  const shared = new Map<string, Readonly<Record<CrmClientType, ScopeLevel>>>();
  return (codes) => {
    const best: number[] = CRM_CLIENT_TYPES.map(() => -1);
    for (const { accessCode, slot, rank } of entries) {
      if (rank > best[slot]! && codes.includes(accessCode)) best[slot] = rank;
    }
    const ranks = best.map((rank) => (rank < 0 ? SCOPE_RANK.any : rank));
    const key = ranks.join();
    let scope = shared.get(key);
    if (scope === undefined) {
      scope = Object.fromEntries(
        CRM_CLIENT_TYPES.map((type, i) => [type, SCOPE_LEVELS[ranks[i]!]!]),
      ) as Record<CrmClientType, ScopeLevel>;
      shared.set(key, scope);
    }
    return scope;
  };
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
    // The client itself serves as its reference: 100,000 clients, no copies.
    const ref: CrmClientRef = client;
    for (const number of client.phones) {
      const list = crmClients.get(number);
      if (list) list.push(ref);
      else crmClients.set(number, [ref]);
    }
  }
  return { extensions, employees, crmClients, blocked: new Set(directory.blockedNumbers) };
}
