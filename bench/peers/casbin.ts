/**
 * The policy in casbin's idiom: RBAC with a role hierarchy.
 *
 * - Roles are policies: `p, role:<id>, <permission>, <level>` for every level above `none`.
 * - Users reach roles through grouping (`g`), with the org as a hierarchy of groups:
 *   user → department:<d> → departmentTree:<d> → departmentTree:<parent> → …;
 *   workgroup owner → workgroup:<w>:owner → :moderators → :members; active users →
 *   everyone; active administrators → admins; each access code → the roles assigned to it.
 *   Inactive users get no links (SPEC §3: they hold no codes).
 * - Administrators' override (SPEC §4) is one more role on `admins` with the top level of
 *   every permission.
 * - Department scope is a second role graph (`g2`), the org chart: a user → each
 *   department they belong to or head → its parent → …; each department also links to the
 *   scope node of each of its members and its head, so `g2(target, "scope:" + actor)`
 *   holds exactly when the target sits in a subtree of one of the actor's departments.
 *
 * Questions go through `enforceSync(actor, target, permission)`: the target is `""` for a
 * question without one and `(unowned)` for an item no employee owns.
 */
import { type Enforcer, newEnforcer, newModelFromString } from 'casbin';
import { CATALOGUE, PERMISSION_KEYS } from '../../src/engine/catalogue.js';
import type { Question } from '../../src/engine/question.js';
import { type Org, type PeerEngine, rolesByCode } from './org.js';

const MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, act, scope

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && g(r.sub, p.sub) && (r.obj == "" || p.scope == "any" || r.obj == r.sub || p.scope == "department" && g2(r.obj, "scope:" + r.sub))
`;

const ADMINISTRATORS = 'role:(account administrators)';
const UNOWNED = '(unowned)';

export async function buildCasbin(org: Org): Promise<PeerEngine> {
  const enforcer = await newEnforcer(newModelFromString(MODEL));
  const policies: string[][] = [];
  for (const role of org.roles) {
    for (const key of PERMISSION_KEYS) {
      const level = role.permissions[key];
      if (level !== 'none') policies.push([`role:${role.id}`, key, level]);
    }
  }
  for (const key of PERMISSION_KEYS) policies.push([ADMINISTRATORS, key, CATALOGUE[key].at(-1)!]);
  await enforcer.addPolicies(policies);

  const groups: string[][] = [];
  const orgChart: string[][] = [];
  const { directory } = org;
  for (const d of directory.departments) {
    groups.push([`department:${d.id}`, `departmentTree:${d.id}`]);
    if (d.parentId !== null) {
      groups.push([`departmentTree:${d.id}`, `departmentTree:${d.parentId}`]);
      orgChart.push([`dept:${d.id}`, `dept:${d.parentId}`]);
    }
  }
  for (const subject of org.subjects) {
    for (const d of subject.departmentIds) {
      orgChart.push([subject.id, `dept:${d}`]);
      orgChart.push([`dept:${d}`, `scope:${subject.id}`]);
    }
    if (!subject.active) continue;
    groups.push([subject.id, 'everyone']);
    if (subject.admin) groups.push([subject.id, 'admins']);
    for (const d of subject.departmentIds) groups.push([subject.id, `department:${d}`]);
  }
  const active = new Set(org.subjects.filter((s) => s.active).map((s) => s.id));
  for (const wg of directory.workgroups) {
    const owner = `workgroup:${wg.id}:owner`;
    const moderators = `workgroup:${wg.id}:moderators`;
    const members = `workgroup:${wg.id}:members`;
    groups.push([owner, moderators], [moderators, members]);
    if (active.has(wg.ownerId)) groups.push([wg.ownerId, owner]);
    for (const id of wg.moderatorIds) if (active.has(id)) groups.push([id, moderators]);
    for (const id of wg.memberIds) if (active.has(id)) groups.push([id, members]);
  }
  for (const [code, roles] of rolesByCode(org)) {
    // `user:<id>` names one user: the user holds the role directly.
    const holder = code.startsWith('user:') ? code.slice('user:'.length) : code;
    if (holder !== code && !active.has(holder)) continue;
    for (const role of roles) groups.push([holder, `role:${role.id}`]);
  }
  groups.push(['admins', ADMINISTRATORS]);
  await enforcer.addGroupingPolicies(dedupe(groups));
  await enforcer.addNamedGroupingPolicies('g2', dedupe(orgChart));
  return casbinEngine(enforcer);
}

function casbinEngine(enforcer: Enforcer): PeerEngine {
  return {
    name: 'casbin',
    decide(question: Question): boolean {
      const target = question.targetUserId === undefined ? '' : (question.targetUserId ?? UNOWNED);
      return enforcer.enforceSync(question.userId, target, question.permission);
    },
  };
}

function dedupe(rules: string[][]): string[][] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = rule.join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
