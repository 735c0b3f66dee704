/**
 * The organisation as every peer engine receives it: the same directory, roles and
 * assignments our engine compiles, in plain data, so that each peer can express it in its
 * own idiom (casbin role graphs, CASL rules, Cedar entities and policies).
 */
import type { Directory } from '../../src/directory/directory.js';
import type { PermissionKey } from '../../src/engine/catalogue.js';
import type { Question } from '../../src/engine/question.js';
import type { PolicySubject } from '../../src/engine/policy.js';
import type { Assignment, Role } from '../../src/engine/roles.js';

export interface Org {
  readonly directory: Directory;
  /** Our directory reduction (access codes, department positions), one per directory user. */
  readonly subjects: readonly PolicySubject[];
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
}

/** What a peer engine answers: allowed or not, for one question of our engine's shape. */
export interface PeerEngine {
  readonly name: string;
  decide(question: Question): boolean;
}

/** Permissions whose levels are scopes over users: asked with a target user. */
export const SCOPED: ReadonlySet<PermissionKey> = new Set([
  'callStats.view',
  'recording.listen',
  'recording.delete',
  'userSettings.modify',
]);

/** Roles by the access codes they are assigned to (no assignment here expires). */
export function rolesByCode(org: Org): Map<string, Role[]> {
  const byId = new Map(org.roles.map((role) => [role.id, role]));
  const byCode = new Map<string, Role[]>();
  for (const { roleId, accessCode } of org.assignments) {
    const role = byId.get(roleId);
    if (role === undefined) continue;
    const held = byCode.get(accessCode);
    if (held) held.push(role);
    else byCode.set(accessCode, [role]);
  }
  return byCode;
}

/** Every department in the subtree of each department, itself included. */
export function subtreesOf(directory: Directory): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const d of directory.departments) {
    if (d.parentId === null) continue;
    const list = children.get(d.parentId);
    if (list) list.push(d.id);
    else children.set(d.parentId, [d.id]);
  }
  const subtrees = new Map<string, string[]>();
  const collect = (id: string): string[] => {
    const known = subtrees.get(id);
    if (known) return known;
    const all = [id];
    for (const child of children.get(id) ?? []) all.push(...collect(child));
    subtrees.set(id, all);
    return all;
  };
  for (const d of directory.departments) collect(d.id);
  return subtrees;
}

/**
 * An interned copy of an id, as our engine keys its user index (src/engine/policy.ts):
 * questions parsed from JSON carry interned ids, and a map keyed by interned ids finds them
 * by pointer. The CASL adapter keys its per-user caches the same way, so that the
 * comparison measures the engines rather than string comparisons.
 */
export function intern(id: string): string {
  return Object.keys({ [id]: 0 })[0] ?? id;
}
