import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setPassword } from '../../src/telephony/credentials.js';
import { createAccount } from '../../src/telephony/accounts.js';
import { importDirectory } from '../../src/telephony/directory.js';
import {
  DEMO_PASSWORD,
  type Journeys,
  screenshot,
  signIn,
  skipReason,
  startJourneys,
} from './harness.js';

/** A small company on the free plan: Fay administers, Finn works in Sales. */
const FREECO = {
  departments: [
    { id: 'hq', name: 'Freeco', parentId: null, headUserId: 'fay' },
    { id: 'sales', name: 'Sales', parentId: 'hq', headUserId: null },
  ],
  users: [
    {
      id: 'fay',
      name: 'Fay Founder',
      email: 'fay@freeco.example',
      admin: true,
      departmentIds: ['hq'],
    },
    { id: 'finn', name: 'Finn Seller', email: 'finn@freeco.example', departmentIds: ['sales'] },
  ],
};

describe('browser: the free plan', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys({
      seed: async (db, now) => {
        await createAccount(db, { id: 'freeco', name: 'Freeco', plan: 'free' }, 'operator', now);
        await importDirectory(db, 'freeco', FREECO, 'operator', now);
        for (const user of FREECO.users)
          await setPassword(db, 'freeco', user.id, DEMO_PASSWORD, now);
      },
    });
  });
  after(async () => {
    await journeys?.close();
  });

  test('on the free plan the role editor is read-only and says why', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'fay@freeco.example', 'freeco');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Roles' })
      .click();
    const notice = page.getByRole('note', { name: 'Plan limit' });
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /not available on the free plan/);
    assert.equal(
      await page.getByRole('link', { name: 'Add role' }).count(),
      0,
      'no way to add a role',
    );

    await page.getByRole('link', { name: 'View role Manager' }).click();
    await page.getByRole('heading', { name: 'Role: Manager' }).waitFor();
    await page.getByRole('note', { name: 'Plan limit' }).waitFor();
    assert.ok(await page.getByLabel('Role name').isDisabled(), 'the name cannot be changed');
    const radios = page.getByRole('radio');
    assert.ok((await radios.count()) >= 20, 'every level is shown');
    for (const radio of await radios.all())
      assert.ok(await radio.isDisabled(), 'no level can be chosen');
    assert.ok(
      await page
        .getByRole('group', { name: 'Call statistics' })
        .getByLabel('Own calls only')
        .isChecked(),
    );
    assert.equal(
      await page.getByRole('button', { name: /save|delete|create/i }).count(),
      0,
      'nothing to save',
    );
    await screenshot(page, 'journey-5-free-plan-read-only');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Assignments' })
      .click();
    await page.getByRole('note', { name: 'Plan limit' }).waitFor();
    await page.getByRole('cell', { name: 'Account administrators' }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Add access permission' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /remove/i }).count(), 0);
  });
});
