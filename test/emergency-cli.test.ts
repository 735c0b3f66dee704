import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore } from '../src/store/database.js';
import { saveSettingsSection } from '../src/telephony/settings.js';
import { callgate } from './cli-run.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { COMPANY } from './fixtures.js';

/**
 * Issue 11: "Nobody can dial 911, 112 or 999 through Callgate." `callgate check` on the
 * demo company (US) and on accounts of six other countries, on both databases: each
 * country's emergency numbers, as Google's short-number metadata has them, are allowed to
 * every kind of caller with rule emergencyNumber.
 */

const dir = mkdtempSync(join(tmpdir(), 'callgate-emergency-'));
const company = join(dir, 'company.json');
// The test company, its one national number written in full (it is read in each country).
writeFileSync(company, JSON.stringify(COMPANY).replace('"(415) 555-0006"', '"+14155550006"'));

interface Answer {
  allowed: boolean;
  classification: string;
  rule: string;
}

describeOnEachDialect('emergency numbers through `callgate check`', (dialect) => {
  const database = freshDatabase(dialect);
  after(() => database.drop());
  const ask = async (account: string, user: string, phone: string): Promise<Answer> => {
    const run = await callgate(database.url, [
      'check',
      '--account',
      account,
      '--user',
      user,
      '--permission',
      'outboundCall.perform',
      '--phone',
      phone,
      '--json',
    ]);
    assert.ok(run.code === 0 || run.code === 3, run.stderr);
    return JSON.parse(run.stdout) as Answer;
  };
  const isEmergency = (answer: Answer) =>
    answer.allowed && answer.classification === 'emergency' && answer.rule === 'emergencyNumber';

  test('the demo company (US): 911, 112 and its own number for Ada, Mia, Cora and inactive Olga', async () => {
    const demo = await callgate(database.url, ['demo', '--data-dir', join(dir, `data-${dialect}`)]);
    assert.equal(demo.code, 0, demo.stderr);
    const store = await openStore(database.url);
    try {
      await store.db
        .transaction()
        .execute((trx) =>
          saveSettingsSection(
            trx,
            'demo',
            { section: 'emergency-numbers', value: { numbers: ['+1 628 555 0911'] } },
            0,
            { actor: 'cli', userId: null },
            Date.now(),
          ),
        );
    } finally {
      await store.close();
    }
    for (const user of ['ada', 'mia', 'cora', 'olga']) {
      for (const phone of ['911', '112', '+16285550911']) {
        assert.ok(isEmergency(await ask('demo', user, phone)), `${user} → ${phone}`);
      }
      assert.equal((await ask('demo', user, '999')).allowed, false, `${user} → 999 is not US`);
    }
    // The exit code says it too, and the text names the rule.
    const text = await callgate(database.url, [
      'check',
      '--account',
      'demo',
      '--user',
      'olga',
      '--permission',
      'outboundCall.perform',
      '--phone',
      '911',
    ]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /rule: emergencyNumber/);
  });

  const countries: [country: string, numbers: string[]][] = [
    ['GB', ['999', '112']],
    ['DE', ['110', '112']],
    ['FR', ['15', '17', '18', '112']],
    ['AU', ['000', '112']],
    ['JP', ['110', '119']],
    ['IN', ['100', '112']],
  ];
  for (const [country, numbers] of countries) {
    test(`an account in ${country}: ${numbers.join(', ')} for everyone, 911 for nobody`, async () => {
      const account = `acct-${country.toLowerCase()}`;
      const created = await callgate(database.url, [
        'account',
        'create',
        '--id',
        account,
        '--name',
        country,
        '--plan',
        'basic',
        '--country',
        country,
      ]);
      assert.equal(created.code, 0, created.stderr);
      const imported = await callgate(database.url, [
        'directory',
        'import',
        company,
        '--account',
        account,
      ]);
      assert.equal(imported.code, 0, imported.stderr);
      // An administrator, a manager, a user with no role, an inactive user.
      for (const user of ['u0', 'u2', 'u9', 'u8']) {
        for (const phone of numbers) {
          assert.ok(isEmergency(await ask(account, user, phone)), `${user} → ${phone}`);
        }
      }
      assert.equal(isEmergency(await ask(account, 'u2', '911')), false);
    });
  }
});
