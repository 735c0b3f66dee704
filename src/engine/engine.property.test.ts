import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { policyFor } from '../../test/fixtures.js';
import type { DirectoryDocument } from '../directory/schema.js';
import { CATALOGUE, PERMISSION_KEYS, type PermissionKey, levelRank } from './catalogue.js';
import { decide } from './decide.js';
import { levelOf } from './effective.js';
import type { Assignment, Role } from './roles.js';

/**
 * The engine against a deliberately naive oracle on random companies: the oracle walks the
 * department tree downwards for every question and scans every assignment, the engine
 * compiles once and reads slots and ranges. They must agree everywhere.
 */

interface Company {
  readonly document: DirectoryDocument;
  readonly codes: readonly string[];
}

const arbitraryCompany: fc.Arbitrary<Company> = fc
  .record({ departments: fc.integer({ min: 1, max: 12 }), users: fc.integer({ min: 1, max: 16 }) })
  .chain(({ departments, users }) =>
    fc.record({
      parents: fc.array(fc.nat(), { minLength: departments - 1, maxLength: departments - 1 }),
      heads: fc.array(fc.option(fc.nat(users - 1)), {
        minLength: departments,
        maxLength: departments,
      }),
      memberships: fc.array(fc.uniqueArray(fc.nat(departments - 1), { maxLength: 3 }), {
        minLength: users,
        maxLength: users,
      }),
      active: fc.array(fc.boolean(), { minLength: users, maxLength: users }),
      admin: fc.array(
        fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        { minLength: users, maxLength: users },
      ),
      workgroups: fc.array(
        fc.record({
          owner: fc.nat(users - 1),
          moderators: fc.uniqueArray(fc.nat(users - 1), { maxLength: 3 }),
          members: fc.uniqueArray(fc.nat(users - 1), { maxLength: 5 }),
        }),
        { maxLength: 3 },
      ),
    }),
  )
  .map(({ parents, heads, memberships, active, admin, workgroups }) => {
    const document: DirectoryDocument = {
      // Each department's parent comes before it, so any such list is a tree rooted at d0.
      departments: heads.map((head, i) => ({
        id: `d${i}`,
        name: `Department ${i}`,
        parentId: i === 0 ? null : `d${parents[i - 1]! % i}`,
        headUserId: head === null ? null : `u${head}`,
      })),
      users: memberships.map((departments, i) => ({
        id: `u${i}`,
        name: `User ${i}`,
        active: active[i]!,
        admin: admin[i]!,
        departmentIds: departments.map((d) => `d${d}`),
      })),
      workgroups: workgroups.map((w, i) => ({
        id: `w${i}`,
        name: `Workgroup ${i}`,
        ownerId: `u${w.owner}`,
        moderatorIds: w.moderators.map((m) => `u${m}`),
        memberIds: w.members.map((m) => `u${m}`),
      })),
    };
    const codes = [
      'admins',
      'everyone',
      ...document.users.map((u) => `user:${u.id}`),
      ...document.departments.flatMap((d) => [`department:${d.id}`, `departmentTree:${d.id}`]),
      ...(document.workgroups ?? []).flatMap((w) =>
        ['owner', 'moderators', 'members'].map((r) => `workgroup:${w.id}:${r}`),
      ),
    ];
    return { document, codes };
  });

const arbitraryRole = (id: string): fc.Arbitrary<Role> =>
  fc
    .record(
      Object.fromEntries(
        PERMISSION_KEYS.map((key) => [key, fc.constantFrom(...CATALOGUE[key])]),
      ) as {
        [K in PermissionKey]: fc.Arbitrary<(typeof CATALOGUE)[K][number]>;
      },
    )
    .map((permissions) => ({ id, name: id, permissions }));

const arbitraryPolicyInput = arbitraryCompany.chain((company) =>
  fc.record({
    company: fc.constant(company),
    roles: fc.tuple(arbitraryRole('r0'), arbitraryRole('r1'), arbitraryRole('r2')),
    assignments: fc.uniqueArray(
      fc.record({
        roleId: fc.constantFrom('r0', 'r1', 'r2'),
        accessCode: fc.constantFrom(...company.codes),
      }),
      { maxLength: 8, selector: (a) => `${a.roleId} ${a.accessCode}` },
    ),
    extra: fc.record({
      roleId: fc.constantFrom('r0', 'r1', 'r2'),
      accessCode: fc.constantFrom(...company.codes),
    }),
  }),
);

// ---- the oracle: definitions from SPEC §3–§4, computed the slow, obvious way ----

function subtree(document: DirectoryDocument, root: string): Set<string> {
  const found = new Set([root]);
  for (const child of document.departments.filter((d) => d.parentId === root)) {
    for (const id of subtree(document, child.id)) found.add(id);
  }
  return found;
}

function inDepartments(document: DirectoryDocument, departments: Set<string>): Set<string> {
  const users = new Set<string>();
  for (const d of document.departments) {
    if (departments.has(d.id) && d.headUserId) users.add(d.headUserId);
  }
  for (const u of document.users) {
    if ((u.departmentIds ?? []).some((d) => departments.has(d))) users.add(u.id);
  }
  return users;
}

function usersNamedBy(document: DirectoryDocument, code: string): Set<string> {
  const active = new Set(document.users.filter((u) => u.active).map((u) => u.id));
  const [kind, id, role] = code.split(':') as [string, string, string];
  let named: Set<string>;
  if (kind === 'admins') named = new Set(document.users.filter((u) => u.admin).map((u) => u.id));
  else if (kind === 'everyone') named = active;
  else if (kind === 'user') named = new Set([id]);
  else if (kind === 'department') named = inDepartments(document, new Set([id]));
  else if (kind === 'departmentTree') named = inDepartments(document, subtree(document, id));
  else {
    const w = document.workgroups!.find((g) => g.id === id)!;
    const moderators = [w.ownerId, ...(w.moderatorIds ?? [])];
    named = new Set(
      role === 'owner'
        ? [w.ownerId]
        : role === 'moderators'
          ? moderators
          : [...moderators, ...(w.memberIds ?? [])],
    );
  }
  return new Set([...named].filter((u) => active.has(u)));
}

function oracleRank(
  document: DirectoryDocument,
  roles: readonly Role[],
  assignments: readonly Assignment[],
  userId: string,
  key: PermissionKey,
): number {
  const user = document.users.find((u) => u.id === userId)!;
  if (!user.active) return 0;
  if (user.admin) return CATALOGUE[key].length - 1;
  let best = 0;
  for (const a of assignments) {
    if (!usersNamedBy(document, a.accessCode).has(userId)) continue;
    const role = roles.find((r) => r.id === a.roleId)!;
    best = Math.max(best, levelRank(key, role.permissions[key]));
  }
  return best;
}

function oracleDepartmentScope(document: DirectoryDocument, actorId: string): Set<string> {
  const roots = new Set<string>();
  for (const d of document.departments) {
    if (d.headUserId === actorId) roots.add(d.id);
  }
  for (const d of document.users.find((u) => u.id === actorId)!.departmentIds ?? []) roots.add(d);
  const reached = new Set<string>();
  for (const root of roots) for (const id of subtree(document, root)) reached.add(id);
  return new Set([actorId, ...inDepartments(document, reached)]);
}

const withNone = (assignments: readonly { roleId: string; accessCode: string }[]): Assignment[] =>
  assignments.map((a) => ({ ...a, expiresAt: null }));

test("effective levels equal the oracle's on random companies and role sets", () => {
  fc.assert(
    fc.property(arbitraryPolicyInput, ({ company, roles, assignments }) => {
      const policy = policyFor({
        directory: company.document,
        roles,
        assignments: withNone(assignments),
      });
      for (const user of company.document.users) {
        for (const key of PERMISSION_KEYS) {
          assert.equal(
            levelRank(key, levelOf(policy, user.id, key)),
            oracleRank(company.document, roles, withNone(assignments), user.id, key),
            `${user.id} ${key}`,
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('department scopes equal a plain walk down the tree', () => {
  const department = (id: string): Role => ({
    id,
    name: id,
    permissions: {
      ...Object.fromEntries(PERMISSION_KEYS.map((k) => [k, 'none'])),
      'callStats.view': 'department',
    } as Role['permissions'],
  });
  fc.assert(
    fc.property(arbitraryCompany, ({ document }) => {
      const nonAdmin = {
        ...document,
        users: document.users.map((u) => ({ ...u, admin: false, active: true })),
      };
      const policy = policyFor({
        directory: nonAdmin,
        roles: [department('d')],
        assignments: withNone([{ roleId: 'd', accessCode: 'everyone' }]),
      });
      for (const actor of nonAdmin.users) {
        const expected = oracleDepartmentScope(nonAdmin, actor.id);
        for (const target of nonAdmin.users) {
          assert.equal(
            decide(policy, {
              userId: actor.id,
              permission: 'callStats.view',
              targetUserId: target.id,
            }).allowed,
            expected.has(target.id),
            `${actor.id} → ${target.id}`,
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});

test("adding an assignment never lowers anyone's level or narrows any scope", () => {
  fc.assert(
    fc.property(arbitraryPolicyInput, ({ company, roles, assignments, extra }) => {
      const before = policyFor({
        directory: company.document,
        roles,
        assignments: withNone(assignments),
      });
      const after = policyFor({
        directory: company.document,
        roles,
        assignments: withNone([...assignments, extra]),
      });
      for (const actor of company.document.users) {
        for (const key of PERMISSION_KEYS) {
          assert.ok(
            levelRank(key, levelOf(after, actor.id, key)) >=
              levelRank(key, levelOf(before, actor.id, key)),
            `${actor.id} ${key}`,
          );
        }
        for (const target of [...company.document.users.map((u) => u.id), null]) {
          const question = {
            userId: actor.id,
            permission: 'recording.listen',
            targetUserId: target,
          } as const;
          if (decide(before, question).allowed)
            assert.ok(decide(after, question).allowed, `${actor.id} → ${target}`);
        }
      }
    }),
    { numRuns: 300 },
  );
});
