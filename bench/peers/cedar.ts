/**
 * The policy in Cedar (for reference), through @cedar-policy/cedar-wasm: the org as
 * entities, roles as policies, the policy set parsed once (`preparsePolicySet`) and each
 * question asked with `statefulIsAuthorized` and the entities it needs — the actor and the
 * target with their ancestors, the slice an application loads per request.
 *
 * Entities: `User` (attributes `active` and `departments`, the departments they belong to
 * or head), with parents: `Department` (per position; departments form their own tree, so
 * `User in Department::"d"` is "in the subtree of d"), `DirectDepartment` (the
 * `department:<d>` code), `Code` (everyone, admins, workgroup codes, nested owner →
 * moderators → members) and `Role` for `user:<id>` assignments. Every code entity has the
 * roles assigned to it as parents, so `principal in Role::"r"` is "holds r".
 *
 * Policies: one `permit` per role and permission above `none`; `department` reads
 * `resource == principal || resource in principal.departments`, `own` reads
 * `resource == principal`; `permit(principal in Code::"admins", action, resource)` for the
 * administrators' override; `forbid … unless { principal.active }` for inactive users.
 */
import {
  type EntityJson,
  type EntityUidJson,
  getCedarVersion,
  preparsePolicySet,
  statefulIsAuthorized,
} from '@cedar-policy/cedar-wasm/nodejs';
import { PERMISSION_KEYS } from '../../src/engine/catalogue.js';
import type { Question } from '../../src/engine/question.js';
import { type Org, type PeerEngine, SCOPED, rolesByCode } from './org.js';

const POLICY_SET_ID = 'callgate-bench';

export function cedarVersion(): string {
  return getCedarVersion();
}

export function buildCedar(org: Org): PeerEngine {
  const policies: string[] = [
    'forbid (principal, action, resource) unless { principal.active };',
    'permit (principal in Code::"admins", action, resource);',
  ];
  for (const role of org.roles) {
    for (const key of PERMISSION_KEYS) {
      const level = role.permissions[key];
      if (level === 'none') continue;
      const head = `permit (principal in Role::${str(role.id)}, action == Action::${str(key)}, resource)`;
      if (!SCOPED.has(key) || level === 'any') policies.push(`${head};`);
      else if (level === 'own') policies.push(`${head} when { resource == principal };`);
      else
        policies.push(
          `${head} when { resource == principal || resource in principal.departments };`,
        );
    }
  }
  const parsed = preparsePolicySet(POLICY_SET_ID, { staticPolicies: policies.join('\n') });
  if (parsed.type !== 'success') throw new Error(`Cedar policies: ${JSON.stringify(parsed)}`);

  const entities = new Map<string, EntityJson>();
  const key = (uid: { type: string; id: string }) => `${uid.type}::${uid.id}`;
  const entity = (type: string, id: string): EntityJson => {
    const found = entities.get(`${type}::${id}`);
    if (found) return found;
    const created: EntityJson = { uid: { type, id }, attrs: {}, parents: [] };
    entities.set(`${type}::${id}`, created);
    return created;
  };
  const link = (child: EntityJson, type: string, id: string): void => {
    entity(type, id);
    child.parents.push({ type, id });
  };
  for (const d of org.directory.departments) {
    const department = entity('Department', d.id);
    if (d.parentId !== null) link(department, 'Department', d.parentId);
    entity('DirectDepartment', d.id);
  }
  const byCode = rolesByCode(org);
  for (const [code, roles] of byCode) {
    const holder = codeEntity(code);
    const from = holder === undefined ? undefined : entity(holder.type, holder.id);
    for (const role of roles) {
      entity('Role', role.id);
      from?.parents.push({ type: 'Role', id: role.id });
    }
  }
  for (const wg of org.directory.workgroups) {
    const owner = entity('Code', `workgroup:${wg.id}:owner`);
    const moderators = entity('Code', `workgroup:${wg.id}:moderators`);
    entity('Code', `workgroup:${wg.id}:members`);
    owner.parents.push({ type: 'Code', id: `workgroup:${wg.id}:moderators` });
    moderators.parents.push({ type: 'Code', id: `workgroup:${wg.id}:members` });
  }
  const userCodes = new Map<string, string[]>();
  const addCode = (userId: string, code: string) => {
    const list = userCodes.get(userId);
    if (list) list.push(code);
    else userCodes.set(userId, [code]);
  };
  for (const wg of org.directory.workgroups) {
    addCode(wg.ownerId, `workgroup:${wg.id}:owner`);
    for (const id of wg.moderatorIds) addCode(id, `workgroup:${wg.id}:moderators`);
    for (const id of wg.memberIds) addCode(id, `workgroup:${wg.id}:members`);
  }
  for (const s of org.subjects) {
    const user = entity('User', s.id);
    user.attrs = {
      active: s.active,
      departments: s.departmentIds.map((id) => ({ __entity: { type: 'Department', id } })),
    };
    for (const d of s.departmentIds) {
      link(user, 'Department', d);
      link(user, 'DirectDepartment', d);
    }
    // Inactive users keep their place in the tree (their items stay in scope) but the
    // forbid policy refuses them everything, as SPEC §3 takes their codes away.
    link(user, 'Code', 'everyone');
    if (s.admin) link(user, 'Code', 'admins');
    for (const code of new Set(userCodes.get(s.id) ?? [])) link(user, 'Code', code);
    for (const role of byCode.get(`user:${s.id}`) ?? []) link(user, 'Role', role.id);
  }

  // The slice of each user: the user and every ancestor, in one array, built once.
  const slices = new Map<string, EntityJson[]>();
  const sliceOf = (userId: string): EntityJson[] => {
    const known = slices.get(userId);
    if (known) return known;
    const seen = new Set<string>();
    const slice: EntityJson[] = [];
    const visit = (uid: EntityUidJson) => {
      const plain = '__entity' in uid ? uid.__entity : uid;
      const k = key(plain);
      if (seen.has(k)) return;
      seen.add(k);
      const e = entities.get(k);
      if (e === undefined) return;
      slice.push(e);
      for (const parent of e.parents) visit(parent);
    };
    visit({ type: 'User', id: userId });
    slices.set(userId, slice);
    return slice;
  };

  return {
    name: '@cedar-policy/cedar-wasm',
    decide(question: Question): boolean {
      const target = question.targetUserId;
      const actor = sliceOf(question.userId);
      const resource =
        target === undefined
          ? { type: 'Account', id: 'account' }
          : target === null
            ? { type: 'Item', id: 'unowned' }
            : { type: 'User', id: target };
      const slice =
        target === undefined || target === null || target === question.userId
          ? actor
          : actor.concat(sliceOf(target));
      const answer = statefulIsAuthorized({
        principal: { type: 'User', id: question.userId },
        action: { type: 'Action', id: question.permission },
        resource,
        context: {},
        preparsedPolicySetId: POLICY_SET_ID,
        entities: slice,
      });
      if (answer.type !== 'success') throw new Error(`Cedar: ${JSON.stringify(answer.errors)}`);
      return answer.response.decision === 'allow';
    },
  };
}

/** The entity an assigned access code is, or undefined for one no user can hold here. */
function codeEntity(code: string): { type: string; id: string } | undefined {
  if (code.startsWith('user:')) return undefined; // users hold those roles directly
  if (code.startsWith('departmentTree:'))
    return { type: 'Department', id: code.slice('departmentTree:'.length) };
  if (code.startsWith('department:'))
    return { type: 'DirectDepartment', id: code.slice('department:'.length) };
  return { type: 'Code', id: code };
}

function str(value: string): string {
  return JSON.stringify(value);
}
