import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPANY, assign, policyFor, role } from '../../test/fixtures.js';
import type { PermissionKey, PermissionLevels } from './catalogue.js';
import { decide } from './decide.js';
import {
  effectivePermissions,
  isAccountAdministrator,
  levelOf,
  mayAdministerPermissions,
} from './effective.js';
import { explain } from './explain.js';
import type { Question } from './question.js';
import { reachableUsers, scopeFilter } from './scope.js';
import { DEFAULT_ROLES } from './defaults.js';

const levelsOf = (policy: ReturnType<typeof policyFor>, userId: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(effectivePermissions(policy, userId)!).map(([k, v]) => [k, v.level]),
  );

describe('SPEC §2: the default roles give exactly these levels', () => {
  // Written out by hand from SPEC §2 rather than read from DEFAULT_ROLES, so a wrong default fails.
  const table: [roleId: string, levels: PermissionLevels][] = [
    [
      'administrator',
      {
        'callStats.view': 'any',
        'recording.listen': 'any',
        'recording.delete': 'none',
        'outboundCall.perform': 'any',
        'userSettings.modify': 'any',
        'telephonySettings.modify': 'any',
        'numbers.manage': 'any',
        'balance.manage': 'none',
      },
    ],
    [
      'chief-executive',
      {
        'callStats.view': 'any',
        'recording.listen': 'any',
        'recording.delete': 'none',
        'outboundCall.perform': 'any',
        'userSettings.modify': 'none',
        'telephonySettings.modify': 'none',
        'numbers.manage': 'none',
        'balance.manage': 'none',
      },
    ],
    [
      'head-of-department',
      {
        'callStats.view': 'department',
        'recording.listen': 'department',
        'recording.delete': 'none',
        'outboundCall.perform': 'any',
        'userSettings.modify': 'none',
        'telephonySettings.modify': 'none',
        'numbers.manage': 'none',
        'balance.manage': 'none',
      },
    ],
    [
      'manager',
      {
        'callStats.view': 'own',
        'recording.listen': 'own',
        'recording.delete': 'none',
        'outboundCall.perform': 'any',
        'userSettings.modify': 'none',
        'telephonySettings.modify': 'none',
        'numbers.manage': 'none',
        'balance.manage': 'none',
      },
    ],
  ];
  for (const [roleId, expected] of table) {
    test(`${roleId} alone`, () => {
      const policy = policyFor({ assignments: [assign(roleId, 'user:u9')] });
      assert.deepEqual(levelsOf(policy, 'u9'), expected);
    });
  }
  test('the default role names are the ones of the help pages', () => {
    assert.deepEqual(
      DEFAULT_ROLES.map((r) => [r.id, r.name]),
      [
        ['administrator', 'Administrator'],
        ['chief-executive', 'Chief executive'],
        ['head-of-department', 'Head of department'],
        ['manager', 'Manager'],
      ],
    );
  });
});

describe('SPEC §2: default assignments', () => {
  const policy = policyFor();
  const table: [
    who: string,
    userId: string,
    permission: PermissionKey,
    level: string,
    via: string[],
  ][] = [
    [
      'an employee in the structure is a Manager',
      'u4',
      'callStats.view',
      'own',
      ['manager@departmentTree:1'],
    ],
    [
      'a department head is still only a Manager',
      'u2',
      'recording.listen',
      'own',
      ['manager@departmentTree:1'],
    ],
    ['a user in no department gets no role', 'u9', 'callStats.view', 'none', []],
    ['a user in no department cannot call out', 'u9', 'outboundCall.perform', 'none', []],
    ['an inactive user holds nothing', 'u8', 'callStats.view', 'none', []],
    [
      'an administrator holds Administrator',
      'u0',
      'numbers.manage',
      'any',
      ['administrator@admins'],
    ],
  ];
  for (const [who, userId, permission, level, via] of table) {
    test(who, () => {
      const effective = effectivePermissions(policy, userId)![permission];
      assert.equal(effective.level, level);
      assert.deepEqual(
        effective.sources.map((s) => `${s.roleId}@${s.accessCode}`),
        via,
      );
    });
  }
});

describe('SPEC §4: several roles combine to the highest level, per permission', () => {
  const ownStats = role('own-stats', { 'callStats.view': 'own', 'recording.listen': 'none' });
  const deptRecordings = role('dept-recordings', {
    'callStats.view': 'none',
    'recording.listen': 'department',
  });
  const table: [
    name: string,
    assignments: ReturnType<typeof assign>[],
    permission: PermissionKey,
    level: string,
  ][] = [
    [
      'Head of department + Administrator → any (the help pages example)',
      [assign('head-of-department', 'user:u2'), assign('administrator', 'user:u2')],
      'callStats.view',
      'any',
    ],
    [
      'Manager + Head of department → department',
      [assign('manager', 'user:u2'), assign('head-of-department', 'user:u2')],
      'recording.listen',
      'department',
    ],
    [
      'own stats + department recordings → own stats',
      [assign('own-stats', 'user:u4'), assign('dept-recordings', 'user:u4')],
      'callStats.view',
      'own',
    ],
    [
      'own stats + department recordings → department recordings',
      [assign('own-stats', 'user:u4'), assign('dept-recordings', 'user:u4')],
      'recording.listen',
      'department',
    ],
    [
      'a role through a workgroup adds to one through a department',
      [assign('own-stats', 'departmentTree:1'), assign('dept-recordings', 'workgroup:w1:members')],
      'recording.listen',
      'department',
    ],
    [
      'a role that gives none takes nothing away',
      [assign('manager', 'user:u4'), assign('own-stats', 'user:u4')],
      'outboundCall.perform',
      'any',
    ],
  ];
  for (const [name, assignments, permission, level] of table) {
    test(name, () => {
      const policy = policyFor({
        roles: [...DEFAULT_ROLES, ownStats, deptRecordings],
        assignments,
      });
      const userId =
        assignments[0]!.accessCode === 'departmentTree:1'
          ? 'u4'
          : assignments[0]!.accessCode.slice(5);
      assert.equal(levelOf(policy, userId, permission), level);
    });
  }
});

describe('SPEC §4: account administrators always hold the highest level', () => {
  const policy = policyFor({ assignments: [] });
  const table: [permission: PermissionKey, level: string][] = [
    ['callStats.view', 'any'],
    ['recording.delete', 'any'],
    ['outboundCall.perform', 'any'],
    ['balance.manage', 'any'],
    ['telephonySettings.modify', 'any'],
  ];
  for (const [permission, level] of table) {
    test(`${permission} with no role at all → ${level}, and the explanation says why`, () => {
      const answer = explain(policy, { userId: 'u0', permission });
      assert.equal(answer.level, level);
      assert.equal(answer.allowed, true);
      assert.deepEqual(answer.reasons, [{ rule: 'accountAdministrator', level }]);
    });
  }
  test('the head of department who is also an administrator reaches every call', () => {
    const admin = policyFor({ assignments: [assign('head-of-department', 'user:u0')] });
    assert.equal(
      decide(admin, { userId: 'u0', permission: 'callStats.view', targetUserId: 'u6' }).allowed,
      true,
    );
  });
  test('an inactive administrator holds nothing', () => {
    const doc = {
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u0' ? { ...u, active: false } : u)),
    };
    const inactive = policyFor({ directory: doc });
    assert.deepEqual(decide(inactive, { userId: 'u0', permission: 'numbers.manage' }), {
      allowed: false,
      level: 'none',
    });
    assert.deepEqual(explain(inactive, { userId: 'u0', permission: 'numbers.manage' }).reasons, [
      { rule: 'inactiveUser' },
    ]);
  });
});

describe('SPEC §4 and §8: "account administrator" and "may administer permissions" are two things', () => {
  // u7 gets telephonySettings.modify = any through a role; u0 is the directory's administrator.
  const editor = role('editor', { 'telephonySettings.modify': 'any' });
  const policy = policyFor({
    roles: [...DEFAULT_ROLES, editor],
    assignments: [assign('administrator', 'admins'), assign('editor', 'user:u7')],
  });
  const inactive = policyFor({
    directory: {
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u0' ? { ...u, active: false } : u)),
    },
  });
  const table: [who: string, p: typeof policy, administrator: boolean, administers: boolean][] = [
    ['u0, the account administrator', policy, true, true],
    ['u7, given telephonySettings.modify = any by a role', policy, false, true],
    ['u4, a Manager', policy, false, false],
    ['u0 made inactive', inactive, false, false],
    ['an unknown user', policy, false, false],
  ];
  for (const [who, p, administrator, administers] of table) {
    test(`${who} → account administrator ${administrator}, may administer permissions ${administers}`, () => {
      const id = who.startsWith('an unknown') ? 'ghost' : who.split(/[ ,]/)[0]!;
      assert.equal(isAccountAdministrator(p, id), administrator);
      assert.equal(mayAdministerPermissions(p, id), administers);
    });
  }
});

describe('SPEC §4: scopes decide which owners are reached', () => {
  const roles = [...DEFAULT_ROLES, role('all-calls', { 'callStats.view': 'any' })];
  const policy = policyFor({
    roles,
    assignments: [
      assign('manager', 'departmentTree:1'),
      assign('head-of-department', 'user:u2'),
      assign('head-of-department', 'user:u3'),
      assign('all-calls', 'user:u1'),
    ],
  });
  const table: [actor: string, owner: string | null, allowed: boolean, why: string][] = [
    ['u4', 'u4', true, 'own reaches the actor'],
    ['u4', 'u10', false, 'own does not reach a colleague'],
    ['u2', 'u2', true, 'department reaches the actor'],
    ['u2', 'u7', true, 'department reaches a member of the same department'],
    ['u2', 'u3', true, 'department reaches the head of a sub-department'],
    ['u2', 'u4', true, 'department reaches a sub-department, recursively'],
    ['u2', 'u8', true, 'department reaches inactive members: their calls stay visible'],
    ['u2', 'u1', false, 'parent departments do not count'],
    ['u2', 'u6', false, 'a sibling department is not reached'],
    ['u3', 'u4', true, 'a sub-department head reaches their members'],
    ['u3', 'u2', false, "a sub-department head does not reach their parent's head"],
    ['u2', null, false, 'a call no employee took is reached only at any'],
    ['u1', null, true, 'any reaches a call no employee took'],
    ['u1', 'u9', true, 'any reaches users outside the structure'],
    ['u2', 'nobody', false, 'an owner unknown to the directory is reached only at any'],
    ['u9', 'u9', false, 'none reaches nobody, not even the actor'],
  ];
  for (const [actor, owner, allowed, why] of table) {
    test(`${actor} → ${owner}: ${why}`, () => {
      const question: Question = {
        userId: actor,
        permission: 'callStats.view',
        targetUserId: owner,
      };
      assert.equal(decide(policy, question).allowed, allowed);
      assert.equal(explain(policy, question).allowed, allowed);
    });
  }
  test('a head who is not a member still counts as in the department, both ways', () => {
    const doc = {
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u5' ? { ...u, departmentIds: [] } : u)),
    };
    const heads = policyFor({
      directory: doc,
      assignments: [assign('head-of-department', 'departmentTree:1')],
    });
    assert.equal(
      decide(heads, { userId: 'u5', permission: 'callStats.view', targetUserId: 'u6' }).allowed,
      true,
    );
    assert.equal(
      decide(heads, { userId: 'u6', permission: 'callStats.view', targetUserId: 'u5' }).allowed,
      true,
    );
  });
  test('reachable users of a department head, as a set', () => {
    assert.deepEqual([...(reachableUsers(policy, 'u2', 'callStats.view') as Set<string>)].sort(), [
      'u10',
      'u2',
      'u3',
      'u4',
      'u7',
      'u8',
    ]);
    assert.equal(reachableUsers(policy, 'u1', 'callStats.view'), 'all');
    assert.deepEqual([...(reachableUsers(policy, 'u9', 'callStats.view') as Set<string>)], []);
  });
  test('the query filter of each level', () => {
    assert.deepEqual(scopeFilter(policy, 'u4', 'callStats.view'), { kind: 'own', userId: 'u4' });
    assert.deepEqual(scopeFilter(policy, 'u2', 'callStats.view'), {
      kind: 'department',
      userId: 'u2',
      departmentIds: ['2'],
    });
    assert.deepEqual(scopeFilter(policy, 'u1', 'callStats.view'), { kind: 'any' });
    assert.deepEqual(scopeFilter(policy, 'u9', 'callStats.view'), { kind: 'none' });
    assert.deepEqual(scopeFilter(policy, 'ghost', 'callStats.view'), { kind: 'none' });
  });
  test('a target on a permission without scopes is a question error', () => {
    assert.throws(
      () => decide(policy, { userId: 'u1', permission: 'numbers.manage', targetUserId: 'u2' }),
      /no scope/,
    );
  });
});

describe('help pages: a Manager role with "personal and department" recordings', () => {
  const manager = DEFAULT_ROLES.find((r) => r.id === 'manager')!;
  const edited = {
    ...manager,
    permissions: { ...manager.permissions, 'recording.listen': 'department' as const },
  };
  const policy = policyFor({ roles: [DEFAULT_ROLES[0]!, edited] });
  const table: [actor: string, owner: string, allowed: boolean][] = [
    ['u4', 'u4', true],
    ['u4', 'u10', true],
    ['u4', 'u3', true],
    ['u4', 'u2', false],
    ['u6', 'u11', true],
    ['u6', 'u4', false],
  ];
  for (const [actor, owner, allowed] of table) {
    test(`manager ${actor} ${allowed ? 'hears' : 'does not hear'} ${owner}'s recordings`, () => {
      assert.equal(
        decide(policy, { userId: actor, permission: 'recording.listen', targetUserId: owner })
          .allowed,
        allowed,
      );
    });
  }
  test('call statistics stay personal', () => {
    assert.equal(
      decide(policy, { userId: 'u4', permission: 'callStats.view', targetUserId: 'u10' }).allowed,
      false,
    );
  });
});

describe('SPEC §7: the "Recorded calls" folder access list', () => {
  const roles = [...DEFAULT_ROLES, role('all-recordings', { 'recording.listen': 'any' })];
  const assignments = [assign('all-recordings', 'everyone'), assign('administrator', 'admins')];
  const table: [
    name: string,
    folder: { accessCode: string; access: 'read' | 'none' }[],
    userId: string,
    allowed: boolean,
  ][] = [
    [
      'everyone: read lets a listener listen',
      [{ accessCode: 'everyone', access: 'read' }],
      'u11',
      true,
    ],
    [
      'an explicit none wins over everyone: read',
      [
        { accessCode: 'everyone', access: 'read' },
        { accessCode: 'user:u11', access: 'none' },
      ],
      'u11',
      false,
    ],
    [
      'a none on a department keeps its members out whatever their roles say',
      [
        { accessCode: 'everyone', access: 'read' },
        { accessCode: 'department:4', access: 'none' },
      ],
      'u6',
      false,
    ],
    [
      'others keep reading',
      [
        { accessCode: 'everyone', access: 'read' },
        { accessCode: 'department:4', access: 'none' },
      ],
      'u4',
      true,
    ],
    ['an empty list lets nobody read', [], 'u4', false],
    ['administrators always may', [{ accessCode: 'everyone', access: 'none' }], 'u0', true],
  ];
  for (const [name, folder, userId, allowed] of table) {
    test(name, () => {
      const policy = policyFor({ roles, assignments, recordingsFolder: folder });
      const question: Question = { userId, permission: 'recording.listen', targetUserId: 'u4' };
      assert.equal(decide(policy, question).allowed, allowed);
      const explained = explain(policy, question);
      assert.equal(explained.allowed, allowed);
      assert.equal(
        explained.reasons.some((r) => 'rule' in r && r.rule === 'recordingsFolder'),
        !allowed,
      );
    });
  }
  test('the folder does not touch deleting or statistics', () => {
    const policy = policyFor({
      roles: [...roles, role('deleter', { 'recording.delete': 'any', 'callStats.view': 'any' })],
      assignments: [assign('deleter', 'user:u11')],
      recordingsFolder: [{ accessCode: 'user:u11', access: 'none' }],
    });
    assert.equal(
      decide(policy, { userId: 'u11', permission: 'recording.delete', targetUserId: 'u4' }).allowed,
      true,
    );
    assert.equal(
      decide(policy, { userId: 'u11', permission: 'callStats.view', targetUserId: 'u4' }).allowed,
      true,
    );
    assert.deepEqual(scopeFilter(policy, 'u11', 'recording.listen'), { kind: 'none' });
  });
});

describe('SPEC §5: outbound calls, by destination', () => {
  const roles = [
    ...DEFAULT_ROLES,
    role('crm-only', { 'outboundCall.perform': 'crmClients' }),
    role('crm-and-staff', { 'outboundCall.perform': 'crmClientsAndEmployees' }),
    role('no-calls', { 'outboundCall.perform': 'none' }),
  ];
  const policy = policyFor({
    roles,
    assignments: [
      assign('administrator', 'admins'),
      assign('crm-only', 'user:u4'),
      assign('crm-and-staff', 'user:u10'),
      assign('no-calls', 'user:u3'),
      assign('manager', 'user:u2'),
    ],
  });
  const table: [caller: string, dialled: string, classification: string, allowed: boolean][] = [
    ['u4', '+14155550101', 'crmClient', true], // "CRM clients only": their own contact
    ['u4', '4155550102', 'crmClient', true], // national format, another's company: scope any by default
    ['u4', '+14155550006', 'employee', false],
    ['u4', '+14155550199', 'other', false],
    ['u10', '+14155550101', 'crmClient', true], // "CRM clients and employees"
    ['u10', '(415) 555-0006', 'employee', true],
    ['u10', '+14155550199', 'other', false],
    ['u2', '+14155550199', 'other', true], // any
    ['u2', '+19005550000', 'blocked', false], // blocked for everyone
    ['u0', '+1 900 555 0000', 'blocked', false], // even administrators
    ['u3', '106', 'internal', true], // none: only internal calls
    ['u3', '+14155550101', 'crmClient', false],
    ['u9', '104', 'internal', true], // no role at all: internal still allowed
    ['u8', '104', 'internal', false], // inactive users can do nothing
    ['u2', 'not a number', 'invalid', false],
    ['u2', '999', 'invalid', false], // not an extension of this account and not a number
  ];
  for (const [caller, dialled, classification, allowed] of table) {
    test(`${caller} dials ${dialled}: ${classification}, ${allowed ? 'allowed' : 'refused'}`, () => {
      const question: Question = {
        userId: caller,
        permission: 'outboundCall.perform',
        phoneNumber: dialled,
      };
      assert.equal(decide(policy, question).allowed, allowed);
      const explained = explain(policy, question);
      assert.equal(explained.allowed, allowed);
      assert.equal(explained.classification, classification);
      assert.ok(explained.detail.length > 0);
    });
  }
  test('a phone number asked of another permission is a question error', () => {
    assert.throws(
      () => decide(policy, { userId: 'u2', permission: 'callStats.view', phoneNumber: '101' }),
      /outboundCall/,
    );
  });
});

describe("SPEC §6: which CRM clients count, by the caller's CRM read scope", () => {
  const roles = [...DEFAULT_ROLES, role('crm-only', { 'outboundCall.perform': 'crmClients' })];
  const table: [
    name: string,
    scopes: {
      accessCode: string;
      type: 'contact' | 'company' | 'lead';
      level: 'none' | 'own' | 'department' | 'any';
    }[],
    caller: string,
    dialled: string,
    allowed: boolean,
  ][] = [
    ['with no entry the scope is any', [], 'u7', '+14155550101', true],
    [
      'own: a contact another user is responsible for is not a CRM client',
      [{ accessCode: 'user:u7', type: 'contact', level: 'own' }],
      'u7',
      '+14155550101',
      false,
    ],
    [
      'own: a contact they are responsible for is',
      [{ accessCode: 'user:u4', type: 'contact', level: 'own' }],
      'u4',
      '+14155550101',
      true,
    ],
    [
      'department: a contact of someone in a sub-department is',
      [{ accessCode: 'everyone', type: 'contact', level: 'department' }],
      'u3',
      '+14155550101',
      true,
    ],
    [
      'department: not one of a sibling department',
      [{ accessCode: 'everyone', type: 'company', level: 'department' }],
      'u3',
      '+14155550102',
      false,
    ],
    [
      'the scope is per client type',
      [{ accessCode: 'everyone', type: 'contact', level: 'none' }],
      'u3',
      '+14155550102',
      true,
    ],
    [
      'the highest entry naming the user wins',
      [
        { accessCode: 'everyone', type: 'contact', level: 'none' },
        { accessCode: 'departmentTree:2', type: 'contact', level: 'any' },
      ],
      'u3',
      '+14155550101',
      true,
    ],
    [
      'a lead no one is responsible for needs any',
      [{ accessCode: 'everyone', type: 'lead', level: 'department' }],
      'u3',
      '+14155550103',
      false,
    ],
  ];
  for (const [name, crmReadScopes, caller, dialled, allowed] of table) {
    test(name, () => {
      const policy = policyFor({
        directory: { ...COMPANY, crmReadScopes },
        roles,
        assignments: [assign('crm-only', 'everyone')],
      });
      assert.equal(
        decide(policy, { userId: caller, permission: 'outboundCall.perform', phoneNumber: dialled })
          .allowed,
        allowed,
      );
    });
  }
});

describe('SPEC §3: every kind of access code reaches its users', () => {
  const roles = [...DEFAULT_ROLES, role('x', { 'numbers.manage': 'any' })];
  const onPremise = {
    ...COMPANY,
    userGroups: [{ id: 'g1', name: 'Night shift', memberIds: ['u7'] }],
  };
  const table: [code: string, holders: string[]][] = [
    ['user:u4', ['u4']],
    ['department:2', ['u2', 'u7']], // direct members and its head; inactive u8 holds nothing
    ['departmentTree:2', ['u10', 'u2', 'u3', 'u4', 'u7']],
    ['group:g1', ['u7']],
    ['workgroup:w1:owner', ['u6']],
    ['workgroup:w1:moderators', ['u6', 'u7']],
    ['workgroup:w1:members', ['u4', 'u6', 'u7']],
    ['admins', ['u0']],
    ['everyone', ['u0', 'u1', 'u10', 'u11', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u9']],
  ];
  for (const [code, holders] of table) {
    test(code, () => {
      const policy = policyFor({
        directory: onPremise,
        edition: 'on-premise',
        roles,
        assignments: [assign('x', code)],
      });
      const holdersOfX = [...policy.users.keys()].filter((id) =>
        effectivePermissions(policy, id)!['numbers.manage'].sources.some((s) => s.roleId === 'x'),
      );
      assert.deepEqual(holdersOfX.sort(), holders.sort());
    });
  }
});

describe('SPEC §9: plans', () => {
  const custom = [
    role('administrator', { 'balance.manage': 'any' }, 'Administrator'),
    role('generous', { 'callStats.view': 'any' }),
  ];
  const assignments = [assign('generous', 'everyone')];
  test('on free, the default roles and assignments apply whatever is stored, and say so', () => {
    const policy = policyFor({ plan: 'free', roles: custom, assignments });
    assert.equal(levelOf(policy, 'u4', 'callStats.view'), 'own');
    const answer = explain(policy, { userId: 'u4', permission: 'callStats.view' });
    assert.deepEqual(answer.reasons, [
      { roleId: 'manager', roleName: 'Manager', accessCode: 'departmentTree:1', level: 'own' },
      { rule: 'freePlanDefaults' },
    ]);
  });
  test('on a paid plan, the stored roles apply', () => {
    assert.equal(
      levelOf(policyFor({ plan: 'basic', roles: custom, assignments }), 'u4', 'callStats.view'),
      'any',
    );
  });
  test('on-premise, even free, the stored roles apply', () => {
    assert.equal(
      levelOf(
        policyFor({ plan: 'free', edition: 'on-premise', roles: custom, assignments }),
        'u4',
        'callStats.view',
      ),
      'any',
    );
  });
  test('group codes are not held on the cloud edition, even if stored', () => {
    // A cloud directory has no groups, but a group code left in the assignments must not match.
    const policy = policyFor({ roles: custom, assignments: [assign('generous', 'group:g1')] });
    assert.equal(levelOf(policy, 'u7', 'callStats.view'), 'none');
  });
});

describe('assignments with an expiry', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  test('an expired assignment no longer applies', () => {
    const policy = policyFor({
      now,
      assignments: [assign('administrator', 'user:u4', '2026-11-22T11:59:59Z')],
    });
    assert.equal(levelOf(policy, 'u4', 'numbers.manage'), 'none');
    assert.equal(policy.validUntil, Number.POSITIVE_INFINITY);
  });
  test('a future expiry applies until then, and the policy knows when to recompile', () => {
    const policy = policyFor({
      now,
      assignments: [assign('administrator', 'user:u4', '2026-11-23T00:00:00Z')],
    });
    assert.equal(levelOf(policy, 'u4', 'numbers.manage'), 'any');
    assert.equal(policy.validUntil, Date.parse('2026-11-23T00:00:00Z'));
  });
});

describe('explanations', () => {
  const policy = policyFor({
    assignments: [
      assign('manager', 'departmentTree:1'),
      assign('head-of-department', 'user:u2'),
      assign('head-of-department', 'department:2'),
    ],
  });
  test('name every role and code that gave the winning level, and only those', () => {
    const answer = explain(policy, {
      userId: 'u2',
      permission: 'callStats.view',
      targetUserId: 'u4',
    });
    assert.deepEqual(answer, {
      allowed: true,
      level: 'department',
      reasons: [
        {
          roleId: 'head-of-department',
          roleName: 'Head of department',
          accessCode: 'user:u2',
          level: 'department',
        },
        {
          roleId: 'head-of-department',
          roleName: 'Head of department',
          accessCode: 'department:2',
          level: 'department',
        },
      ],
      detail: 'u4 is within scope department of u2',
    });
  });
  test('say why a target is out of scope', () => {
    const answer = explain(policy, {
      userId: 'u4',
      permission: 'recording.listen',
      targetUserId: 'u9',
    });
    assert.equal(answer.allowed, false);
    assert.equal(answer.detail, 'u9 is outside scope own of u4');
  });
  test('an unknown user is denied, and the explanation says so', () => {
    assert.deepEqual(explain(policy, { userId: 'ghost', permission: 'callStats.view' }), {
      allowed: false,
      level: 'none',
      reasons: [{ rule: 'unknownUser' }],
      detail: 'no user "ghost" in this account',
    });
  });
  test('agree with decide on every user and permission', () => {
    for (const userId of policy.users.keys()) {
      for (const permission of ['callStats.view', 'numbers.manage', 'balance.manage'] as const) {
        const { allowed, level } = explain(policy, { userId, permission });
        assert.deepEqual({ allowed, level }, decide(policy, { userId, permission }));
      }
    }
  });
});
