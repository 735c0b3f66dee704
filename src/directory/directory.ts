import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseAccessCode } from '../engine/access-code.js';
import type { Edition, ScopeLevel } from '../engine/catalogue.js';
import { type CountryCode, normalizePhoneNumber } from '../engine/phone-number.js';
import type { CrmClientType } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { findDepartmentCycle } from './department-tree.js';
import { type DirectoryDocument, DirectoryDocumentSchema } from './schema.js';

export interface DirectoryUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly active: boolean;
  readonly admin: boolean;
  readonly departmentIds: readonly string[];
  /** Work and mobile in E.164; the extension as dialled inside the PBX. */
  readonly phones: {
    readonly work: string | null;
    readonly mobile: string | null;
    readonly extension: string | null;
  };
}

export interface Department {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly headUserId: string | null;
}

export interface UserGroup {
  readonly id: string;
  readonly name: string;
  readonly memberIds: readonly string[];
}

export interface Workgroup {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly moderatorIds: readonly string[];
  readonly memberIds: readonly string[];
}

export interface CrmClient {
  readonly id: string;
  readonly type: CrmClientType;
  readonly name: string | null;
  /** E.164. */
  readonly phones: readonly string[];
  readonly responsibleUserId: string | null;
}

export interface CrmReadScope {
  readonly accessCode: string;
  readonly type: CrmClientType;
  readonly level: ScopeLevel;
}

/** A checked directory: every reference resolves, the tree has one root and no cycle. */
export interface Directory {
  readonly departments: readonly Department[];
  readonly users: readonly DirectoryUser[];
  readonly userGroups: readonly UserGroup[];
  readonly workgroups: readonly Workgroup[];
  readonly crmClients: readonly CrmClient[];
  readonly crmReadScopes: readonly CrmReadScope[];
  /** E.164. */
  readonly blockedNumbers: readonly string[];
}

export const EMPTY_DIRECTORY: Directory = {
  departments: [],
  users: [],
  userGroups: [],
  workgroups: [],
  crmClients: [],
  crmReadScopes: [],
  blockedNumbers: [],
};

export interface DirectoryContext {
  readonly edition: Edition;
  readonly defaultCountry: CountryCode;
}

const checkDocument = TypeCompiler.Compile(DirectoryDocumentSchema);

/**
 * Checks a directory document and returns it normalised (phones in E.164, defaults
 * filled), or throws a ValidationError naming every failing item and why: a missing
 * reference, a duplicate id, a cycle in the department tree, a number that is not one.
 *
 * @example parseDirectory(JSON.parse(text), { edition: 'cloud', defaultCountry: 'US' })
 */
export function parseDirectory(input: unknown, context: DirectoryContext): Directory {
  const issues = new IssueList();
  if (!checkDocument.Check(input)) {
    for (const error of checkDocument.Errors(input)) {
      issues.add(describePointer(input, error.path), error.message);
      if (issues.issues.length >= 50) break;
    }
    issues.throwIfAny();
  }
  const doc = input as DirectoryDocument;
  const directory = normalize(doc, context, issues);
  checkReferences(directory, context, issues);
  issues.throwIfAny();
  return directory;
}

function normalize(
  doc: DirectoryDocument,
  context: DirectoryContext,
  issues: IssueList,
): Directory {
  const phone = (text: string | null | undefined, where: string): string | null => {
    if (text === null || text === undefined) return null;
    const number = normalizePhoneNumber(text, context.defaultCountry);
    if (number === undefined) issues.add(where, `${JSON.stringify(text)} is not a phone number`);
    return number ?? null;
  };
  return {
    departments: doc.departments.map((d) => ({
      id: d.id,
      name: d.name,
      parentId: d.parentId,
      headUserId: d.headUserId ?? null,
    })),
    users: doc.users.map((u, i) => {
      const where = `users[${i}] (id "${u.id}").phones`;
      return {
        id: u.id,
        name: u.name,
        email: u.email == null ? null : u.email.trim().toLowerCase(),
        active: u.active ?? true,
        admin: u.admin ?? false,
        departmentIds: u.departmentIds ?? [],
        phones: {
          work: phone(u.phones?.work, `${where}.work`),
          mobile: phone(u.phones?.mobile, `${where}.mobile`),
          extension: u.phones?.extension ?? null,
        },
      };
    }),
    userGroups: doc.userGroups ?? [],
    workgroups: (doc.workgroups ?? []).map((w) => ({
      id: w.id,
      name: w.name,
      ownerId: w.ownerId,
      moderatorIds: w.moderatorIds ?? [],
      memberIds: w.memberIds ?? [],
    })),
    crmClients: (doc.crmClients ?? []).map((c, i) => ({
      id: c.id,
      type: c.type,
      name: c.name ?? null,
      phones: c.phones.map((p, j) => phone(p, `crmClients[${i}] (id "${c.id}").phones[${j}]`) ?? p),
      responsibleUserId: c.responsibleUserId ?? null,
    })),
    crmReadScopes: doc.crmReadScopes ?? [],
    blockedNumbers: (doc.blockedNumbers ?? []).map((p, i) => phone(p, `blockedNumbers[${i}]`) ?? p),
  };
}

function checkReferences(directory: Directory, context: DirectoryContext, issues: IssueList): void {
  const userIds = uniqueIds('users', directory.users, issues);
  const departmentIds = uniqueIds('departments', directory.departments, issues);
  const workgroupIds = uniqueIds('workgroups', directory.workgroups, issues);
  const groupIds = uniqueIds('userGroups', directory.userGroups, issues);
  uniqueIds('crmClients', directory.crmClients, issues);

  const roots = directory.departments.filter((d) => d.parentId === null);
  if (directory.departments.length > 0 && roots.length !== 1) {
    issues.add(
      'departments',
      roots.length === 0
        ? 'the department tree needs one root (a department with parentId null)'
        : `the department tree must have exactly one root; found ${roots.map((d) => `"${d.id}"`).join(', ')}`,
    );
  }
  directory.departments.forEach((d, i) => {
    const where = `departments[${i}] (id "${d.id}")`;
    if (d.parentId !== null && !departmentIds.has(d.parentId)) {
      issues.add(`${where}.parentId`, `no department "${d.parentId}"`);
    }
    if (d.headUserId !== null && !userIds.has(d.headUserId)) {
      issues.add(`${where}.headUserId`, `no user "${d.headUserId}"`);
    }
  });
  const cycle = findDepartmentCycle(directory.departments);
  if (cycle) issues.add('departments', `cycle in the department tree: ${cycle.join(' → ')}`);

  const extensions = new Map<string, string>();
  directory.users.forEach((u, i) => {
    const where = `users[${i}] (id "${u.id}")`;
    u.departmentIds.forEach((id, j) => {
      if (!departmentIds.has(id))
        issues.add(`${where}.departmentIds[${j}]`, `no department "${id}"`);
    });
    const extension = u.phones.extension;
    if (extension !== null) {
      const holder = extensions.get(extension);
      if (holder !== undefined)
        issues.add(
          `${where}.phones.extension`,
          `extension ${extension} is also user "${holder}"'s`,
        );
      extensions.set(extension, u.id);
    }
  });

  if (context.edition !== 'on-premise' && directory.userGroups.length > 0) {
    issues.add('userGroups', 'user groups are available on the on-premise edition only');
  }
  directory.userGroups.forEach((g, i) => {
    g.memberIds.forEach((id, j) => {
      if (!userIds.has(id))
        issues.add(`userGroups[${i}] (id "${g.id}").memberIds[${j}]`, `no user "${id}"`);
    });
  });
  directory.workgroups.forEach((w, i) => {
    const where = `workgroups[${i}] (id "${w.id}")`;
    if (!userIds.has(w.ownerId)) issues.add(`${where}.ownerId`, `no user "${w.ownerId}"`);
    for (const field of ['moderatorIds', 'memberIds'] as const) {
      w[field].forEach((id, j) => {
        if (!userIds.has(id)) issues.add(`${where}.${field}[${j}]`, `no user "${id}"`);
      });
    }
  });
  directory.crmClients.forEach((c, i) => {
    if (c.responsibleUserId !== null && !userIds.has(c.responsibleUserId)) {
      issues.add(
        `crmClients[${i}] (id "${c.id}").responsibleUserId`,
        `no user "${c.responsibleUserId}"`,
      );
    }
  });
  const known = {
    user: userIds,
    department: departmentIds,
    departmentTree: departmentIds,
    group: groupIds,
    workgroup: workgroupIds,
  };
  directory.crmReadScopes.forEach((s, i) => {
    const problem = accessCodeProblem(s.accessCode, context.edition, known);
    if (problem) issues.add(`crmReadScopes[${i}].accessCode`, problem);
  });
}

/** The ids of each kind of directory item, for checking that access codes name real ones. */
export interface KnownIds {
  readonly user: ReadonlySet<string>;
  readonly department: ReadonlySet<string>;
  readonly departmentTree: ReadonlySet<string>;
  readonly group: ReadonlySet<string>;
  readonly workgroup: ReadonlySet<string>;
}

export function knownIds(directory: Directory): KnownIds {
  const departments = new Set(directory.departments.map((d) => d.id));
  return {
    user: new Set(directory.users.map((u) => u.id)),
    department: departments,
    departmentTree: departments,
    group: new Set(directory.userGroups.map((g) => g.id)),
    workgroup: new Set(directory.workgroups.map((w) => w.id)),
  };
}

/**
 * Why an access code cannot be used in this directory, or undefined when it can: it must
 * be well formed, name an item that exists, and use user groups only on-premise.
 */
export function accessCodeProblem(
  code: string,
  edition: Edition,
  known: KnownIds,
): string | undefined {
  const parsed = parseAccessCode(code);
  if (!parsed) return `${JSON.stringify(code)} is not an access code`;
  if (parsed.kind === 'admins' || parsed.kind === 'everyone') return undefined;
  if (parsed.kind === 'group' && edition !== 'on-premise') {
    return 'user-group access codes are available on the on-premise edition only';
  }
  return known[parsed.kind].has(parsed.id)
    ? undefined
    : `${code} names no ${parsed.kind === 'departmentTree' ? 'department' : parsed.kind} "${parsed.id}"`;
}

function uniqueIds(
  collection: string,
  items: readonly { id: string }[],
  issues: IssueList,
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (ids.has(item.id)) issues.add(`${collection}[${i}] (id "${item.id}")`, 'duplicate id');
    ids.add(item.id);
  });
  return ids;
}

/** `/users/3/phones/work` → `users[3] (id "u4").phones.work`: the item named as a person would. */
function describePointer(root: unknown, pointer: string): string {
  if (pointer === '') return 'document';
  let node: unknown = root;
  let label = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      node = node[Number(part)];
      const id =
        typeof node === 'object' && node !== null ? (node as { id?: unknown }).id : undefined;
      label += `[${part}]${typeof id === 'string' ? ` (id "${id}")` : ''}`;
    } else {
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[part]
          : undefined;
      label += label === '' ? part : `.${part}`;
    }
  }
  return label;
}
