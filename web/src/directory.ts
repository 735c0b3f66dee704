import type { Directory, DirectoryDepartment } from './types';

/** No one and nothing: names fall back to ids while the directory is not loaded. */
export const NO_DIRECTORY: Directory = {
  users: [],
  departments: [],
  workgroups: [],
  userGroups: [],
};

const NAMES = new WeakMap<Directory, ReadonlyMap<string, string>>();

/** The name of a user, or the id when the directory no longer has them. */
export function userName(directory: Directory, userId: string | null): string {
  if (userId === null) return 'No employee';
  let names = NAMES.get(directory);
  if (names === undefined) {
    // Long lists name a user per row: index the directory once.
    names = new Map(directory.users.map((u) => [u.id, u.name]));
    NAMES.set(directory, names);
  }
  return names.get(userId) ?? userId;
}

export function departmentName(directory: Directory, id: string): string {
  return directory.departments.find((d) => d.id === id)?.name ?? id;
}

/** An audit actor (`user:ada`, `operator`, `system`, `cli`) in words. */
export function actorName(directory: Directory, actor: string): string {
  if (actor.startsWith('user:')) return userName(directory, actor.slice(5));
  return { operator: 'Operator', system: 'System', cli: 'Command line' }[actor] ?? actor;
}

/**
 * An access code (SPEC §3) as a person reads it, with names instead of ids.
 *
 * @example describeAccessCode(directory, 'departmentTree:sales') // "Sales, with sub-departments"
 */
export function describeAccessCode(directory: Directory, code: string): string {
  if (code === 'admins') return 'Account administrators';
  if (code === 'everyone') return 'Everyone (all active users)';
  const [kind = '', id = '', part] = code.split(':');
  const named = (list: readonly { id: string; name: string }[]) =>
    list.find((item) => item.id === id)?.name ?? id;
  switch (kind) {
    case 'user':
      return `User: ${userName(directory, id)}`;
    case 'department':
      return `Department: ${departmentName(directory, id)} (without sub-departments)`;
    case 'departmentTree':
      return `Department: ${departmentName(directory, id)}, with sub-departments`;
    case 'group':
      return `User group: ${named(directory.userGroups)}`;
    case 'workgroup': {
      const who = { owner: 'owner', moderators: 'owner and moderators', members: 'all members' }[
        part ?? ''
      ];
      return `Workgroup: ${named(directory.workgroups)} (${who ?? part ?? ''})`;
    }
    default:
      return code;
  }
}

/** Departments in tree order, each with its depth, for indented pickers. */
export function departmentTree(
  directory: Directory,
): { readonly department: DirectoryDepartment; readonly depth: number }[] {
  const children = new Map<string | null, DirectoryDepartment[]>();
  for (const department of directory.departments) {
    const siblings = children.get(department.parentId) ?? [];
    siblings.push(department);
    children.set(department.parentId, siblings);
  }
  const known = new Set(directory.departments.map((d) => d.id));
  const out: { department: DirectoryDepartment; depth: number }[] = [];
  const visit = (department: DirectoryDepartment, depth: number) => {
    out.push({ department, depth });
    for (const child of children.get(department.id) ?? []) visit(child, depth + 1);
  };
  for (const department of directory.departments)
    if (department.parentId === null || !known.has(department.parentId)) visit(department, 0);
  return out;
}

/**
 * The users a `department` level reaches for `actorId` (SPEC §4): the actor, and every
 * member or head of a department they belong to or head, or of any sub-department.
 * Used only to decide which controls to offer; the server decides again on every request.
 */
export function departmentScope(directory: Directory, actorId: string): Set<string> {
  const actor = directory.users.find((u) => u.id === actorId);
  const roots = new Set<string>(actor?.departmentIds ?? []);
  for (const department of directory.departments)
    if (department.headUserId === actorId) roots.add(department.id);
  const inScope = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (inScope.has(id)) continue;
    inScope.add(id);
    for (const department of directory.departments)
      if (department.parentId === id) pending.push(department.id);
  }
  const users = new Set<string>([actorId]);
  for (const user of directory.users)
    if (user.departmentIds.some((id) => inScope.has(id))) users.add(user.id);
  for (const department of directory.departments)
    if (inScope.has(department.id) && department.headUserId !== null)
      users.add(department.headUserId);
  return users;
}

/**
 * Whether a scoped level (`own`, `department`, `any`) of `actorId` reaches `ownerId`'s
 * items. A call nobody took is reached only at `any`.
 */
export function levelReaches(
  directory: Directory,
  level: string,
  actorId: string,
  ownerId: string | null,
): boolean {
  if (level === 'any') return true;
  if (ownerId === null) return false;
  if (level === 'own') return ownerId === actorId;
  if (level === 'department') return departmentScope(directory, actorId).has(ownerId);
  return false;
}

/** The users a scoped level reaches (all of them at `any`), sorted by name. */
export function usersReached(
  directory: Directory,
  level: string,
  actorId: string,
): Directory['users'] {
  // The department scope is worked out once, not once per user: directories have thousands.
  const scope =
    level === 'department' ? departmentScope(directory, actorId) : new Set<string>([actorId]);
  return directory.users
    .filter((user) => level === 'any' || (level !== 'none' && scope.has(user.id)))
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name));
}
