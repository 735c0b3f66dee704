import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAccessCode, parseAccessCode } from './access-code.js';

test('access codes of SPEC §3 read and write back unchanged', () => {
  const table: [code: string, parsed: ReturnType<typeof parseAccessCode>][] = [
    ['user:u7', { kind: 'user', id: 'u7' }],
    ['department:12', { kind: 'department', id: '12' }],
    ['departmentTree:1', { kind: 'departmentTree', id: '1' }],
    ['group:night.shift', { kind: 'group', id: 'night.shift' }],
    ['workgroup:w-1:owner', { kind: 'workgroup', id: 'w-1', role: 'owner' }],
    ['workgroup:w_1:moderators', { kind: 'workgroup', id: 'w_1', role: 'moderators' }],
    ['workgroup:w1:members', { kind: 'workgroup', id: 'w1', role: 'members' }],
    ['admins', { kind: 'admins' }],
    ['everyone', { kind: 'everyone' }],
  ];
  for (const [code, parsed] of table) {
    assert.deepEqual(parseAccessCode(code), parsed, code);
    assert.equal(formatAccessCode(parsed!), code);
  }
});

test('anything else is not an access code', () => {
  const refused = [
    '',
    'U7', // Bitrix24 spelling: we use SPEC's
    'DR1',
    'user:',
    'user:has space',
    'user:a:b',
    `user:${'x'.repeat(65)}`,
    'workgroup:w1',
    'workgroup:w1:admins',
    'workgroup::owner',
    'Everyone',
    'admins:1',
    'role:manager',
  ];
  for (const code of refused) assert.equal(parseAccessCode(code), undefined, JSON.stringify(code));
});
