import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes, scryptSync } from 'node:crypto';
import argon2 from 'argon2';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { setPassword } from '../src/telephony/credentials.js';
import { describeHttp, json } from './http.js';

type Error = { error: { code: string; message: string } };

describeHttp('web sign-in, sessions and CSRF', (h) => {
  const PASSWORD = 'correct horse battery';
  const signIn = (email: string, password = PASSWORD) =>
    h().app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { accountId: 'acme', email, password },
    });

  test('setup: passwords for u2 and u4 (u4 has the email U4@Example.com in mixed case)', async () => {
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ email: 'u4@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u4')
          .execute();
        await trx
          .updateTable('users')
          .set({ email: 'u2@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u2')
          .execute();
        await setPassword(trx, 'acme', 'u4', PASSWORD, h().clock.now);
      });
    const byOperator = await h().request(
      'operator',
      'PUT',
      '/api/v1/accounts/acme/users/u2/password',
      { password: PASSWORD },
    );
    assert.equal(byOperator.statusCode, 204);
    assert.equal(
      (
        await h().request('operator', 'PUT', '/api/v1/accounts/acme/users/u2/password', {
          password: 'short',
        })
      ).statusCode,
      400,
    );
  });

  test('wrong password, unknown email, user without password: the same 401', async () => {
    for (const [email, password] of [
      ['u4@example.com', 'wrong password!'],
      ['nobody@example.com', PASSWORD],
      ['u5@example.com', PASSWORD],
    ] as const) {
      const response = await signIn(email, password);
      assert.equal(response.statusCode, 401, email);
      assert.equal(json<Error>(response).error.message, 'the account, email or password is wrong');
      assert.equal(response.headers['set-cookie'], undefined);
    }
  });

  test('a session cookie: HTTP-only, strict; reads work; writes need the CSRF token; signing out ends it', async () => {
    const response = await signIn(' U4@Example.com ');
    assert.equal(response.statusCode, 200);
    const { csrfToken, user } = json<{ csrfToken: string; user: { id: string } }>(response);
    assert.equal(user.id, 'u4');
    const setCookie = String(response.headers['set-cookie']);
    assert.match(setCookie, /^cg_session=[A-Za-z0-9_-]{43};/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const as = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      headers: Record<string, string> = {},
      payload?: object,
    ) =>
      h().app.inject({ method, url, headers: { cookie, ...headers }, ...(payload && { payload }) });
    assert.equal(
      json<{ csrfToken: string }>(await as('GET', '/api/v1/session')).csrfToken,
      csrfToken,
    );
    const calls = json<{ items: { id: string }[] }>(await as('GET', '/api/v1/calls'));
    assert.deepEqual(
      calls.items.map((c) => c.id),
      ['call-u4'],
    );
    const noCsrf = await as('POST', '/api/v1/me/tokens', {}, { label: 'x' });
    assert.equal(noCsrf.statusCode, 403);
    assert.match(json<Error>(noCsrf).error.message, /x-csrf-token/);
    assert.equal(
      (await as('POST', '/api/v1/me/tokens', { 'x-csrf-token': 'forged' }, { label: 'x' }))
        .statusCode,
      403,
    );
    assert.equal(
      (await as('POST', '/api/v1/me/tokens', { 'x-csrf-token': csrfToken }, { label: 'x' }))
        .statusCode,
      201,
    );
    assert.equal(
      (await as('DELETE', '/api/v1/session', { 'x-csrf-token': csrfToken })).statusCode,
      204,
    );
    assert.equal((await as('GET', '/api/v1/calls')).statusCode, 401);
  });

  test('the session answers what /me and the catalogue do, so the web app starts from one request; calls name their employee', async () => {
    const response = await signIn('u4@example.com');
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    const get = async (url: string) =>
      json<Record<string, unknown>>(
        await h().app.inject({ method: 'GET', url, headers: { cookie } }),
      );
    const me = await get('/api/v1/me');
    const catalogue = await get('/api/v1/permissions/catalogue');
    for (const session of [json<Record<string, unknown>>(response), await get('/api/v1/session')]) {
      assert.deepEqual(session.me, me);
      assert.deepEqual(session.catalogue, catalogue);
    }
    const { users } = json<{ users: { id: string; name: string }[] }>(
      await h().request('u4', 'GET', '/api/v1/directory'),
    );
    const names = new Map(users.map((u) => [u.id, u.name]));
    const calls = (await get('/api/v1/calls')) as { items: { userId: string; userName: string }[] };
    assert.ok(calls.items.length > 0);
    for (const call of calls.items) assert.equal(call.userName, names.get(call.userId));
    const stats = (await get('/api/v1/calls/stats?groupBy=day&alsoByUser=true')) as {
      byUser: { key: string | null; name: string | null }[];
    };
    assert.ok(stats.byUser.length > 0);
    for (const group of stats.byUser)
      assert.equal(group.name, group.key === null ? null : names.get(group.key));
  });

  test('a new password ends the sessions the old one opened', async () => {
    const response = await signIn('u2@example.com');
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    assert.equal(
      (await h().app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode,
      200,
    );
    await h().request('operator', 'PUT', '/api/v1/accounts/acme/users/u2/password', {
      password: 'another long password',
    });
    assert.equal(
      (await h().app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode,
      401,
    );
  });

  test('a hash of an older kind or parameters is replaced at the next sign-in; open sessions stay', async () => {
    const hashOf = async () =>
      (
        await h()
          .store.db.selectFrom('user_credentials')
          .select('password_hash')
          .where('account_id', '=', 'acme')
          .where('user_id', '=', 'u4')
          .executeTakeFirstOrThrow()
      ).password_hash;
    const before = await signIn('u4@example.com');
    const cookie = String(before.headers['set-cookie']).split(';')[0]!;
    // Today's kind and parameters, as setPassword wrote them: OWASP's Argon2id.
    const current = /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/;
    assert.match(await hashOf(), current);
    const setHash = (hash: string) =>
      h()
        .store.db.updateTable('user_credentials')
        .set({ password_hash: hash })
        .where('account_id', '=', 'acme')
        .where('user_id', '=', 'u4')
        .execute();
    const salt = randomBytes(16);
    const key = (N: number, p: number) =>
      scryptSync(PASSWORD, salt, 32, { N, r: 8, p, maxmem: 64 * 1024 * 1024 }).toString(
        'base64url',
      );
    const olderHashes = [
      // The scrypt hashes before Argon2id, at both parameters they were made with.
      ['scrypt', 16384, 8, 1, salt.toString('base64url'), key(16384, 1)].join('$'),
      ['scrypt', 32768, 8, 3, salt.toString('base64url'), key(32768, 3)].join('$'),
      // Argon2id below today's memory cost.
      await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 2 }),
    ];
    for (const older of olderHashes) {
      await setHash(older);
      assert.equal((await signIn('u4@example.com', 'wrong password!')).statusCode, 401);
      assert.equal(await hashOf(), older, 'a failed sign-in changes nothing');
      assert.equal((await signIn('u4@example.com')).statusCode, 200, older);
      assert.match(await hashOf(), current);
      assert.equal((await signIn('u4@example.com')).statusCode, 200, 'the new hash verifies');
    }
    // A scrypt hash with its key cut off matches no password.
    await setHash(['scrypt', 16384, 8, 1, salt.toString('base64url'), ''].join('$'));
    assert.equal((await signIn('u4@example.com', 'any password at all')).statusCode, 401);
    assert.equal((await signIn('u4@example.com')).statusCode, 401);
    await setHash(olderHashes[2]!);
    assert.equal((await signIn('u4@example.com')).statusCode, 200);
    assert.equal(
      (await h().app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode,
      200,
      'the session opened before the upgrade stays',
    );
  });

  test('the directory lists names and structure, without phones or emails', async () => {
    const directory = json<{ users: Record<string, unknown>[]; departments: unknown[] }>(
      await h().request('u4', 'GET', '/api/v1/directory'),
    );
    assert.equal(directory.users.length, 12);
    assert.deepEqual(Object.keys(directory.users[0]!).sort(), [
      'active',
      'admin',
      'departmentIds',
      'id',
      'name',
    ]);
    assert.equal(directory.departments.length, 4);
  });

  test('view as: administrators see the list and totals as another user would', async () => {
    const asU4 = json<{ items: { id: string }[] }>(
      await h().request('u0', 'GET', '/api/v1/calls?viewAs=u4'),
    );
    assert.deepEqual(
      asU4.items.map((c) => c.id),
      ['call-u4'],
    );
    const stats = json<{ totals: { count: number } }>(
      await h().request('u0', 'GET', '/api/v1/calls/stats?viewAs=u4'),
    );
    assert.equal(stats.totals.count, 1);
    assert.equal((await h().request('u4', 'GET', '/api/v1/calls?viewAs=u0')).statusCode, 403);
    assert.equal((await h().request('u0', 'GET', '/api/v1/calls?viewAs=ghost')).statusCode, 404);
  });
});

describeHttp('serving the web app', (h) => {
  test('app pages answer index.html with a content security policy; API misses stay JSON', async () => {
    const page = await h().app.inject({
      method: 'GET',
      url: '/calls',
      headers: { accept: 'text/html' },
    });
    assert.equal(
      page.statusCode,
      200,
      'run `npm run build` first: the web app is served from dist/web',
    );
    assert.match(page.body, /<div id="root"><\/div>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const api = await h().app.inject({
      method: 'GET',
      url: '/api/v1/nowhere',
      headers: { accept: 'text/html' },
    });
    assert.equal(api.statusCode, 404);
    assert.equal(json<Error>(api).error.code, 'not_found');
    const asset = await h().app.inject({ method: 'GET', url: '/assets/missing.js' });
    assert.equal(asset.statusCode, 404);
  });

  test('the hashed assets are kept for good and sent compressed; the page is checked each time', async () => {
    const page = await h().app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'text/html' },
    });
    assert.equal(page.headers['cache-control'], 'no-cache');
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(
      page.body,
    )?.[1];
    assert.ok(script, page.body);
    const plain = await h().app.inject({ method: 'GET', url: script });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    for (const encoding of ['br', 'gzip'] as const) {
      const packed: typeof plain = await h().app.inject({
        method: 'GET',
        url: script,
        headers: { 'accept-encoding': encoding },
      });
      assert.equal(packed.statusCode, 200, encoding);
      assert.equal(packed.headers['content-encoding'], encoding);
      assert.match(String(packed.headers['content-type']), /javascript/);
      assert.equal(packed.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.ok(packed.rawPayload.length < plain.rawPayload.length / 2, encoding);
      const unpacked =
        encoding === 'br' ? brotliDecompressSync(packed.rawPayload) : gunzipSync(packed.rawPayload);
      assert.ok(unpacked.equals(plain.rawPayload), `${encoding} decodes to the script`);
    }
  });
});
