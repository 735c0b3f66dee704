import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHttp, json } from './http.js';

interface RoleBody {
  id: string;
  name: string;
  permissions: Record<string, string>;
  version: number;
}
const none = {
  'callStats.view': 'none',
  'recording.listen': 'none',
  'recording.delete': 'none',
  'outboundCall.perform': 'none',
  'userSettings.modify': 'none',
  'telephonySettings.modify': 'none',
  'numbers.manage': 'none',
  'balance.manage': 'none',
};
type Error = { error: { code: string; message: string; [key: string]: unknown } };

describeHttp('permission administration', (h) => {
  const assignments = async () =>
    json<{
      version: number;
      items: { roleId: string; accessCode: string; expiresAt?: string | null }[];
    }>(await h().request('u0', 'GET', '/api/v1/role-assignments'));

  test('roles: the four defaults, listed with versions', async () => {
    const response = await h().request('u0', 'GET', '/api/v1/roles');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      json<RoleBody[]>(response).map((r) => [r.id, r.version]),
      [
        ['administrator', 1],
        ['chief-executive', 1],
        ['head-of-department', 1],
        ['manager', 1],
      ],
    );
  });

  test('a Manager may not read or change roles: 403 with the missing permission', async () => {
    const response = await h().request('u4', 'GET', '/api/v1/roles');
    assert.equal(response.statusCode, 403);
    assert.deepEqual(json<Error>(response).error, {
      code: 'permission_denied',
      message: 'telephonySettings.modify above none is required',
      permission: 'telephonySettings.modify',
      requiredLevel: 'any',
    });
    assert.equal(
      (
        await h().request(
          'u4',
          'PUT',
          '/api/v1/role-assignments',
          { items: [] },
          { 'if-match': '1' },
        )
      ).statusCode,
      403,
    );
  });

  test('create, dry-run, update with If-Match, 412 on a stale version, delete', async () => {
    const created = await h().request('u0', 'POST', '/api/v1/roles', {
      id: 'night',
      name: 'Night desk',
      permissions: { ...none, 'callStats.view': 'own' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(json<RoleBody>(created).version, 1);
    const dry = await h().request(
      'u0',
      'PUT',
      '/api/v1/roles/night?dryRun=1',
      { name: 'Night desk', permissions: { ...none, 'callStats.view': 'any' } },
      { 'if-match': '1' },
    );
    assert.equal(dry.statusCode, 200);
    assert.deepEqual(json(dry), { dryRun: true, changes: [] }, 'nobody holds the role yet');
    const updated = await h().request(
      'u0',
      'PUT',
      '/api/v1/roles/night',
      { name: 'Night shift', permissions: { ...none, 'callStats.view': 'any' } },
      { 'if-match': '"1"' },
    );
    assert.equal(updated.statusCode, 200);
    assert.equal(json<RoleBody>(updated).version, 2);
    const stale = await h().request(
      'u0',
      'PUT',
      '/api/v1/roles/night',
      { name: 'Stale', permissions: none },
      { 'if-match': '1' },
    );
    assert.equal(stale.statusCode, 412);
    assert.equal(json<Error>(stale).error.code, 'version_mismatch');
    const missing = await h().request('u0', 'PUT', '/api/v1/roles/night', {
      name: 'X',
      permissions: none,
    });
    assert.equal(missing.statusCode, 400);
    const roles = json<RoleBody[]>(await h().request('u0', 'GET', '/api/v1/roles'));
    assert.equal(roles.find((r) => r.id === 'night')?.name, 'Night shift');
    assert.equal((await h().request('u0', 'DELETE', '/api/v1/roles/night')).statusCode, 204);
    assert.equal((await h().request('u0', 'DELETE', '/api/v1/roles/night')).statusCode, 404);
  });

  test('an unknown permission key or level is refused, naming it', async () => {
    const badKey = await h().request('u0', 'POST', '/api/v1/roles', {
      name: 'Bad',
      permissions: { ...none, 'calls.fly': 'any' },
    });
    assert.equal(badKey.statusCode, 400);
    assert.match(json<Error>(badKey).error.message, /permissions\.calls\.fly: unknown permission/);
    const badLevel = await h().request('u0', 'POST', '/api/v1/roles', {
      name: 'Bad',
      permissions: { ...none, 'balance.manage': 'own' },
    });
    assert.match(json<Error>(badLevel).error.message, /balance\.manage: unknown level "own"/);
  });

  test('assignment set: dry run names who gains what; save with If-Match; the change is in force at once', async () => {
    const before = await assignments();
    const items = [
      ...before.items,
      { roleId: 'head-of-department', accessCode: 'departmentTree:2', expiresAt: null },
    ];
    const dry = await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments?dryRun=1',
      { items },
      { 'if-match': String(before.version) },
    );
    assert.equal(dry.statusCode, 200);
    const changes = json<{
      changes: { userId: string; permission: string; from: string; to: string }[];
    }>(dry).changes;
    assert.ok(
      changes.some(
        (c) =>
          c.userId === 'u3' &&
          c.permission === 'callStats.view' &&
          c.from === 'own' &&
          c.to === 'department',
      ),
    );
    assert.deepEqual(await assignments(), before, 'a dry run writes nothing');
    assert.equal((await h().request('u3', 'GET', '/api/v1/calls/call-u4')).statusCode, 404);
    const saved = await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      { items },
      { 'if-match': String(before.version) },
    );
    assert.equal(saved.statusCode, 200);
    assert.equal(json<{ version: number }>(saved).version, before.version + 1);
    assert.equal(
      (await h().request('u3', 'GET', '/api/v1/calls/call-u4')).statusCode,
      200,
      'the next request decides with the new set',
    );
    const effective = json<
      Record<string, { level: string; sources: { roleId: string; accessCode: string }[] }>
    >(await h().request('u3', 'GET', '/api/v1/users/u3/effective-permissions'));
    const reason = {
      roleId: 'head-of-department',
      roleName: 'Head of department',
      accessCode: 'departmentTree:2',
      level: 'department',
    };
    assert.deepEqual(effective['callStats.view'], {
      level: 'department',
      reasons: [reason],
      sources: [
        {
          roleId: 'head-of-department',
          roleName: 'Head of department',
          accessCode: 'departmentTree:2',
        },
      ],
    });
  });

  test('two concurrent saves on the same version: one wins, the other gets 412, nothing is lost', async () => {
    const { version, items } = await assignments();
    const a = [...items, { roleId: 'manager', accessCode: 'user:u9', expiresAt: null }];
    const b = [...items, { roleId: 'chief-executive', accessCode: 'user:u9', expiresAt: null }];
    const [first, second] = await Promise.all([
      h().request(
        'u0',
        'PUT',
        '/api/v1/role-assignments',
        { items: a },
        { 'if-match': String(version) },
      ),
      h().request(
        'u0',
        'PUT',
        '/api/v1/role-assignments',
        { items: b },
        { 'if-match': String(version) },
      ),
    ]);
    const statuses = [first.statusCode, second.statusCode].sort();
    assert.deepEqual(statuses, [200, 412]);
    const after = await assignments();
    assert.equal(after.version, version + 1);
    const winner = first.statusCode === 200 ? a : b;
    assert.deepEqual(
      after.items,
      winner.map((i) => ({ ...i })),
      'the winner is saved whole',
    );
  });

  test('no escalation: a non-administrator editor cannot give more than they have', async () => {
    // u7 gets an editor role: telephonySettings.modify any, callStats.view department, nothing else.
    const editor = { ...none, 'telephonySettings.modify': 'any', 'callStats.view': 'department' };
    await h().request('u0', 'POST', '/api/v1/roles', {
      id: 'editor',
      name: 'Editor',
      permissions: editor,
    });
    const { version, items } = await assignments();
    await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      { items: [...items, { roleId: 'editor', accessCode: 'user:u7' }] },
      { 'if-match': String(version) },
    );
    const tooMuch = await h().request('u7', 'POST', '/api/v1/roles', {
      id: 'greedy',
      name: 'Greedy',
      permissions: { ...none, 'callStats.view': 'any' },
    });
    assert.equal(tooMuch.statusCode, 403);
    assert.deepEqual(
      { ...json<Error>(tooMuch).error, message: undefined },
      {
        code: 'escalation',
        message: undefined,
        roleId: 'greedy',
        permission: 'callStats.view',
        level: 'any',
        yourLevel: 'department',
      },
    );
    const within = await h().request('u7', 'POST', '/api/v1/roles', {
      id: 'modest',
      name: 'Modest',
      permissions: { ...none, 'callStats.view': 'own' },
    });
    assert.equal(within.statusCode, 201);
    const current = await assignments();
    const assignAdmin = await h().request(
      'u7',
      'PUT',
      '/api/v1/role-assignments',
      { items: [...current.items, { roleId: 'administrator', accessCode: 'user:u7' }] },
      { 'if-match': String(current.version) },
    );
    assert.equal(assignAdmin.statusCode, 403);
    assert.equal(json<Error>(assignAdmin).error.code, 'escalation');
    const assignModest = await h().request(
      'u7',
      'PUT',
      '/api/v1/role-assignments',
      { items: [...current.items, { roleId: 'modest', accessCode: 'user:u9' }] },
      { 'if-match': String(current.version) },
    );
    assert.equal(
      assignModest.statusCode,
      200,
      'existing higher assignments do not block a modest change',
    );
    const raiseAdmin = await h().request(
      'u7',
      'PUT',
      '/api/v1/roles/manager',
      { name: 'Manager', permissions: { ...none, 'balance.manage': 'any' } },
      { 'if-match': '1' },
    );
    assert.equal(raiseAdmin.statusCode, 403);
  });

  test('effective permissions: self, or telephonySettings.modify; unknown users 404', async () => {
    assert.equal(
      (await h().request('u4', 'GET', '/api/v1/users/u4/effective-permissions')).statusCode,
      200,
    );
    assert.equal(
      (await h().request('u4', 'GET', '/api/v1/users/u5/effective-permissions')).statusCode,
      403,
    );
    const admin = json<Record<string, { level: string; admin?: boolean }>>(
      await h().request('u0', 'GET', '/api/v1/users/u0/effective-permissions'),
    );
    assert.deepEqual(admin['balance.manage'], {
      level: 'any',
      sources: [],
      admin: true,
      reasons: [{ rule: 'accountAdministrator', level: 'any' }],
    });
    assert.equal(
      (await h().request('u0', 'GET', '/api/v1/users/ghost/effective-permissions')).statusCode,
      404,
    );
  });

  test('check: explains; about another user needs telephonySettings.modify; an unseen call is 404', async () => {
    // u6 is still only a Manager (Support is untouched by the tests above).
    const mine = await h().request('u6', 'POST', '/api/v1/permissions/check', {
      permission: 'recording.listen',
      callId: 'call-u6',
      explain: true,
    });
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(json(mine), {
      allowed: true,
      level: 'own',
      reasons: [
        { roleId: 'manager', roleName: 'Manager', accessCode: 'departmentTree:1', level: 'own' },
      ],
      detail: 'call call-u6 belongs to u6: u6 is within scope own of u6',
      owner: 'u6',
    });
    assert.equal(
      (
        await h().request('u6', 'POST', '/api/v1/permissions/check', {
          permission: 'recording.listen',
          callId: 'call-u4',
        })
      ).statusCode,
      404,
    );
    assert.equal(
      (
        await h().request('u6', 'POST', '/api/v1/permissions/check', {
          userId: 'u4',
          permission: 'numbers.manage',
        })
      ).statusCode,
      403,
    );
    const byAdmin = json<{ allowed: boolean; detail: string }>(
      await h().request('u0', 'POST', '/api/v1/permissions/check', {
        userId: 'u6',
        permission: 'recording.listen',
        callId: 'call-u4',
      }),
    );
    assert.deepEqual(byAdmin, {
      ...byAdmin,
      allowed: false,
      detail: 'call call-u4 belongs to u4: u4 is outside scope own of u6',
    });
    const phone = json<{ allowed: boolean; classification: string }>(
      await h().request('u6', 'POST', '/api/v1/permissions/check', {
        permission: 'outboundCall.perform',
        phoneNumber: '+19005550000',
      }),
    );
    assert.deepEqual([phone.allowed, phone.classification], [false, 'blocked']);
    const bad = await h().request('u6', 'POST', '/api/v1/permissions/check', {
      permission: 'numbers.manage',
      callId: 'call-u6',
    });
    assert.equal(bad.statusCode, 400);
  });
});

describeHttp('plans (SPEC §9)', (h) => {
  test('on the free plan, roles and assignments are read-only with a clear error', async () => {
    assert.equal(
      (await h().request('operator', 'PATCH', '/api/v1/accounts/acme', { plan: 'free' }))
        .statusCode,
      200,
    );
    const me = json<{ account: { canEditPermissions: boolean } }>(
      await h().request('u0', 'GET', '/api/v1/me'),
    );
    assert.equal(me.account.canEditPermissions, false);
    const response = await h().request('u0', 'POST', '/api/v1/roles', {
      name: 'X',
      permissions: none,
    });
    assert.equal(response.statusCode, 403);
    assert.equal(json<Error>(response).error.code, 'feature_not_in_plan');
    assert.match(json<Error>(response).error.message, /not available on your plan/);
    assert.equal(
      (await h().request('u0', 'GET', '/api/v1/roles')).statusCode,
      200,
      'reading stays possible',
    );
  });
});

describeHttp('editing that keeps its meaning (issue 13)', (h) => {
  const assignments = async () =>
    json<{
      version: number;
      items: { roleId: string; accessCode: string; expiresAt?: string | null }[];
    }>(await h().request('u0', 'GET', '/api/v1/role-assignments'));

  test('an assignment that expires in the past is refused, naming the field; one from today on is kept', async () => {
    const before = await assignments();
    const now = h().clock.now;
    const past = new Date(now - 60_000).toISOString();
    const refused = await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      { items: [...before.items, { roleId: 'manager', accessCode: 'user:u5', expiresAt: past }] },
      { 'if-match': String(before.version) },
    );
    assert.equal(refused.statusCode, 400);
    const error = json<Error>(refused).error;
    assert.equal(error.code, 'invalid_request');
    const issues = error.issues as { path: string; message: string }[];
    assert.deepEqual(
      issues.map((issue) => issue.path),
      [`items[${before.items.length}].expiresAt`],
    );
    assert.match(issues[0]!.message, /past/);
    assert.deepEqual(await assignments(), before, 'nothing was saved');

    const future = new Date(now + 86_400_000).toISOString();
    const kept = await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      { items: [...before.items, { roleId: 'manager', accessCode: 'user:u5', expiresAt: future }] },
      { 'if-match': String(before.version) },
    );
    assert.equal(kept.statusCode, 200);
    // Once it has expired, the set read back still saves: only new items must be in the future.
    h().clock.now = now + 2 * 86_400_000;
    const later = await assignments();
    const again = await h().request(
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      { items: later.items },
      { 'if-match': String(later.version) },
    );
    assert.equal(again.statusCode, 200);
  });

  test('the recordings folder previews who gains or loses listening, by the one diff, saving nothing', async () => {
    const url = '/api/v1/settings/recordings-folder';
    const before = json<{ version: number; value: unknown }>(await h().request('u0', 'GET', url));
    const dry = await h().request('u0', 'PUT', `${url}?dryRun=1`, {
      entries: [
        { accessCode: 'everyone', access: 'read' },
        { accessCode: 'user:u6', access: 'none' },
      ],
    });
    assert.equal(dry.statusCode, 200);
    const { dryRun, changes } = json<{
      dryRun: boolean;
      changes: { userId: string; permission: string; from: string; to: string }[];
    }>(dry);
    assert.equal(dryRun, true);
    assert.deepEqual(
      changes.map((c) => [c.userId, c.permission, c.from, c.to]),
      [['u6', 'recording.listen', 'own', 'none']],
    );
    assert.deepEqual(json(await h().request('u0', 'GET', url)), before, 'a dry run writes nothing');
    assert.equal(
      (await h().request('u4', 'PUT', `${url}?dryRun=1`, { entries: [] })).statusCode,
      403,
      'previewing needs what saving needs',
    );
  });

  test('effective permissions carry the recordings-folder rule and line access the check decides by', async () => {
    const listen = async (userId: string) =>
      json<Record<string, { level: string; reasons: { rule?: string }[] }>>(
        await h().request('u0', 'GET', `/api/v1/users/${userId}/effective-permissions`),
      )['recording.listen']!;
    assert.ok(!(await listen('u6')).reasons.some((r) => r.rule === 'recordingsFolder'));
    const folder = await h().request('u0', 'GET', '/api/v1/settings/recordings-folder');
    const closed = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/recordings-folder',
      {
        entries: [
          { accessCode: 'everyone', access: 'read' },
          { accessCode: 'user:u6', access: 'none' },
        ],
      },
      { 'if-match': String(json<{ version: number }>(folder).version) },
    );
    assert.equal(closed.statusCode, 200);
    const after = await listen('u6');
    assert.equal(after.level, 'own', 'the level stays; the folder closes it');
    assert.ok(after.reasons.some((r) => r.rule === 'recordingsFolder'));
    // The same rule the check answers with.
    const check = json<{ allowed: boolean; reasons: { rule?: string }[] }>(
      await h().request('u6', 'POST', '/api/v1/permissions/check', {
        permission: 'recording.listen',
        callId: 'call-u6',
      }),
    );
    assert.equal(check.allowed, false);
    assert.ok(check.reasons.some((r) => r.rule === 'recordingsFolder'));
    // Administrators pass the folder whatever it says.
    assert.ok(!(await listen('u0')).reasons.some((r) => r.rule === 'recordingsFolder'));
    const outbound = json<Record<string, { lines?: { line: string; allowed: boolean }[] }>>(
      await h().request('u0', 'GET', '/api/v1/users/u6/effective-permissions'),
    )['outboundCall.perform']!;
    assert.ok(Array.isArray(outbound.lines));
  });

  test('a new role without an id gets a readable one made from its name, unique in the account', async () => {
    const ids: string[] = [];
    for (const name of ['Sales lead', 'Sales  Lead!', 'Équipe été']) {
      const created = await h().request('u0', 'POST', '/api/v1/roles', {
        name,
        permissions: { ...none, 'callStats.view': 'own' },
      });
      assert.equal(created.statusCode, 201);
      ids.push(json<RoleBody>(created).id);
    }
    assert.deepEqual(ids, ['sales-lead', 'sales-lead-2', 'equipe-ete']);
  });
});
