import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { COMPANY, directoryOf, policyFor } from '../../test/fixtures.js';
import { describeDirectoryForPolicy } from '../directory/access-codes.js';
import type { DirectoryDocument } from '../directory/schema.js';
import {
  CATALOGUE,
  PERMISSION_INDEX,
  PERMISSION_KEYS,
  type PermissionKey,
  SCOPE_RANK,
  isScopedPermission,
  levelAt,
} from './catalogue.js';
import { decide, decideByIndex } from './decide.js';
import { explain } from './explain.js';
import { classifyDestination } from './outbound-decision.js';
import type { Decision, Explanation, Question, Reason } from './question.js';
import { type CompiledUser, type FolderAccessEntry, type Policy, compilePolicy } from './policy.js';
import type { Role } from './roles.js';
import { ValidationError } from './validation-error.js';

/**
 * decide, decideByIndex and explain read the flat decision table (policy.ts). Before the
 * table they read the per-user objects of `policy.users`; that implementation is kept here,
 * verbatim in behaviour, as the reference the table must match on random companies: same
 * decisions, same explanations (reasons, details), same errors.
 */

// ---- the reference: the per-user-object implementation the table replaced ----

function referenceDecide(policy: Policy, question: Question): Decision {
  const actor = policy.users.get(question.userId);
  if (actor === undefined) return { allowed: false, level: 'none' };
  const p = PERMISSION_INDEX[question.permission];
  const rank = actor.ranks[p]!;
  const level = levelAt(question.permission, rank);
  if (question.phoneNumber !== undefined) {
    if (question.permission !== 'outboundCall.perform') throw new ValidationError([]);
    const destination = classifyDestination(policy, actor.subject.id, question.phoneNumber);
    const allows = [
      [],
      ['crmClient'],
      ['crmClient', 'employee'],
      ['crmClient', 'employee', 'other'],
    ][rank]!;
    const allowed =
      actor.subject.active && (destination === 'internal' || allows.includes(destination));
    return { allowed, level };
  }
  let allowed: boolean;
  if (question.targetUserId === undefined) allowed = rank > 0;
  else {
    if (!isScopedPermission(question.permission)) throw new ValidationError([]);
    allowed = referenceReaches(policy, actor, rank, question.targetUserId);
  }
  if (question.permission === 'recording.listen' && !actor.canReadRecordingsFolder) allowed = false;
  return { allowed, level };
}

function referenceReaches(
  policy: Policy,
  actor: CompiledUser,
  rank: number,
  targetUserId: string | null,
): boolean {
  if (rank === SCOPE_RANK.any) return true;
  if (rank === SCOPE_RANK.none || targetUserId === null) return false;
  if (targetUserId === actor.subject.id) return true;
  if (rank !== SCOPE_RANK.department) return false;
  const target = policy.users.get(targetUserId);
  if (target === undefined) return false;
  for (const slot of target.slots) {
    for (let r = 0; r < actor.ranges.length; r += 2) {
      if (slot >= actor.ranges[r]! && slot <= actor.ranges[r + 1]!) return true;
    }
  }
  return false;
}

function referenceReasons(
  policy: Policy,
  actor: CompiledUser,
  permission: PermissionKey,
): Reason[] {
  if (!actor.subject.active) return [{ rule: 'inactiveUser' }];
  const p = PERMISSION_INDEX[permission];
  const rank = actor.ranks[p]!;
  const reasons: Reason[] = [];
  if (rank > 0) {
    for (const grant of actor.grants) {
      if (grant.role.ranks[p] !== rank) continue;
      reasons.push({
        roleId: grant.role.id,
        roleName: grant.role.name,
        accessCode: grant.accessCode,
        level: levelAt(permission, rank),
      });
    }
  }
  if (actor.isAdministrator)
    reasons.push({ rule: 'accountAdministrator', level: levelAt(permission, rank) });
  if (policy.usesPlanDefaults) reasons.push({ rule: 'freePlanDefaults' });
  return reasons;
}

function referenceExplain(policy: Policy, question: Question): Explanation {
  const actor = policy.users.get(question.userId);
  if (actor === undefined) {
    return {
      allowed: false,
      level: 'none',
      reasons: [{ rule: 'unknownUser' }],
      detail: `no user "${question.userId}" in this account`,
    };
  }
  const { allowed, level } = referenceDecide(policy, question);
  const reasons = referenceReasons(policy, actor, question.permission);
  const who = actor.subject.id;
  let detail: string;
  if (!actor.subject.active) {
    detail = `${who} is inactive and holds no access codes`;
  } else if (question.targetUserId === undefined) {
    detail = `${who} holds ${question.permission} at level ${level}`;
  } else {
    const owner =
      question.targetUserId === null ? 'an item no employee owns' : question.targetUserId;
    const rank = actor.ranks[PERMISSION_INDEX[question.permission]]!;
    const inScope = referenceReaches(policy, actor, rank, question.targetUserId);
    detail = `${owner} is ${inScope ? 'within' : 'outside'} scope ${level} of ${who}`;
  }
  if (
    question.permission === 'recording.listen' &&
    !actor.isAdministrator &&
    actor.subject.active &&
    !actor.canReadRecordingsFolder
  ) {
    reasons.push({ rule: 'recordingsFolder' });
    detail += '; the "Recorded calls" folder access list refuses them';
  }
  return { allowed, level, reasons, detail };
}

// ---- random companies, roles, assignments and folder lists ----

const arbitraryPolicy = fc
  .record({
    departments: fc.integer({ min: 1, max: 10 }),
    users: fc.integer({ min: 1, max: 12 }),
  })
  .chain(({ departments, users }) =>
    fc.record({
      parents: fc.array(fc.nat(), { minLength: departments, maxLength: departments }),
      heads: fc.array(fc.option(fc.nat(users - 1)), {
        minLength: departments,
        maxLength: departments,
      }),
      memberships: fc.array(fc.uniqueArray(fc.nat(departments - 1), { maxLength: 3 }), {
        minLength: users,
        maxLength: users,
      }),
      flags: fc.array(fc.record({ active: fc.nat(5), admin: fc.nat(7) }), {
        minLength: users,
        maxLength: users,
      }),
      workgroup: fc.record({
        owner: fc.nat(users - 1),
        members: fc.uniqueArray(fc.nat(users - 1), { maxLength: 4 }),
      }),
      roles: fc.array(
        fc.record(
          Object.fromEntries(
            PERMISSION_KEYS.map((key) => [key, fc.constantFrom(...CATALOGUE[key])]),
          ) as { [K in PermissionKey]: fc.Arbitrary<(typeof CATALOGUE)[K][number]> },
        ),
        { minLength: 1, maxLength: 3 },
      ),
      picks: fc.array(fc.record({ role: fc.nat(), code: fc.nat() }), { maxLength: 8 }),
      folder: fc.constantFrom<readonly FolderAccessEntry[]>(
        [{ accessCode: 'everyone', access: 'read' }],
        [],
        [
          { accessCode: 'everyone', access: 'read' },
          { accessCode: 'workgroup:w0:members', access: 'none' },
        ],
      ),
      plan: fc.constantFrom<'free' | 'basic'>('free', 'basic'),
    }),
  )
  .map(({ parents, heads, memberships, flags, workgroup, roles, picks, folder, plan }) => {
    const document: DirectoryDocument = {
      departments: heads.map((head, i) => ({
        id: `d${i}`,
        name: `Department ${i}`,
        parentId: i === 0 ? null : `d${parents[i]! % i}`,
        headUserId: head === null ? null : `u${head}`,
      })),
      users: memberships.map((departments, i) => ({
        id: `u${i}`,
        name: `User ${i}`,
        active: flags[i]!.active > 0,
        admin: flags[i]!.admin === 0,
        departmentIds: departments.map((d) => `d${d}`),
      })),
      workgroups: [
        {
          id: 'w0',
          name: 'Workgroup',
          ownerId: `u${workgroup.owner}`,
          memberIds: workgroup.members.map((m) => `u${m}`),
        },
      ],
    };
    const codes = [
      'admins',
      'everyone',
      'workgroup:w0:owner',
      'workgroup:w0:members',
      ...document.users.map((u) => `user:${u.id}`),
      ...document.departments.flatMap((d) => [`department:${d.id}`, `departmentTree:${d.id}`]),
    ];
    const roleList: Role[] = roles.map((permissions, i) => ({
      id: `r${i}`,
      name: `Role ${i}`,
      permissions,
    }));
    const pairs = new Set<string>();
    const assignments = picks.flatMap(({ role, code }) => {
      const roleId = `r${role % roleList.length}`;
      const accessCode = codes[code % codes.length]!;
      if (pairs.has(`${roleId} ${accessCode}`)) return [];
      pairs.add(`${roleId} ${accessCode}`);
      return [{ roleId, accessCode, expiresAt: null }];
    });
    return {
      users: document.users.map((u) => u.id),
      policy: policyFor({
        directory: document,
        roles: roleList,
        assignments,
        recordingsFolder: folder,
        plan,
      }),
    };
  });

function outcome<T>(run: () => T): T | { error: string } {
  try {
    return run();
  } catch (error) {
    return { error: error instanceof ValidationError ? 'ValidationError' : String(error) };
  }
}

test('decide and explain on the table answer as the per-user objects did', () => {
  fc.assert(
    fc.property(arbitraryPolicy, ({ users, policy }) => {
      const targets: (string | null | undefined)[] = [...users, null, undefined, 'nobody'];
      for (const userId of [...users, 'nobody']) {
        for (const permission of PERMISSION_KEYS) {
          for (const targetUserId of targets) {
            const question: Question =
              targetUserId === undefined
                ? { userId, permission }
                : { userId, permission, targetUserId };
            assert.deepEqual(
              outcome(() => decide(policy, question)),
              outcome(() => referenceDecide(policy, question)),
              JSON.stringify(question),
            );
            assert.deepEqual(
              outcome(() => explain(policy, question)),
              outcome(() => referenceExplain(policy, question)),
              JSON.stringify(question),
            );
          }
        }
      }
    }),
    { numRuns: 200 },
  );
});

test('decideByIndex answers as decide, row for id', () => {
  fc.assert(
    fc.property(arbitraryPolicy, ({ users, policy }) => {
      const rowOf = (id: string) => policy.table.index.get(id)!;
      const targets: (string | null | undefined)[] = [...users, null, undefined];
      for (const userId of users) {
        for (const permission of PERMISSION_KEYS) {
          for (const targetUserId of targets) {
            const question: Question =
              targetUserId === undefined
                ? { userId, permission }
                : { userId, permission, targetUserId };
            const target =
              targetUserId === undefined || targetUserId === null
                ? targetUserId
                : rowOf(targetUserId);
            assert.deepEqual(
              outcome(() =>
                decideByIndex(policy, rowOf(userId), PERMISSION_INDEX[permission], target),
              ),
              outcome(() => decide(policy, question)),
              JSON.stringify(question),
            );
          }
          // A row outside the table is an unknown user on either side of the question.
          if (isScopedPermission(permission)) {
            assert.deepEqual(
              decideByIndex(policy, rowOf(userId), PERMISSION_INDEX[permission], 999),
              decide(policy, { userId, permission, targetUserId: 'nobody' }),
            );
          }
        }
      }
    }),
    { numRuns: 200 },
  );
});

test('decideByIndex: an unknown user row is denied, an unknown permission index refused', () => {
  const policy = policyFor();
  assert.deepEqual(decideByIndex(policy, -1, 0), { allowed: false, level: 'none' });
  assert.deepEqual(decideByIndex(policy, policy.table.userIds.length, 0), {
    allowed: false,
    level: 'none',
  });
  assert.deepEqual(decideByIndex(policy, 0.5, 0), { allowed: false, level: 'none' });
  assert.throws(() => decideByIndex(policy, 0, PERMISSION_KEYS.length), RangeError);
  assert.throws(
    () => decideByIndex(policy, 0, PERMISSION_INDEX['numbers.manage'], 1),
    ValidationError,
  );
});

test('the table holds one row per user, in the order of the policy source', () => {
  const policy = policyFor();
  policy.table.userIds.forEach((id, row) => {
    assert.equal(policy.table.index.get(id), row);
    // Made on first use, then the same object every time.
    assert.equal(policy.users.get(id), policy.users.get(id));
    assert.deepEqual(
      [
        ...policy.table.ranks.subarray(
          row * PERMISSION_KEYS.length,
          (row + 1) * PERMISSION_KEYS.length,
        ),
      ],
      [...policy.users.get(id)!.ranks],
    );
  });
});

test('policy.users is a map of every user, in directory order, made from the table', () => {
  const policy = policyFor();
  const ids = COMPANY.users.map((u) => u.id);
  assert.deepEqual([...policy.users.keys()], ids);
  assert.equal(policy.users.size, ids.length);
  assert.deepEqual(
    [...policy.users].map(([id, user]) => [id, user.subject.id]),
    ids.map((id) => [id, id]),
  );
  const seen: string[] = [];
  policy.users.forEach((user, id, map) => {
    assert.equal(map.get(id), user);
    seen.push(id);
  });
  assert.deepEqual(seen, ids);
  assert.ok(policy.users.has('u4') && !policy.users.has('nobody'));
  assert.equal(policy.users.get('nobody'), undefined);
  const u4 = policy.users.get('u4')!;
  assert.deepEqual([...u4.ranks], [1, 1, 0, 3, 0, 0, 0, 0]);
  assert.deepEqual(
    u4.grants.map((g) => [g.role.id, g.accessCode]),
    [['manager', 'departmentTree:1']],
  );
  assert.equal(u4.isAdministrator, false);
  assert.equal(policy.users.get('u0')!.isAdministrator, true);
});

test('an id listed twice answers with its last entry and keeps its first place', () => {
  const described = describeDirectoryForPolicy(directoryOf(COMPANY), 'cloud');
  const [first, second, ...rest] = described.subjects;
  const twice = { ...first!, admin: !first!.admin };
  const policy = compilePolicy({
    account: { plan: 'basic', edition: 'cloud', defaultCountry: 'US' },
    ...described,
    subjects: [first!, second!, twice, ...rest],
    roles: [],
    assignments: [],
    recordingsFolder: [],
    now: 0,
  });
  const reference = new Map(
    [first!, second!, twice, ...rest].map((subject) => [subject.id, subject]),
  );
  assert.deepEqual([...policy.users.keys()], [...reference.keys()]);
  assert.equal(policy.users.size, reference.size);
  assert.equal(policy.users.get(first!.id)!.subject, twice);
  assert.equal(policy.users.get(first!.id)!.isAdministrator, twice.admin && twice.active);
});
