import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPANY, directoryOf } from '../../test/fixtures.js';
import { ValidationError } from '../engine/validation-error.js';
import { resolveAccessCodes } from './access-codes.js';
import { buildDepartmentTree, departmentClosure } from './department-tree.js';
import { parseDirectory } from './directory.js';
import type { DirectoryDocument } from './schema.js';

const issuesOf = (document: unknown, edition: 'cloud' | 'on-premise' = 'cloud'): string[] => {
  try {
    parseDirectory(document, { edition, defaultCountry: 'US' });
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a refusal');
};

describe('a directory is refused with every failing item named', () => {
  const withUsers = (users: DirectoryDocument['users']): DirectoryDocument => ({
    ...COMPANY,
    users: [...COMPANY.users, ...users],
  });
  const table: [name: string, document: unknown, issue: string][] = [
    [
      'a wrong type',
      { ...COMPANY, users: [{ ...COMPANY.users[0], admin: 'yes' }] },
      'users[0] (id "u0").admin: Expected boolean',
    ],
    [
      'a bad id',
      withUsers([{ id: 'u 1', name: 'Space' }]),
      'users[12] (id "u 1").id: Expected string to match \'^[A-Za-z0-9_.-]{1,64}$\'',
    ],
    [
      'a duplicate user id',
      withUsers([{ id: 'u4', name: 'Twin' }]),
      'users[12] (id "u4"): duplicate id',
    ],
    [
      'a user in a department that does not exist',
      withUsers([{ id: 'u99', name: 'Lost', departmentIds: ['9'] }]),
      'users[12] (id "u99").departmentIds[0]: no department "9"',
    ],
    [
      'two roots',
      {
        ...COMPANY,
        departments: [...COMPANY.departments, { id: '9', name: 'Other company', parentId: null }],
      },
      'departments: the department tree must have exactly one root; found "1", "9"',
    ],
    [
      'a parent that does not exist',
      {
        ...COMPANY,
        departments: [...COMPANY.departments, { id: '9', name: 'Orphan', parentId: '77' }],
      },
      'departments[4] (id "9").parentId: no department "77"',
    ],
    [
      'a head who does not exist',
      {
        ...COMPANY,
        departments: [
          ...COMPANY.departments,
          { id: '9', name: 'Headless', parentId: '1', headUserId: 'ghost' },
        ],
      },
      'departments[4] (id "9").headUserId: no user "ghost"',
    ],
    [
      'a cycle',
      {
        ...COMPANY,
        departments: [
          ...COMPANY.departments,
          { id: '8', name: 'A', parentId: '9' },
          { id: '9', name: 'B', parentId: '8' },
        ],
      },
      'departments: cycle in the department tree: 8 → 9 → 8',
    ],
    [
      'a department that is its own parent',
      {
        ...COMPANY,
        departments: [...COMPANY.departments, { id: '8', name: 'Self', parentId: '8' }],
      },
      'departments: cycle in the department tree: 8 → 8',
    ],
    [
      'an extension taken twice',
      withUsers([{ id: 'u99', name: 'Echo', phones: { extension: '104' } }]),
      'users[12] (id "u99").phones.extension: extension 104 is also user "u4"\'s',
    ],
    [
      'a phone that is not one',
      withUsers([{ id: 'u99', name: 'Typo', phones: { work: '12' } }]),
      'users[12] (id "u99").phones.work: "12" is not a phone number',
    ],
    [
      'a workgroup member who does not exist',
      { ...COMPANY, workgroups: [{ id: 'w9', name: 'W', ownerId: 'u1', memberIds: ['ghost'] }] },
      'workgroups[0] (id "w9").memberIds[0]: no user "ghost"',
    ],
    [
      'a CRM client with a missing responsible user',
      {
        ...COMPANY,
        crmClients: [{ id: 'c9', type: 'lead', phones: [], responsibleUserId: 'ghost' }],
      },
      'crmClients[0] (id "c9").responsibleUserId: no user "ghost"',
    ],
    [
      'a CRM read scope through an unknown code',
      { ...COMPANY, crmReadScopes: [{ accessCode: 'D1', type: 'lead', level: 'own' }] },
      'crmReadScopes[0].accessCode: "D1" is not an access code',
    ],
    [
      'a CRM read scope naming a missing department',
      {
        ...COMPANY,
        crmReadScopes: [{ accessCode: 'departmentTree:9', type: 'lead', level: 'own' }],
      },
      'crmReadScopes[0].accessCode: departmentTree:9 names no department "9"',
    ],
    [
      'user groups on the cloud edition',
      { ...COMPANY, userGroups: [{ id: 'g1', name: 'Night', memberIds: [] }] },
      'userGroups: user groups are available on the on-premise edition only',
    ],
    [
      'an unknown field',
      { ...COMPANY, users: [{ id: 'u1', name: 'A', department: '1' }] },
      'users[0] (id "u1").department: Unexpected property',
    ],
  ];
  for (const [name, document, issue] of table) {
    test(name, () => {
      const issues = issuesOf(document);
      assert.ok(
        issues.includes(issue),
        `expected ${JSON.stringify(issue)} among ${JSON.stringify(issues)}`,
      );
    });
  }
  test('reports every problem at once, not just the first', () => {
    const document = withUsers([
      { id: 'u98', name: 'A', departmentIds: ['x'] },
      { id: 'u99', name: 'B', departmentIds: ['y'] },
    ]);
    assert.equal(issuesOf(document).length, 2);
  });
});

describe('a valid directory is normalised', () => {
  const directory = directoryOf();
  test('phones to E.164 with the account country; defaults filled', () => {
    const u6 = directory.users.find((u) => u.id === 'u6')!;
    assert.deepEqual(u6.phones, { work: null, mobile: '+14155550006', extension: '106' });
    assert.equal(u6.active, true);
    assert.equal(u6.admin, false);
    assert.equal(directory.users.find((u) => u.id === 'u9')!.departmentIds.length, 0);
  });
  test('the same national number reads differently in another country', () => {
    const gb = parseDirectory(
      { departments: [], users: [{ id: 'a', name: 'A', phones: { work: '020 7946 0958' } }] },
      { edition: 'cloud', defaultCountry: 'GB' },
    );
    assert.equal(gb.users[0]!.phones.work, '+442079460958');
  });
});

describe('SPEC §3: access codes are computed from the directory', () => {
  const onPremise = directoryOf(
    { ...COMPANY, userGroups: [{ id: 'g1', name: 'Night shift', memberIds: ['u4'] }] },
    'on-premise',
  );
  const codes = resolveAccessCodes(onPremise, 'on-premise');
  const table: [userId: string, expected: string[]][] = [
    [
      'u4',
      [
        'user:u4',
        'everyone',
        'department:3',
        'departmentTree:3',
        'departmentTree:2',
        'departmentTree:1',
        'group:g1',
        'workgroup:w1:members',
      ],
    ],
    ['u0', ['user:u0', 'everyone', 'admins', 'department:1', 'departmentTree:1']],
    [
      'u6',
      [
        'user:u6',
        'everyone',
        'department:4',
        'departmentTree:4',
        'departmentTree:1',
        'workgroup:w1:owner',
        'workgroup:w1:moderators',
        'workgroup:w1:members',
      ],
    ],
    [
      'u7',
      [
        'user:u7',
        'everyone',
        'department:2',
        'departmentTree:2',
        'departmentTree:1',
        'workgroup:w1:moderators',
        'workgroup:w1:members',
      ],
    ],
    ['u9', ['user:u9', 'everyone']],
  ];
  for (const [userId, expected] of table) {
    test(userId, () => assert.deepEqual([...codes.get(userId)!].sort(), [...expected].sort()));
  }
  test('inactive users hold no codes', () => assert.equal(codes.get('u8'), undefined));
  test('each code is held once, even through two departments of one tree', () => {
    const twice = directoryOf({
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u4' ? { ...u, departmentIds: ['3', '2'] } : u)),
    });
    const held = resolveAccessCodes(twice, 'cloud').get('u4')!;
    assert.deepEqual(held, [...new Set(held)]);
    assert.ok(held.includes('department:2') && held.includes('departmentTree:1'));
  });
  test('on the cloud edition, group membership gives no code', () => {
    assert.ok(!resolveAccessCodes(onPremise, 'cloud').get('u4')!.includes('group:g1'));
  });
});

describe('the department tree', () => {
  const tree = buildDepartmentTree(directoryOf().departments);
  test('numbers each subtree as one range of slots', () => {
    const range = (id: string) => [tree.slot.get(id), tree.last.get(id)];
    assert.deepEqual(range('1'), [0, 3]);
    assert.deepEqual(range('2'), [1, 2]);
    assert.deepEqual(range('3'), [2, 2]);
    assert.deepEqual(range('4'), [3, 3]);
  });
  test('closure pairs: every ancestor of every department, itself at depth 0', () => {
    const pairs = departmentClosure(tree)
      .map((p) => `${p.ancestorId}>${p.descendantId}@${p.depth}`)
      .sort();
    assert.deepEqual(pairs, [
      '1>1@0',
      '1>2@1',
      '1>3@2',
      '1>4@1',
      '2>2@0',
      '2>3@1',
      '3>3@0',
      '4>4@0',
    ]);
  });
  test('a deep chain does not overflow the stack', () => {
    const departments = Array.from({ length: 50_000 }, (_, i) => ({
      id: `d${i}`,
      name: 'D',
      parentId: i === 0 ? null : `d${i - 1}`,
      headUserId: null,
    }));
    const deep = buildDepartmentTree(departments);
    assert.equal(deep.last.get('d0'), 49_999);
  });
});
