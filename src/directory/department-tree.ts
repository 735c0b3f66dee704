import type { Department } from './directory.js';

/**
 * The department tree numbered depth first: each department gets a slot, and its subtree
 * is the slots from its own to `last`. "Is this user in my department scope" becomes "is
 * one of their slots inside one of my ranges" (SPEC §4), with no walk at decision time.
 */
export interface DepartmentTree {
  readonly rootId: string | null;
  readonly slot: ReadonlyMap<string, number>;
  /** The last slot of each department's subtree. */
  readonly last: ReadonlyMap<string, number>;
  readonly parent: ReadonlyMap<string, string | null>;
}

/** Builds the numbering; the departments must already be checked (one root, no cycle). */
export function buildDepartmentTree(departments: readonly Department[]): DepartmentTree {
  const children = new Map<string, string[]>();
  const parent = new Map<string, string | null>();
  let rootId: string | null = null;
  for (const d of departments) {
    parent.set(d.id, d.parentId);
    if (d.parentId === null) rootId = d.id;
    else {
      const siblings = children.get(d.parentId);
      if (siblings) siblings.push(d.id);
      else children.set(d.parentId, [d.id]);
    }
  }
  const slot = new Map<string, number>();
  const last = new Map<string, number>();
  if (rootId !== null) {
    // Iterative: a deep tree must not overflow the stack.
    const stack: { id: string; entered: boolean }[] = [{ id: rootId, entered: false }];
    let next = 0;
    while (stack.length > 0) {
      const frame = stack.pop()!;
      if (frame.entered) {
        last.set(frame.id, next - 1);
        continue;
      }
      slot.set(frame.id, next++);
      stack.push({ id: frame.id, entered: true });
      const kids = children.get(frame.id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i]!, entered: false });
    }
  }
  return { rootId, slot, last, parent };
}

/** A department and all its ancestors, nearest first. */
export function ancestorsOf(tree: DepartmentTree, departmentId: string): string[] {
  const chain: string[] = [];
  for (let id: string | null | undefined = departmentId; id != null; id = tree.parent.get(id)) {
    chain.push(id);
    if (chain.length > tree.parent.size) break; // defensive: a checked tree has no cycle
  }
  return chain;
}

/**
 * Ancestor/descendant pairs (each department is its own, at depth 0): stored so that a
 * department scope is a join in SQL rather than a walk in memory.
 */
export function departmentClosure(
  tree: DepartmentTree,
): { ancestorId: string; descendantId: string; depth: number }[] {
  const pairs: { ancestorId: string; descendantId: string; depth: number }[] = [];
  for (const id of tree.parent.keys()) {
    ancestorsOf(tree, id).forEach((ancestorId, depth) =>
      pairs.push({ ancestorId, descendantId: id, depth }),
    );
  }
  return pairs;
}

/** The departments of a cycle, in parent order and closed, or undefined when there is none. */
export function findDepartmentCycle(departments: readonly Department[]): string[] | undefined {
  const parent = new Map(departments.map((d) => [d.id, d.parentId]));
  const done = new Set<string>();
  for (const start of parent.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let id: string | null | undefined = start;
    while (id != null && !done.has(id) && !onPath.has(id)) {
      path.push(id);
      onPath.add(id);
      id = parent.get(id);
    }
    if (id != null && onPath.has(id)) {
      const cycle = path.slice(path.indexOf(id));
      return [...cycle, id];
    }
    for (const seen of path) done.add(seen);
  }
  return undefined;
}
