import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateStore, openStore } from '../src/store/database.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { describeHttp, json, seedAccount } from './http.js';

type Settings = { sipLogin: string | null; version: number };
type Error = { error: { code: string; message: string } };

describeHttp('SIP logins are one user’s per account (issue 10, item 10)', (h) => {
  const url = (userId: string) => `/api/v1/users/${userId}/telephony-settings`;
  const save = async (userId: string, sipLogin: string | null) => {
    const current = json<Settings>(await h().request('u0', 'GET', url(userId)));
    return h().request(
      'u0',
      'PUT',
      url(userId),
      { device: sipLogin === null ? null : 'sip', sipLogin, callerIdNumber: null },
      { 'if-match': `"${current.version}"` },
    );
  };

  test('a login another user holds is a 409 conflict; the holder may save it again', async () => {
    assert.equal((await save('u4', 'desk-1')).statusCode, 200);
    const clash = await save('u6', 'desk-1');
    assert.equal(clash.statusCode, 409, clash.body);
    assert.equal(json<Error>(clash).error.code, 'conflict');
    assert.doesNotMatch(json<Error>(clash).error.message, /u4/, 'the holder is not named');
    assert.equal(json<Settings>(await h().request('u0', 'GET', url('u6'))).sipLogin, null);
    assert.equal((await save('u4', 'desk-1')).statusCode, 200);
    // Once given up, the login is free.
    assert.equal((await save('u4', 'desk-2')).statusCode, 200);
    assert.equal((await save('u6', 'desk-1')).statusCode, 200);
  });

  test('two saves racing for one login: one wins, the other is a conflict, never a 500', async () => {
    const answers = await Promise.all([save('u7', 'desk-9'), save('u10', 'desk-9')]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
  });

  test('the same login in another account is no clash', async () => {
    const tokens = await seedAccount(h().store, 'globex', h().clock.now);
    const response = await h().request(
      tokens.u0!,
      'PUT',
      url('u4'),
      { device: 'sip', sipLogin: 'desk-1', callerIdNumber: null },
      { 'if-match': '"0"' },
    );
    assert.equal(response.statusCode, 200, response.body);
  });
});

describeOnEachDialect('the unique SIP login migration keeps the first holder', (dialect) => {
  test('shared logins stay with whoever saved first; the others lose them, at a new version', async () => {
    const database = freshDatabase(dialect);
    const store = await openStore(database.url, { migrate: false });
    try {
      await migrateStore(store, '2026-12-06-10-user-incarnation');
      await store.db
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
          directory_version: 0,
        })
        .execute();
      const row = (user_id: string, sip_login: string | null, updated_at: number) => ({
        account_id: 'a',
        user_id,
        device: sip_login === null ? null : 'sip',
        sip_login,
        sip_secret: null,
        caller_id_number: null,
        version: 3,
        updated_at,
      });
      await store.db
        .insertInto('user_telephony_settings')
        .values([
          row('late', 'shared', 20),
          row('first', 'shared', 10),
          row('tie-b', 'tied', 5),
          row('tie-a', 'tied', 5),
          row('alone', 'own', 30),
          row('none-1', null, 1),
          row('none-2', null, 1),
        ])
        .execute();
      await migrateStore(store);
      const after = await store.db
        .selectFrom('user_telephony_settings')
        .select(['user_id', 'sip_login', 'version'])
        .orderBy('user_id')
        .execute();
      assert.deepEqual(after, [
        { user_id: 'alone', sip_login: 'own', version: 3 },
        { user_id: 'first', sip_login: 'shared', version: 3 },
        { user_id: 'late', sip_login: null, version: 4 },
        { user_id: 'none-1', sip_login: null, version: 3 },
        { user_id: 'none-2', sip_login: null, version: 3 },
        { user_id: 'tie-a', sip_login: 'tied', version: 3 },
        { user_id: 'tie-b', sip_login: null, version: 4 },
      ]);
      await assert.rejects(
        store.db
          .insertInto('user_telephony_settings')
          .values(row('another', 'own', 40))
          .execute(),
      );
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
