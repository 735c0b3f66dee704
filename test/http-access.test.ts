import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp, registeredRoutes } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { isPermissionKey } from '../src/engine/catalogue.js';
import { listAudit } from '../src/store/audit.js';
import { openStore } from '../src/store/database.js';
import { isAppScope } from '../src/telephony/tokens.js';
import { UNLIMITED, describeHttp, json, seedAccount, sleep } from './http.js';

test('every registered route declares the access it needs, and a reason where it needs no permission', async () => {
  const store = await openStore(':memory:');
  const app = await buildApp(
    createServices(store, { secretKey: Buffer.alloc(32, 1), dataDir: '/nonexistent' }),
  );
  await app.ready();
  const routes = registeredRoutes(app);
  assert.ok(routes.length > 10, `only ${routes.length} routes found`);
  const problems: string[] = [];
  for (const route of routes) {
    const name = `${String(route.method)} ${route.url}`;
    const access = route.config?.access;
    if (access === undefined) problems.push(`${name}: no access declared`);
    else if (access.kind === 'account') {
      if (!isAppScope(access.scope))
        problems.push(`${name}: unknown scope ${String(access.scope)}`);
      if (
        access.permission === null ? access.reason.length < 10 : !isPermissionKey(access.permission)
      ) {
        problems.push(`${name}: a permission, or a reason for needing none`);
      }
    } else if (access.kind === 'public' && access.reason.length < 10)
      problems.push(`${name}: public without a reason`);
  }
  await app.close();
  await store.close();
  assert.deepEqual(problems, []);
});

test('rate limits: per token, per account and per address, 429 rate_limited with Retry-After, served again after the window', async () => {
  const store = await openStore(':memory:');
  const services = createServices(store, {
    secretKey: Buffer.alloc(32, 1),
    dataDir: '/nonexistent',
    rateLimits: { ...UNLIMITED, windowMs: 1_000, perToken: 3, perAccount: 5, perAddress: 8 },
  });
  const app = await buildApp(services);
  const tokens = await seedAccount(store, 'acme', Date.now());
  const me = (token: string | null) =>
    app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  for (let i = 0; i < 3; i++) assert.equal((await me(tokens.u4!)).statusCode, 200);
  const limited = await me(tokens.u4!);
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '1');
  const body = json<{ error: { code: string; limit: string } }>(limited).error;
  assert.deepEqual([body.code, body.limit], ['rate_limited', 'token']);
  assert.equal((await me(tokens.u5!)).statusCode, 200, 'another token has its own count');
  assert.equal((await me(tokens.u5!)).statusCode, 200);
  // Five requests of the account's tokens got through: a third token meets the account's limit.
  const byAccount = await me(tokens.u6!);
  assert.equal(byAccount.statusCode, 429);
  assert.equal(json<{ error: { limit: string } }>(byAccount).error.limit, 'account');
  // Seven requests from this address so far (limit 8): anonymous ones count too.
  assert.deepEqual([(await me(null)).statusCode, (await me(null)).statusCode], [401, 429]);
  const scraped = await services.metrics.registry.getSingleMetricAsString(
    'callgate_rate_limited_total',
  );
  assert.match(scraped, /limit="token"\} 1/);
  assert.match(scraped, /limit="account"\} 1/);
  assert.match(scraped, /limit="address"\} 1/);
  await sleep(1_050);
  assert.equal((await me(tokens.u4!)).statusCode, 200, 'a window later it is served again');
  await app.close();
  await store.close();
});

describeHttp('authentication', (h) => {
  test('no token, a malformed token, a forged token: 401 with the error shape', async () => {
    for (const token of [null, 'nonsense', 'cg_AAAAAAAAAAAA.' + 'A'.repeat(43)]) {
      const response = await h().request(token, 'GET', '/api/v1/me');
      assert.equal(response.statusCode, 401, String(token));
      assert.equal(json<{ error: { code: string } }>(response).error.code, 'unauthenticated');
    }
  });
  test('a tampered token is refused', async () => {
    const token = h().tokens.u4!;
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    assert.equal((await h().request(tampered, 'GET', '/api/v1/me')).statusCode, 401);
  });
  test('the operator token cannot act as a user, and a user token is not the operator', async () => {
    assert.equal((await h().request('operator', 'GET', '/api/v1/me')).statusCode, 401);
    const response = await h().request('u0', 'POST', '/api/v1/accounts', {
      name: 'X',
      plan: 'free',
    });
    assert.equal(response.statusCode, 401);
  });
  test('/me answers who the user is and what they may do', async () => {
    const response = await h().request('u4', 'GET', '/api/v1/me');
    assert.equal(response.statusCode, 200);
    const me = json<{
      user: { id: string };
      accessCodes: string[];
      permissions: Record<string, { level: string }>;
    }>(response);
    assert.equal(me.user.id, 'u4');
    assert.ok(me.accessCodes.includes('departmentTree:1'));
    assert.equal(me.permissions['callStats.view']?.level, 'own');
  });
  test('an expired token is refused', async () => {
    const minted = json<{ token: string }>(
      await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
        userId: 'u4',
        ttlSeconds: 60,
      }),
    );
    assert.equal((await h().request(minted.token, 'GET', '/api/v1/me')).statusCode, 200);
    h().clock.now += 61_000;
    try {
      assert.equal((await h().request(minted.token, 'GET', '/api/v1/me')).statusCode, 401);
    } finally {
      h().clock.now -= 61_000;
    }
  });
  test("a user creates and revokes a personal token, and cannot revoke anyone else's", async () => {
    const created = await h().request('u4', 'POST', '/api/v1/me/tokens', { label: 'laptop' });
    assert.equal(created.statusCode, 201);
    const { token, id, scopes } = json<{ token: string; id: string; scopes: string[] }>(created);
    assert.deepEqual(scopes, ['telephony']);
    assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 200);
    assert.equal((await h().request('u5', 'DELETE', `/api/v1/me/tokens/${id}`)).statusCode, 404);
    assert.equal((await h().request('u4', 'DELETE', `/api/v1/me/tokens/${id}`)).statusCode, 204);
    assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 401);
    const audit = await listAudit(h().store.db, 'acme', 10);
    const entries = audit.filter((entry) => entry.subject === id);
    assert.deepEqual(
      entries.map((entry) => [entry.type, entry.actor]),
      [
        ['token.revoked', 'user:u4'],
        ['token.created', 'user:u4'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(entries), new RegExp(token.split('.')[1]!));
  });
  test('unknown routes answer 404 in the error shape', async () => {
    const response = await h().request('u4', 'GET', '/api/v1/nowhere');
    assert.equal(response.statusCode, 404);
    assert.equal(json<{ error: { code: string } }>(response).error.code, 'not_found');
  });
  test('malformed bodies: bad JSON 400, wrong content type 415, oversize 413, all in the error shape', async () => {
    const cases: [body: string, type: string, status: number, code: string][] = [
      ['{"name": ', 'application/json', 400, 'invalid_request'],
      ['name=x', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
      [
        JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
        'application/json',
        413,
        'payload_too_large',
      ],
      [JSON.stringify({ label: 42 }), 'application/json', 400, 'invalid_request'],
      [JSON.stringify({ label: 'ok', extra: true }), 'application/json', 400, 'invalid_request'],
    ];
    for (const [body, type, status, code] of cases) {
      const response = await h().request('u4', 'POST', '/api/v1/me/tokens', body, {
        'content-type': type,
      });
      assert.equal(response.statusCode, status, `${type} ${body.slice(0, 40)}`);
      assert.equal(json<{ error: { code: string } }>(response).error.code, code);
    }
  });
});
