import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { openStore } from '../src/store/database.js';
import { COMPANY } from './fixtures.js';
import { describeHttp, json } from './http.js';

type Error = { error: { code: string; message: string; [key: string]: unknown } };

describeHttp('operator endpoints', (h) => {
  test('create an account: 201 with the default roles and assignments', async () => {
    const created = await h().request('operator', 'POST', '/api/v1/accounts', {
      id: 'initech',
      name: 'Initech',
      plan: 'standard',
      defaultCountry: 'GB',
    });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(
      { ...json<Record<string, unknown>>(created), createdAt: undefined },
      {
        id: 'initech',
        name: 'Initech',
        plan: 'standard',
        edition: 'cloud',
        defaultCountry: 'GB',
        createdAt: undefined,
      },
    );
    const again = await h().request('operator', 'POST', '/api/v1/accounts', {
      id: 'initech',
      name: 'Initech',
      plan: 'standard',
    });
    assert.equal(again.statusCode, 409);
    const generated = json<{ id: string }>(
      await h().request('operator', 'POST', '/api/v1/accounts', { name: 'No id', plan: 'free' }),
    );
    assert.match(generated.id, /^acc-[0-9a-f]{12}$/);
    const bad = await h().request('operator', 'POST', '/api/v1/accounts', {
      name: 'X',
      plan: 'platinum',
    });
    assert.equal(bad.statusCode, 400);
  });

  test('import a directory: 200 with counts; a bad one names the item and changes nothing', async () => {
    const imported = await h().request(
      'operator',
      'PUT',
      '/api/v1/accounts/initech/directory',
      COMPANY,
    );
    assert.equal(imported.statusCode, 200);
    assert.deepEqual(json(imported), {
      users: 12,
      departments: 4,
      userGroups: 0,
      workgroups: 1,
      crmClients: 3,
      crmReadScopes: 0,
      blockedNumbers: 1,
    });
    const broken = {
      ...COMPANY,
      users: [...COMPANY.users, { id: 'u99', name: 'Lost', departmentIds: ['404'] }],
    };
    const refused = await h().request(
      'operator',
      'PUT',
      '/api/v1/accounts/initech/directory',
      broken,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(
      json<Error>(refused).error.message,
      /users\[12\] \(id "u99"\)\.departmentIds\[0\]: no department "404"/,
    );
    assert.equal(
      (await h().request('operator', 'PUT', '/api/v1/accounts/nobody/directory', COMPANY))
        .statusCode,
      404,
    );
  });

  test('register an application and mint tokens: scopes within the application, used through the API', async () => {
    const app = await h().request('operator', 'POST', '/api/v1/accounts/initech/apps', {
      id: 'crm',
      name: 'CRM sync',
      scopes: ['telephony', 'calls.write'],
    });
    assert.equal(app.statusCode, 201);
    assert.deepEqual(json(app), {
      id: 'crm',
      name: 'CRM sync',
      scopes: ['telephony', 'calls.write'],
    });
    const tooMuch = await h().request('operator', 'POST', '/api/v1/accounts/initech/tokens', {
      userId: 'u0',
      appId: 'crm',
      scopes: ['pbx'],
    });
    assert.equal(tooMuch.statusCode, 400);
    const minted = await h().request('operator', 'POST', '/api/v1/accounts/initech/tokens', {
      userId: 'u4',
      appId: 'crm',
      ttlSeconds: 3600,
    });
    assert.equal(minted.statusCode, 201);
    const { token, expiresAt, scopes } = json<{
      token: string;
      expiresAt: string;
      scopes: string[];
    }>(minted);
    assert.deepEqual(scopes, ['telephony', 'calls.write']);
    assert.equal(expiresAt, new Date(h().clock.now + 3600_000).toISOString());
    const me = json<{ user: { id: string }; appId: string; account: { id: string } }>(
      await h().request(token, 'GET', '/api/v1/me'),
    );
    assert.deepEqual([me.user.id, me.appId, me.account.id], ['u4', 'crm', 'initech']);
    // The application's scope and the user's permissions both apply: u4 is a Manager.
    assert.equal((await h().request(token, 'GET', '/api/v1/roles')).statusCode, 403);
    assert.equal(
      (
        await h().request('operator', 'POST', '/api/v1/accounts/initech/tokens', {
          userId: 'ghost',
        })
      ).statusCode,
      404,
    );
  });

  test('operator endpoints refuse user tokens and a wrong operator token', async () => {
    assert.equal(
      (
        await h().request('u0', 'POST', '/api/v1/accounts/acme/apps', {
          id: 'x',
          name: 'X',
          scopes: [],
        })
      ).statusCode,
      401,
    );
    assert.equal(
      (await h().request('not-the-operator', 'PUT', '/api/v1/accounts/acme/directory', COMPANY))
        .statusCode,
      401,
    );
  });
});

test('without CALLGATE_OPERATOR_TOKEN the operator endpoints are disabled', async () => {
  const store = await openStore(':memory:');
  const app = await buildApp(
    createServices(store, { secretKey: Buffer.alloc(32, 1), dataDir: '/nonexistent' }),
  );
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/accounts',
    headers: { authorization: 'Bearer anything' },
    payload: { name: 'X', plan: 'free' },
  });
  assert.equal(response.statusCode, 401);
  assert.match(json<Error>(response).error.message, /operator endpoints are disabled/);
  await app.close();
  await store.close();
});
