import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { role } from '../../test/fixtures.js';
import { DEFAULT_ROLES } from './defaults.js';
import { parsePermissionsDocument, parseRole } from './roles.js';
import { ValidationError } from './validation-error.js';

const refusal = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a refusal');
};

describe('roles are checked on load, naming the role and the key', () => {
  test('the default roles load as they are', () => {
    for (const r of DEFAULT_ROLES) assert.deepEqual(parseRole(r), r);
  });
  const table: [name: string, input: unknown, issues: string[]][] = [
    [
      'an unknown permission',
      { ...role('r', {}), permissions: { ...role('r', {}).permissions, 'calls.fly': 'any' } },
      ['role (id "r").permissions.calls.fly: unknown permission'],
    ],
    [
      'an unknown level',
      role('r', { 'balance.manage': 'own' as 'any' }),
      ['role (id "r").permissions.balance.manage: unknown level "own"; expected one of none, any'],
    ],
    [
      'a level of another permission',
      role('r', { 'outboundCall.perform': 'department' as 'any' }),
      [
        'role (id "r").permissions.outboundCall.perform: unknown level "department"; expected one of none, crmClients, crmClientsAndEmployees, any',
      ],
    ],
    [
      'a missing permission',
      {
        id: 'r',
        name: 'R',
        permissions: { ...role('r', {}).permissions, 'numbers.manage': undefined },
      },
      [
        'role (id "r").permissions.numbers.manage: unknown level undefined; expected one of none, any',
      ],
    ],
    [
      'no permissions at all',
      { id: 'r', name: 'R' },
      ['role (id "r").permissions: must be an object giving a level for every permission'],
    ],
    [
      'a bad id and an empty name',
      { ...role('r', {}), id: 'no spaces', name: ' ' },
      [
        'role (id "no spaces").id: must match [A-Za-z0-9_.-]{1,64}',
        'role (id "no spaces").name: must be a non-empty string of at most 100 characters',
      ],
    ],
    [
      'an unknown field',
      { ...role('r', {}), colour: 'red' },
      ['role (id "r").colour: unknown field'],
    ],
    ['not an object', 'manager', ['role: must be an object with id, name and permissions']],
  ];
  for (const [name, input, issues] of table) {
    test(`refuses ${name}`, () =>
      assert.deepEqual(
        refusal(() => parseRole(input)),
        issues,
      ));
  }
});

describe('the permissions document', () => {
  const roles = [role('a', { 'callStats.view': 'own' }), role('b', {})];
  test('reads roles and assignments, normalising expiry to UTC', () => {
    const document = parsePermissionsDocument(
      {
        roles,
        assignments: [
          { roleId: 'a', accessCode: 'everyone', expiresAt: '2027-01-01T01:00:00+01:00' },
          { roleId: 'b', accessCode: 'admins' },
        ],
      },
      'cloud',
    );
    assert.deepEqual(document.assignments, [
      { roleId: 'a', accessCode: 'everyone', expiresAt: '2027-01-01T00:00:00.000Z' },
      { roleId: 'b', accessCode: 'admins', expiresAt: null },
    ]);
  });
  const table: [name: string, input: unknown, issue: string][] = [
    [
      'duplicate role ids',
      { roles: [roles[0], roles[0]], assignments: [] },
      'roles[1] (id "a"): duplicate role id',
    ],
    [
      'an assignment to a missing role',
      { roles, assignments: [{ roleId: 'z', accessCode: 'everyone' }] },
      'assignments[0].roleId: no role "z"',
    ],
    [
      'the same pair twice',
      {
        roles,
        assignments: [
          { roleId: 'a', accessCode: 'everyone' },
          { roleId: 'a', accessCode: 'everyone' },
        ],
      },
      'assignments[1]: role "a" is already assigned to everyone',
    ],
    [
      'a group code on cloud',
      { roles, assignments: [{ roleId: 'a', accessCode: 'group:g1' }] },
      'assignments[0].accessCode: user-group access codes are available on the on-premise edition only',
    ],
    [
      'an expiry without a zone',
      {
        roles,
        assignments: [{ roleId: 'a', accessCode: 'everyone', expiresAt: '2027-01-01 00:00' }],
      },
      'assignments[0].expiresAt: must be null or an ISO 8601 date-time with a time zone',
    ],
    [
      'an impossible date',
      {
        roles,
        assignments: [{ roleId: 'a', accessCode: 'everyone', expiresAt: '2027-02-30T00:00:00Z' }],
      },
      'assignments[0].expiresAt: must be null or an ISO 8601 date-time with a time zone',
    ],
    [
      'a missing list',
      { roles },
      'document: must be an object with "roles" and "assignments" arrays',
    ],
  ];
  for (const [name, input, issue] of table) {
    test(`refuses ${name}`, () =>
      assert.ok(refusal(() => parsePermissionsDocument(input, 'cloud')).includes(issue), issue));
  }
  test('group codes are fine on-premise', () => {
    const document = parsePermissionsDocument(
      { roles, assignments: [{ roleId: 'a', accessCode: 'group:g1' }] },
      'on-premise',
    );
    assert.equal(document.assignments[0]?.accessCode, 'group:g1');
  });
});
