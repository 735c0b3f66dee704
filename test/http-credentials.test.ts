import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { createServices } from '../src/api/services.js';
import { migrateStore, openStore } from '../src/store/database.js';
import { resolveConfig } from '../src/config.js';
import type { DirectoryDocument } from '../src/directory/schema.js';
import { setPassword } from '../src/telephony/credentials.js';
import { DEFAULT_TOKEN_LIFETIMES } from '../src/telephony/tokens.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { COMPANY } from './fixtures.js';
import { type Harness, describeHttp, json } from './http.js';

type Minted = { token: string; id: string; expiresAt: string | null };
const DAY = 24 * 3600;

/** Mints a token as the operator, for `userId` of acme. */
async function operatorMint(h: Harness, body: Record<string, unknown>) {
  return h.request('operator', 'POST', '/api/v1/accounts/acme/tokens', body);
}

/** acme's directory with `userId` left out, or the whole company. */
function companyWithout(userId?: string): DirectoryDocument {
  return { ...COMPANY, users: COMPANY.users.filter((u) => u.id !== userId) };
}

async function importCompany(h: Harness, document: DirectoryDocument): Promise<void> {
  const response = await h.request('operator', 'PUT', '/api/v1/accounts/acme/directory', document);
  assert.equal(response.statusCode, 200, response.body);
}

describeHttp('token lifetimes (issue 10, item 5)', (h) => {
  const { defaultTtlSeconds, maxTtlSeconds } = DEFAULT_TOKEN_LIFETIMES;

  test('every token expires: the default lifetime when none is asked, for the operator and for a user', async () => {
    const byOperator = json<Minted>(await operatorMint(h(), { userId: 'u4' }));
    assert.equal(
      byOperator.expiresAt,
      new Date(h().clock.now + defaultTtlSeconds * 1000).toISOString(),
    );
    const personal = await h().request('u4', 'POST', '/api/v1/me/tokens', { label: 'laptop' });
    assert.equal(personal.statusCode, 201, personal.body);
    assert.notEqual(json<Minted>(personal).expiresAt, null);
  });

  test('no token may ask for more than the maximum lifetime', async () => {
    const tooLong = await operatorMint(h(), { userId: 'u4', ttlSeconds: maxTtlSeconds + 1 });
    assert.equal(tooLong.statusCode, 400, tooLong.body);
    const atMost = await operatorMint(h(), { userId: 'u4', ttlSeconds: maxTtlSeconds });
    assert.equal(atMost.statusCode, 201);
    const personal = await h().request('u4', 'POST', '/api/v1/me/tokens', {
      ttlSeconds: 10 * 366 * DAY,
    });
    assert.equal(personal.statusCode, 400, personal.body);
  });

  test('a token minted by a token never outlives it: a 60-second token cannot buy a long one', async () => {
    const short = json<Minted>(await operatorMint(h(), { userId: 'u4', ttlSeconds: 60 }));
    const minted = await h().request(short.token, 'POST', '/api/v1/me/tokens', {
      ttlSeconds: maxTtlSeconds,
    });
    assert.equal(minted.statusCode, 201, minted.body);
    const child = json<Minted>(minted);
    assert.equal(child.expiresAt, short.expiresAt);
    const before = h().clock.now;
    try {
      h().clock.now += 61_000;
      assert.equal((await h().request(child.token, 'GET', '/api/v1/me')).statusCode, 401);
    } finally {
      h().clock.now = before;
    }
    // Asking without a lifetime is capped the same way.
    const unasked = json<Minted>(await h().request(short.token, 'POST', '/api/v1/me/tokens', {}));
    assert.equal(unasked.expiresAt, short.expiresAt);
  });

  test("an application's token cannot mint personal tokens", async () => {
    const response = await h().request('app', 'POST', '/api/v1/me/tokens', { label: 'escape' });
    assert.equal(response.statusCode, 403, response.body);
    assert.equal(json<{ error: { code: string } }>(response).error.code, 'permission_denied');
    const shortApp = json<Minted>(
      await operatorMint(h(), { userId: 'u0', appId: 'pbx-app', ttlSeconds: 60 }),
    );
    const again = await h().request(shortApp.token, 'POST', '/api/v1/me/tokens', {});
    assert.equal(again.statusCode, 403);
    const listed = json<{ items: { label: string | null }[] }>(
      await h().request('u0', 'GET', '/api/v1/me/tokens'),
    );
    assert.ok(listed.items.every((t) => t.label !== 'escape'));
  });

  test('the lifetimes are configured: environment variables, checked at start', () => {
    const lifetimes = (env: Record<string, string>) => {
      const config = resolveConfig({ env });
      return {
        defaultTtlSeconds: config.tokenDefaultTtlSeconds,
        maxTtlSeconds: config.tokenMaxTtlSeconds,
      };
    };
    assert.deepEqual(lifetimes({}), DEFAULT_TOKEN_LIFETIMES);
    assert.deepEqual(
      lifetimes({
        CALLGATE_TOKEN_DEFAULT_TTL_SECONDS: '3600',
        CALLGATE_TOKEN_MAX_TTL_SECONDS: ' 86400 ',
      }),
      { defaultTtlSeconds: 3600, maxTtlSeconds: 86400 },
    );
    assert.throws(() => lifetimes({ CALLGATE_TOKEN_MAX_TTL_SECONDS: 'forever' }));
    const store = h().store;
    const options = { secretKey: Buffer.alloc(32, 1) };
    assert.throws(() =>
      createServices(store, {
        ...options,
        tokenLifetimes: { defaultTtlSeconds: 2 * DAY, maxTtlSeconds: DAY },
      }),
    );
    assert.deepEqual(
      createServices(store, {
        ...options,
        tokenLifetimes: { defaultTtlSeconds: 3600, maxTtlSeconds: DAY },
      }).config.tokenLifetimes,
      { defaultTtlSeconds: 3600, maxTtlSeconds: DAY },
    );
  });
});

describeHttp('removed users and re-used ids (issue 10, item 6)', (h) => {
  const PASSWORD = 'a long enough password';
  const signIn = async () => {
    const response = await h().app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { accountId: 'acme', email: 'u9@example.com', password: PASSWORD },
    });
    return response;
  };
  const withCookie = (cookie: string) =>
    h().app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

  test('a directory import that drops a user ends their tokens, sessions and password at once; the id re-used is someone new', async () => {
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ email: 'u9@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u9')
          .execute();
        await setPassword(trx, 'acme', 'u9', PASSWORD, h().clock.now);
      });
    const session = await signIn();
    assert.equal(session.statusCode, 200, session.body);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    const personal = json<Minted>(await h().request('u9', 'POST', '/api/v1/me/tokens', {}));
    const tokens = [h().tokens.u9!, personal.token];
    for (const token of tokens)
      assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 200);

    await importCompany(h(), companyWithout('u9'));
    for (const token of tokens)
      assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 401);
    assert.equal((await withCookie(cookie)).statusCode, 401);
    const revoked = await h()
      .store.db.selectFrom('tokens')
      .select(['id', 'revoked_at'])
      .where('account_id', '=', 'acme')
      .where('user_id', '=', 'u9')
      .execute();
    assert.ok(revoked.length >= 2 && revoked.every((t) => t.revoked_at !== null));
    const audit = json<{ items: { type: string; detail?: { removedUsers?: string[] } }[] }>(
      await h().request('u0', 'GET', '/api/v1/audit-log?type=directory.replaced'),
    );
    assert.deepEqual(audit.items[0]?.detail?.removedUsers, ['u9']);

    // Someone new under the same id: none of the earlier person's credentials work.
    await importCompany(h(), {
      ...COMPANY,
      users: COMPANY.users.map((u) =>
        u.id === 'u9' ? { ...u, name: 'Someone Else', email: 'u9@example.com' } : u,
      ),
    });
    for (const token of tokens)
      assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 401);
    assert.equal((await withCookie(cookie)).statusCode, 401);
    assert.equal((await signIn()).statusCode, 401);
  });

  test('credentials are bound to the person: a token or session of an earlier holder of the id fails even if never revoked', async () => {
    const token = json<Minted>(await operatorMint(h(), { userId: 'u7' })).token;
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ email: 'u7@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u7')
          .execute();
        await setPassword(trx, 'acme', 'u7', PASSWORD, h().clock.now);
      });
    const session = await h().app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { accountId: 'acme', email: 'u7@example.com', password: PASSWORD },
    });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 200);
    assert.equal((await withCookie(cookie)).statusCode, 200);
    // What a removal and re-use leaves when the revocation is missed (a restore, a
    // hand-edited row): the id is there again, for another person.
    await h()
      .store.db.updateTable('users')
      .set({ incarnation: 'someone-else' })
      .where('account_id', '=', 'acme')
      .where('id', '=', 'u7')
      .execute();
    assert.equal((await h().request(token, 'GET', '/api/v1/me')).statusCode, 401);
    assert.equal((await withCookie(cookie)).statusCode, 401);
  });

  test('users who stay keep their credentials across imports', async () => {
    await importCompany(h(), companyWithout());
    await importCompany(h(), companyWithout('u9'));
    assert.equal((await h().request('u4', 'GET', '/api/v1/me')).statusCode, 200);
    assert.equal((await h().request('app', 'GET', '/api/v1/me')).statusCode, 200);
  });
});

describeOnEachDialect('the user incarnation migration', (dialect) => {
  test('ends what users already gone held, binds the rest to their holders, and gives never-expiring tokens an end', async () => {
    const database = freshDatabase(dialect);
    const store = await openStore(database.url, { migrate: false });
    try {
      await migrateStore(store, '2026-11-22-7-audit-chain');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = store.db as unknown as Kysely<any>;
      await db
        .insertInto('accounts')
        .values({
          id: 'a',
          name: 'A',
          plan: 'basic',
          edition: 'cloud',
          default_country: 'US',
          created_at: 0,
          policy_version: 1,
          assignments_version: 0,
          directory_version: 1,
        })
        .execute();
      await db
        .insertInto('users')
        .values({ account_id: 'a', id: 'here', position: 0, name: 'Here', active: 1, admin: 0 })
        .execute();
      const token = (id: string, user_id: string, expires_at: number | null) => ({
        id,
        account_id: 'a',
        user_id,
        app_id: null,
        scopes: '["telephony"]',
        secret_hash: 'x',
        created_at: 0,
        created_by: 'operator',
        expires_at,
        revoked_at: null,
        label: null,
      });
      await db
        .insertInto('tokens')
        .values([
          token('t-here', 'here', null),
          token('t-here-2', 'here', 5_000),
          token('t-gone', 'gone', null),
        ])
        .execute();
      for (const user_id of ['here', 'gone']) {
        await db
          .insertInto('sessions')
          .values({
            id: `s-${user_id}`,
            account_id: 'a',
            user_id,
            csrf_token: 'c',
            created_at: 0,
            expires_at: 1,
          })
          .execute();
        await db
          .insertInto('user_credentials')
          .values({ account_id: 'a', user_id, password_hash: 'h', updated_at: 0 })
          .execute();
      }
      const before = Date.now();
      await migrateStore(store);
      const tokens = await store.db
        .selectFrom('tokens')
        .select(['id', 'expires_at', 'revoked_at', 'user_incarnation'])
        .orderBy('id')
        .execute();
      assert.equal(tokens[0]!.id, 't-gone');
      assert.notEqual(tokens[0]!.revoked_at, null);
      assert.equal(tokens[1]!.revoked_at, null);
      const ninety = 90 * DAY * 1000;
      assert.ok(
        tokens[1]!.expires_at! >= before + ninety && tokens[1]!.expires_at! <= Date.now() + ninety,
      );
      assert.equal(tokens[2]!.expires_at, 5_000);
      assert.ok(tokens.every((t) => t.user_incarnation === 'initial'));
      const sessions = await store.db
        .selectFrom('sessions')
        .select(['user_id', 'user_incarnation'])
        .execute();
      assert.deepEqual(sessions, [{ user_id: 'here', user_incarnation: 'initial' }]);
      const credentials = await store.db.selectFrom('user_credentials').select('user_id').execute();
      assert.deepEqual(credentials, [{ user_id: 'here' }]);
      const users = await store.db.selectFrom('users').select(['id', 'incarnation']).execute();
      assert.deepEqual(users, [{ id: 'here', incarnation: 'initial' }]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
