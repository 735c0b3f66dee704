import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Store, openStore } from '../src/store/database.js';
import { insertSipConnection } from '../src/store/sip-connections.js';
import { type SealedValue, listSealedValues } from '../src/store/sealed.js';
import { topUpBalance } from '../src/telephony/balance.js';
import {
  addNumbersToInventory,
  changeNumberConnection,
  rentNumber,
} from '../src/telephony/numbers.js';
import { loadPolicyState } from '../src/telephony/policy.js';
import { Secrets } from '../src/telephony/secrets.js';
import { changeUserSettings, readUserSettings } from '../src/telephony/user-settings.js';
import { type Run, callgate } from './cli-run.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { START, seedAccount } from './http.js';

const OLD_KEY = Buffer.alloc(32, 1);
const NEW_KEY = Buffer.alloc(32, 2);
const OTHER_KEY = Buffer.alloc(32, 3);
const NUMBERS = ['+16285550140', '+16285550141', '+16285550142'];

/** The plaintexts, by where they are sealed. */
const PLAIN: Record<string, string> = {
  'acme/u4': 'sip-secret-u4-Xq81',
  'acme/u10': 'sip-secret-u10-Pw27',
  'beta/u4': 'sip-secret-beta-Ha55',
  [`acme/${NUMBERS[0]}`]: 'trunk-password-0-Zz90',
  [`beta/${NUMBERS[1]}`]: 'trunk-password-1-Kk13',
  // A SIP connection (voximplant.sip.add), by its id: the first one made.
  'beta/sip:1': 'pbx-password-Rr42',
};

const whereOf = (value: SealedValue): string => {
  switch (value.column) {
    case 'account_numbers.sip_password':
      return `${value.accountId}/${value.number}`;
    case 'user_telephony_settings.sip_secret':
      return `${value.accountId}/${value.userId}`;
    case 'sip_connections.password':
      return `${value.accountId}/sip:${value.connectionId}`;
  }
};

const cli = (db: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> =>
  callgate(db, args, env);

describeOnEachDialect('secrets rotate', (dialect) => {
  let store: Store;
  let url: string;
  let drop: () => Promise<void>;
  const old = new Secrets(OLD_KEY);

  before(async () => {
    const database = freshDatabase(dialect);
    ({ url, drop } = database);
    store = await openStore(url);
    await store.db.transaction().execute((trx) =>
      addNumbersToInventory(
        trx,
        NUMBERS.map((number) => ({ number, country: 'US', monthlyFee: 5, currency: 'USD' })),
      ),
    );
    for (const accountId of ['acme', 'beta']) {
      await seedAccount(store, accountId, START);
      await topUpBalance(store.db, accountId, { amount: 100 }, 'operator', START);
    }
    for (const [where, plaintext] of Object.entries(PLAIN)) {
      const [accountId, item] = where.split('/') as [string, string];
      await store.db.transaction().execute(async (trx) => {
        if (item.startsWith('sip:')) {
          const fields = { type: 'cloud', title: 'PBX', server: 'pbx.example', login: 'pbx' };
          await insertSipConnection(
            trx,
            accountId,
            { ...fields, sealedPassword: old.encrypt(plaintext) },
            START,
          );
          return;
        }
        if (item.startsWith('+')) {
          await rentNumber(trx, accountId, item, 'operator', START);
          const input = { host: 'pbx.example', username: 'trunk', password: plaintext };
          await changeNumberConnection(trx, accountId, item, input, old, 'operator', START);
          return;
        }
        const { policy } = await loadPolicyState(trx, accountId, START);
        const input = { device: 'sip', sipLogin: item, sipSecret: plaintext, callerIdNumber: null };
        await changeUserSettings(
          trx,
          { accountId, policy },
          'u0',
          item,
          input as never,
          0,
          old,
          START,
        );
      });
    }
  });
  after(async () => {
    await store.close();
    await drop();
  });

  const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    CALLGATE_SECRET_KEY: OLD_KEY.toString('base64'),
    CALLGATE_NEW_SECRET_KEY: NEW_KEY.toString('hex'),
    ...overrides,
  });

  test('the setup sealed every secret under the old key', async () => {
    const values = await listSealedValues(store.db);
    assert.deepEqual(values.map(whereOf).sort(), Object.keys(PLAIN).sort());
    for (const value of values) assert.equal(old.decrypt(value.sealed), PLAIN[whereOf(value)]);
  });

  test('keys come from environment variables, never from the command line', async () => {
    const missing = await cli(
      url,
      { CALLGATE_SECRET_KEY: OLD_KEY.toString('base64') },
      'secrets',
      'rotate',
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /CALLGATE_NEW_SECRET_KEY is not set/);
    const same = await cli(
      url,
      env({ CALLGATE_NEW_SECRET_KEY: OLD_KEY.toString('hex') }),
      'secrets',
      'rotate',
    );
    assert.equal(same.code, 2);
    const short = await cli(url, env({ CALLGATE_NEW_SECRET_KEY: 'c2hvcnQ=' }), 'secrets', 'rotate');
    assert.equal(short.code, 2);
    assert.doesNotMatch(short.stderr, /c2hvcnQ/);
    const onTheLine = await cli(
      url,
      env(),
      'secrets',
      'rotate',
      '--new-key',
      NEW_KEY.toString('hex'),
    );
    assert.equal(onTheLine.code, 2);
    const sealed = (await listSealedValues(store.db)).map((value) => value.sealed);
    for (const value of sealed) assert.equal(typeof old.decrypt(value), 'string');
  });

  test('a value the current key cannot open fails the rotation and changes nothing', async () => {
    const before = await listSealedValues(store.db);
    // The last value read (the rotation reads user secrets, then number passwords) is foreign.
    const foreign = new Secrets(OTHER_KEY).encrypt('sealed elsewhere');
    await store.db
      .updateTable('account_numbers')
      .set({ sip_password: foreign })
      .where('number', '=', NUMBERS[1]!)
      .execute();
    const failed = await cli(url, env(), 'secrets', 'rotate');
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(
      failed.stderr,
      new RegExp(`SIP password of number \\${NUMBERS[1]} of account beta cannot be opened`),
    );
    const after = await listSealedValues(store.db);
    assert.deepEqual(
      after.map((value) => value.sealed),
      before.map((value) =>
        value.column === 'account_numbers.sip_password' && value.number === NUMBERS[1]
          ? foreign
          : value.sealed,
      ),
    );
    // Put the real one back for the next test.
    await store.db
      .updateTable('account_numbers')
      .set({ sip_password: old.encrypt(PLAIN[`beta/${NUMBERS[1]}`]!) })
      .where('number', '=', NUMBERS[1]!)
      .execute();
  });

  test('after a rotation the new key opens every value and the old key none', async () => {
    const versions = await store.db
      .selectFrom('user_telephony_settings')
      .select(['account_id', 'user_id', 'version'])
      .orderBy('account_id')
      .orderBy('user_id')
      .execute();
    const rotated = await cli(
      url,
      { MY_OLD: OLD_KEY.toString('hex'), MY_NEW: NEW_KEY.toString('base64') },
      'secrets',
      'rotate',
      '--old-key-env',
      'MY_OLD',
      '--new-key-env',
      'MY_NEW',
    );
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(
      rotated.stdout,
      /3 in user_telephony_settings\.sip_secret, 2 in account_numbers\.sip_password/,
    );
    const fresh = new Secrets(NEW_KEY);
    const values = await listSealedValues(store.db);
    assert.equal(values.length, Object.keys(PLAIN).length);
    for (const value of values) {
      assert.equal(fresh.decrypt(value.sealed), PLAIN[whereOf(value)]);
      assert.throws(() => old.decrypt(value.sealed));
    }
    // The service reads them back with the new key; the settings' versions did not move.
    const { policy } = await loadPolicyState(store.db, 'acme', START);
    const view = await readUserSettings(store.db, { accountId: 'acme', policy }, 'u0', 'u4', fresh);
    assert.equal(view.sipSecret, PLAIN['acme/u4']);
    assert.deepEqual(
      await store.db
        .selectFrom('user_telephony_settings')
        .select(['account_id', 'user_id', 'version'])
        .orderBy('account_id')
        .orderBy('user_id')
        .execute(),
      versions,
    );
  });
});

describe('sealed columns', () => {
  test('the code seals values only where key rotation looks for them', () => {
    const root = join(import.meta.dirname, '..', '..');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    const sealing = walk(join(root, 'src'))
      .filter((file) => file.endsWith('.ts') && /\.encrypt\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file).replaceAll('\\', '/'))
      .sort();
    // user-settings.ts seals user_telephony_settings.sip_secret, numbers.ts
    // account_numbers.sip_password (store/sealed.ts); key-rotation.ts re-seals both.
    assert.deepEqual(sealing, [
      'src/telephony/key-rotation.ts',
      'src/telephony/numbers.ts',
      'src/telephony/sip-connections.ts',
      'src/telephony/user-settings.ts',
    ]);
  });
});
