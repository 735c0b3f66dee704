import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { migrateStore, openStore } from '../src/store/database.js';
import { searchDirectory } from '../src/store/directory-search.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { type Harness, describeHttp, grant, json } from './http.js';

interface Item {
  id: string;
  name: string;
  active?: boolean;
  email?: string | null;
  extension?: string | null;
  path?: string[];
}

async function search(h: Harness, as: string, query: string): Promise<Item[]> {
  const response = await h.request(as, 'GET', `/api/v1/directory/search?${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return json<{ items: Item[] }>(response).items;
}

const ids = (items: readonly Item[]) => items.map((i) => i.id);

describeHttp('directory search', (h) => {
  test('an employee finds colleagues by a name prefix: name prefixes before word prefixes', async () => {
    // "Max East" starts with "ma"; "Mia Manager" only has a word that does.
    assert.deepEqual(ids(await search(h(), 'u4', 'kind=user&q=ma')), ['u10', 'u4']);
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=MIA'), [
      { id: 'u4', name: 'Mia Manager', active: true, extension: '104' },
    ]);
  });

  test('an exact match comes first, then id prefixes in id order', async () => {
    assert.deepEqual(ids(await search(h(), 'u4', 'kind=user&q=u1')), ['u1', 'u10', 'u11']);
  });

  test('every word of the query must start a word of the item', async () => {
    assert.deepEqual(ids(await search(h(), 'u4', 'kind=user&q=sa%20su')), ['u5']);
    assert.deepEqual(ids(await search(h(), 'u4', 'kind=user&q=support%20sam')), ['u5']);
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=sam%20sales'), []);
  });

  test('inactive users are found and marked', async () => {
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=ina'), [
      { id: 'u8', name: 'Ina Inactive', active: false, extension: '108' },
    ]);
  });

  test('phone numbers are matched only for those who administer permissions', async () => {
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=%2B1%20415%20555%200004'), []);
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=104'), []);
    const byAdmin = await search(h(), 'u0', 'kind=user&q=%2B1%20415%20555%200004');
    assert.deepEqual(byAdmin, [
      { id: 'u4', name: 'Mia Manager', active: true, extension: '104', email: null },
    ]);
    assert.deepEqual(ids(await search(h(), 'u0', 'kind=user&q=104')), ['u4']);
    // A role with telephonySettings.modify = any is enough; a lower level is not.
    await grant(h(), { 'telephonySettings.modify': 'any' }, ['user:u7']);
    try {
      assert.deepEqual(ids(await search(h(), 'u7', 'kind=user&q=106')), ['u6']);
    } finally {
      await grant(h(), null);
    }
    assert.deepEqual(await search(h(), 'u7', 'kind=user&q=106'), []);
  });

  test('a department carries its path from the root', async () => {
    assert.deepEqual(await search(h(), 'u4', 'kind=department&q=east'), [
      { id: '3', name: 'Sales East', path: ['Company', 'Sales', 'Sales East'] },
    ]);
    assert.deepEqual(ids(await search(h(), 'u4', 'kind=department&q=s')), ['2', '3', '4']);
    assert.deepEqual(await search(h(), 'u4', 'kind=workgroup&q=x'), [
      { id: 'w1', name: 'Project X' },
    ]);
    assert.deepEqual(await search(h(), 'u4', 'kind=group&q=a'), []);
  });

  test('results are limited: 20 by default, at most 50', async () => {
    assert.equal((await search(h(), 'u4', 'kind=user&q=u&limit=2')).length, 2);
    assert.equal((await search(h(), 'u4', 'kind=user&q=u')).length, 12);
    assert.deepEqual(await search(h(), 'u4', 'kind=user&q=%20'), []);
    const tooMany = await h().request(
      'u4',
      'GET',
      '/api/v1/directory/search?kind=user&q=u&limit=51',
    );
    assert.equal(tooMany.statusCode, 400);
    const badKind = await h().request('u4', 'GET', '/api/v1/directory/search?kind=crm&q=u');
    assert.equal(badKind.statusCode, 400);
    const anonymous = await h().request(null, 'GET', '/api/v1/directory/search?kind=user&q=u');
    assert.equal(anonymous.statusCode, 401);
  });
});

describeOnEachDialect('the directory search migration', (dialect) => {
  test('backfills the terms of directories imported before it', async () => {
    const database = freshDatabase(dialect);
    const store = await openStore(database.url, { migrate: false });
    try {
      await migrateStore(store, '2026-12-06-40-bitrix');
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
        .values({
          account_id: 'a',
          id: 'u1',
          position: 0,
          name: 'José Núñez',
          email: 'jose@example.com',
          active: 1,
          admin: 0,
          phone_work: '+14155550123',
        })
        .execute();
      await db
        .insertInto('departments')
        .values({ account_id: 'a', id: 'd1', position: 0, name: 'Ventas', parent_id: null })
        .execute();
      await migrateStore(store);
      const search = (kind: 'user' | 'department', query: string) =>
        searchDirectory(store.db, 'a', {
          kind,
          query,
          fields: ['id', 'name', 'word', 'email', 'phone'],
          limit: 5,
        });
      assert.deepEqual(await search('user', 'nun'), [{ id: 'u1', rank: 5 }]);
      assert.deepEqual(await search('user', 'JOSÉ NÚ'), [{ id: 'u1', rank: 2 }]);
      assert.deepEqual(await search('user', 'jose@'), [{ id: 'u1', rank: 3 }]);
      assert.deepEqual(await search('user', '+1 (415) 555'), [{ id: 'u1', rank: 4 }]);
      assert.deepEqual(await search('department', 'ven'), [{ id: 'd1', rank: 2 }]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
