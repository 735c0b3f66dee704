import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Journeys,
  screenshot,
  signIn,
  skipReason,
  startJourneys,
  unlabelledControls,
} from './harness.js';

describe('browser: an administrator manages access permissions', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys();
  });
  after(async () => {
    await journeys?.close();
  });

  test('Ada creates a role, assigns it to Sales with its sub-departments, previews, saves; Mia’s effective permissions show it', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'ada@northwind.example');

    // Roles → Add role: one row per permission, levels as labelled radio groups.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Roles' })
      .click();
    await page.getByRole('link', { name: 'Add role' }).click();
    await page.getByLabel('Role name').fill('Recording reviewer');
    await page
      .getByRole('group', { name: 'Call statistics' })
      .getByLabel('Calls of their department')
      .check();
    await page
      .getByRole('group', { name: 'Call recording: delete' })
      .getByLabel('Recordings of own calls')
      .check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByText('Role “Recording reviewer” created.').waitFor();
    await page.getByRole('heading', { name: 'Recording reviewer' }).waitFor();

    // Assignments → Add access permission: Sales, with its sub-departments.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Assignments' })
      .click();
    const add = page.getByRole('form', { name: 'Add access permission' });
    await add
      .getByLabel('Give access to')
      .selectOption({ label: 'Department, with sub-departments' });
    await add.getByRole('combobox', { name: 'Department' }).fill('sales');
    await add
      .getByRole('option')
      .filter({ has: page.locator('.combobox-name', { hasText: /^Sales$/ }) })
      .click();
    await add.getByLabel('Role').selectOption({ label: 'Recording reviewer' });
    await add.getByRole('button', { name: 'Add' }).click();

    // The preview names who gains which level, before anything is saved.
    const preview = page.getByRole('region', { name: 'Preview of the change' });
    const miaRow = preview
      .getByRole('row')
      .filter({ hasText: 'Mia Manager' })
      .filter({ hasText: 'Call statistics' });
    await miaRow.waitFor();
    const miaText = (await miaRow.textContent()) ?? '';
    assert.match(miaText, /Own calls only/, 'the preview shows Mia’s level now');
    assert.match(miaText, /gains Calls of their department/, 'and the level she gains');
    const maxDelete = preview
      .getByRole('row')
      .filter({ hasText: 'Max Manager' })
      .filter({ hasText: 'Call recording: delete' });
    assert.match((await maxDelete.textContent()) ?? '', /gains Recordings of own calls/);
    // Someone outside Sales is not in the preview.
    assert.equal(await preview.getByRole('row').filter({ hasText: 'Tess Tech' }).count(), 0);
    await screenshot(page, 'journey-1-admin-assignment-preview');

    // The preview saved nothing: the stored set does not name the new role yet.
    const roles = (await (await page.request.get('/api/v1/roles')).json()) as {
      id: string;
      name: string;
    }[];
    const created = roles.find((role) => role.name === 'Recording reviewer');
    assert.ok(created, 'the role was created');
    const saved = (await (await page.request.get('/api/v1/role-assignments')).json()) as {
      items: { roleId: string }[];
    };
    assert.ok(!saved.items.some((item) => item.roleId === created.id), 'the preview saved nothing');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The assignments were saved.').waitFor();

    // Effective permissions of a member: the new level, and why.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Effective permissions' })
      .click();
    await page.getByRole('combobox', { name: 'Employee' }).fill('mia');
    await page.getByRole('option', { name: 'Mia Manager' }).click();
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Call statistics' }) });
    await row.getByText('Calls of their department').waitFor();
    assert.match(
      (await row.textContent()) ?? '',
      /Role “Recording reviewer” through Department: Sales, with sub-departments/,
    );
    const deleteRow = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Call recording: delete' }) });
    assert.match((await deleteRow.textContent()) ?? '', /Recordings of own calls/);

    // View as Mia: her call list now spans Sales East, exactly as the server answers her.
    await page.getByRole('button', { name: 'Calls as Mia Manager' }).click();
    const employees = page.locator('table.calls-table tbody td[data-label="Employee"]');
    await employees.first().waitFor();
    const names = new Set(await employees.allTextContents());
    assert.ok(
      names.has('Mia Manager') && names.size > 1,
      `more than her own calls: ${[...names].join(', ')}`,
    );
    for (const name of names)
      assert.ok(
        ['Erik East', 'Max Manager', 'Mia Manager'].includes(name),
        `${name} is in Sales East`,
      );
    await screenshot(page, 'journey-1-admin-effective-permissions');
  });

  test('every control on the administration pages has a label', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'ada@northwind.example');
    const pages = [
      '/calls',
      '/statistics',
      '/dial',
      '/settings',
      '/admin/roles',
      '/admin/roles/new',
      '/admin/assignments',
      '/admin/effective?user=erik',
      '/admin/recordings-folder',
      '/admin/audit',
    ];
    for (const path of pages) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const controls = await page.locator('input, select, textarea').count();
      assert.ok(controls > 0 || path === '/admin/roles', `${path} has form controls to check`);
      assert.deepEqual(await unlabelledControls(page), [], `unlabelled controls on ${path}`);
    }
  });
});
