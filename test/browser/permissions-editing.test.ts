import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  type Journeys,
  assertBadgeBesideName,
  screenshot,
  signIn,
  skipReason,
  startJourneys,
} from './harness.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Engine wording that must never reach a person (issue 13, item 2). */
const ENGINE_TEXT = /within scope|outside scope|level crmClients|not found|belongs to|refuses them/;

/** Whether the element is wholly inside the window, without scrolling. */
async function isInView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box !== null && viewport !== null);
  return box.y >= 0 && box.y + box.height <= viewport.height;
}

/** Adds "User <name> → <role>" in the assignments page's add form. */
async function addAssignment(page: Page, search: string, name: string, role: string) {
  const add = page.getByRole('form', { name: 'Add access permission' });
  await add.getByLabel('Give access to').selectOption({ label: 'User' });
  await add.getByRole('combobox', { name: 'User' }).fill(search);
  await add.getByRole('option', { name }).click();
  await add.getByLabel('Role').selectOption({ label: role });
  return add;
}

describe('browser: permissions screens that explain and keep work', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys();
  });
  after(async () => {
    await journeys?.close();
  });

  test('administrator role cards show the override, not “Access denied”; a new role gets a readable id', async () => {
    const page = await journeys.newPage(DESKTOP);
    await signIn(page, 'ada@northwind.example');
    await page.goto('/admin/roles');
    const card = page.locator('.role-card').filter({
      has: page.getByRole('heading', { name: 'Administrator', exact: true }),
    });
    await card.waitFor();
    for (const permission of ['Call recording: delete', 'Manage balance']) {
      const row = card.locator('.role-levels > div').filter({ hasText: permission });
      const text = (await row.textContent()) ?? '';
      assert.match(text, /administrator override/, `${permission}: ${text}`);
      assert.doesNotMatch(text, /Access denied/, `${permission} reads as refused: ${text}`);
    }
    // A role given to others keeps its plain levels.
    const manager = page.locator('.role-card').filter({
      has: page.getByRole('heading', { name: 'Manager', exact: true }),
    });
    assert.doesNotMatch((await manager.textContent()) ?? '', /administrator override/);
    await screenshot(page, 'permissions-editing-role-cards');

    // The override is explained where levels are shown, not on the roles page alone: the
    // role editor says it, beside each level below the highest…
    await page.goto('/admin/roles/administrator');
    await page.getByText(/Everyone holding this role is an account administrator/).waitFor();
    for (const permission of ['Call recording: delete', 'Manage balance']) {
      const row = page.getByRole('group', { name: permission });
      const text = (await row.textContent()) ?? '';
      assert.match(text, /\(administrator override\)/, `${permission}: ${text}`);
    }
    // …but not for a role given to others.
    await page.goto('/admin/roles/manager');
    await page.getByRole('heading', { name: /Manager/ }).waitFor();
    assert.equal(await page.getByText(/administrator override/).count(), 0);

    // An administrator's effective permissions say it too.
    await page.goto('/admin/effective?user=ada');
    for (const permission of ['Call recording: delete', 'Manage balance']) {
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: permission }) });
      await row.locator('[data-override="administrator"]').waitFor();
      const text = (await row.textContent()) ?? '';
      assert.match(text, /administrator override/, `${permission}: ${text}`);
      assert.doesNotMatch(text, /Access denied/, `${permission} reads as refused: ${text}`);
    }

    await page.goto('/admin/roles');
    await page.getByRole('link', { name: 'Add role' }).click();
    await page.getByLabel('Role name').fill('Sales lead');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByText('Role “Sales lead” created.').waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'Sales lead', exact: true }).getAttribute('href'),
      '/admin/roles/sales-lead',
    );
  });

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    test(`keyboard only (${size}): leaving the role editor with unsaved changes asks; Escape stays, Leave discards`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      await page.goto('/admin/roles/manager');
      const name = page.getByLabel('Role name');
      await name.focus();
      await page.keyboard.press('End');
      await page.keyboard.type(' (draft)');
      // The Save button stays in sight while there is something to save.
      const bar = page.locator('.save-bar');
      await bar.waitFor();
      assert.ok(await isInView(page, bar), 'the save bar is in view');

      // A keyboard user reaches a navigation link (on a phone, through the menu button) and
      // presses Enter.
      const assignments = page
        .getByRole('navigation', { name: 'Main', includeHidden: true })
        .getByRole('link', { name: 'Assignments', includeHidden: true });
      const followLink = async () => {
        const menu = page.getByRole('button', { name: 'Menu' });
        if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') {
          await menu.focus();
          await page.keyboard.press('Enter');
          await assignments.waitFor();
        }
        await assignments.focus();
        await page.keyboard.press('Enter');
      };
      await followLink();
      const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
      await dialog.waitFor();
      assert.equal(
        await page.evaluate<string | null | undefined>('document.activeElement?.textContent'),
        'Stay and keep editing',
        'the dialog takes the focus, on the safe choice',
      );
      await screenshot(page, `permissions-editing-leave-dialog-${size}`, false);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(new URL(page.url()).pathname, '/admin/roles/manager');
      assert.equal(await name.inputValue(), 'Manager (draft)', 'the change is still there');

      await followLink();
      await dialog.waitFor();
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate<string | null | undefined>('document.activeElement?.textContent'),
        'Leave without saving',
      );
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Assignments' }).waitFor();
      const roles = (await (await page.request.get('/api/v1/roles')).json()) as {
        id: string;
        name: string;
      }[];
      assert.equal(roles.find((r) => r.id === 'manager')?.name, 'Manager', 'nothing was saved');
    });
  }

  test('closing the tab with unsaved assignments asks the browser’s question', async () => {
    const page = await journeys.newPage(DESKTOP);
    await signIn(page, 'ada@northwind.example');
    await page.goto('/admin/assignments');
    await (
      await addAssignment(page, 'cora', 'Cora Contractor', 'Manager')
    )
      .getByRole('button', { name: 'Add' })
      .click();
    await page.locator('.save-bar').waitFor();
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      }),
    );
    await page.close({ runBeforeUnload: true });
    assert.equal(await asked, 'beforeunload');
  });

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    test(`assignments at ${size} width: Save in view after Add, removed rows struck through, a past expiry refused`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      await page.goto('/admin/assignments');
      const add = await addAssignment(page, 'cora', 'Cora Contractor', 'Manager');

      await add.getByLabel('Expires after (optional)').fill('2020-01-01');
      await add.getByRole('button', { name: 'Add' }).click();
      assert.match(
        (await add.getByRole('alert').textContent()) ?? '',
        /expiry date is in the past/,
      );
      assert.equal(await page.locator('.save-bar').count(), 0, 'nothing was added');

      await add.getByLabel('Expires after (optional)').fill('');
      await add.getByRole('button', { name: 'Add' }).click();
      const bar = page.getByRole('region', { name: 'Unsaved changes' });
      await bar.getByText(/gain or lose access|gains or loses access/).waitFor();
      assert.ok(await isInView(page, bar), 'the preview’s verdict and Save are in view');
      assert.ok(
        await isInView(page, bar.getByRole('button', { name: 'Save changes' })),
        'Save is in view',
      );
      await screenshot(page, `permissions-editing-assignments-${size}`, false);
      await assertBadgeBesideName(
        page.locator('tr[data-state="new"]').getByRole('cell').first(),
        `Cora’s new assignment (${size})`,
      );

      // Removing a saved row keeps it, struck through, until the save.
      await page
        .getByRole('button', {
          name: 'Remove CRM caller from Department: Support, with sub-departments',
        })
        .click();
      const removed = page.locator('tr[data-state="removed"]');
      await removed.waitFor();
      assert.match((await removed.textContent()) ?? '', /Support/);
      const decoration = await page.evaluate<string>(
        `getComputedStyle(document.querySelector('tr[data-state="removed"] td')).textDecorationLine`,
      );
      assert.match(decoration, /line-through/);
      await removed.getByRole('button', { name: /^Keep CRM caller/ }).click();
      assert.equal(await page.locator('tr[data-state="removed"]').count(), 0, 'undone');
      // A role changed in place: "was …" beside the role's field, not under the cell's label.
      await page.getByLabel('Role of User: Erik East').selectOption({ label: 'Manager' });
      await assertBadgeBesideName(
        page.locator('tr[data-state="changed"]').getByRole('cell').nth(1),
        `Erik’s changed role (${size})`,
      );

      await bar.getByRole('button', { name: 'Discard changes' }).click();
      await bar.waitFor({ state: 'detached' });
    });
  }

  test('the role is changed in place on an assignment row, previewed and saved', async () => {
    const page = await journeys.newPage(DESKTOP);
    await signIn(page, 'ada@northwind.example');
    await page.goto('/admin/assignments');
    await page.getByLabel('Role of User: Erik East').selectOption({ label: 'Manager' });
    const row = page.locator('tr[data-state="changed"]');
    assert.match((await row.textContent()) ?? '', /was Head of department/);
    const preview = page.getByRole('region', { name: 'Preview of the change' });
    await preview.getByRole('row').filter({ hasText: 'Erik East' }).first().waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The assignments were saved.').waitFor();
    const saved = (await (await page.request.get('/api/v1/role-assignments')).json()) as {
      items: { roleId: string; accessCode: string }[];
    };
    assert.deepEqual(
      saved.items.filter((item) => item.accessCode === 'user:erik').map((item) => item.roleId),
      ['manager'],
    );
  });

  test('the recordings folder previews who loses listening; effective permissions then show Max closed out', async () => {
    const page = await journeys.newPage(DESKTOP);
    await signIn(page, 'ada@northwind.example');
    await page.goto('/admin/recordings-folder');
    const add = page.getByRole('form', { name: 'Add to the list' });
    await add.getByLabel('Who').selectOption({ label: 'User' });
    await add.getByRole('combobox', { name: 'User' }).fill('max');
    await add.getByRole('option', { name: 'Max Manager' }).click();
    await add.getByLabel('Access').selectOption({ label: 'No access' });
    await add.getByRole('button', { name: 'Add' }).click();
    const preview = page.getByRole('region', { name: 'Preview of the change' });
    const maxRow = preview.getByRole('row').filter({ hasText: 'Max Manager' });
    await maxRow.waitFor();
    assert.match((await maxRow.textContent()) ?? '', /Call recording: listen/);
    const bar = page.getByRole('region', { name: 'Unsaved changes' });
    assert.ok(await isInView(page, bar));
    await bar.getByRole('button', { name: 'Save changes' }).click();
    await bar.waitFor({ state: 'detached' });

    await page.goto('/admin/effective?user=max');
    const listen = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Call recording: listen' }) });
    await listen.getByText('Closed', { exact: true }).waitFor();
    const text = (await listen.textContent()) ?? '';
    assert.match(text, /“Recorded calls” folder is closed to Max Manager/);
    await screenshot(page, 'permissions-editing-effective-folder');

    // The outbound rules come from the check: a blocked number, worded.
    await page.getByLabel('Number', { exact: true }).fill('+19005550100');
    await page.getByRole('button', { name: 'Check' }).click();
    const verdict = page.locator('.try-number [data-rule]');
    await verdict.waitFor();
    const said = (await verdict.textContent()) ?? '';
    assert.doesNotMatch(said, ENGINE_TEXT);
    assert.match(said, /blocked numbers list: nobody may call it/);
  });

  test('on a phone, Max reads his refusals in plain words: the closed folder, a call he cannot see', async () => {
    const page = await journeys.newPage(PHONE);
    await signIn(page, 'max@northwind.example');
    const calls = (await (await page.request.get('/api/v1/calls?limit=500')).json()) as {
      items: { id: string; userId: string | null; hasRecording: boolean }[];
    };
    const own = calls.items.find((call) => call.userId === 'max' && call.hasRecording);
    assert.ok(own, 'Max has a recorded call of his own');
    await page.goto(`/calls/${own.id}`);
    const refusal = page.getByTestId('listen-refusal');
    await refusal.waitFor();
    const text = (await refusal.textContent()) ?? '';
    assert.match(text, /The recordings folder is closed to you\. Ask an administrator\./);
    assert.doesNotMatch(text, ENGINE_TEXT);
    await screenshot(page, 'permissions-editing-max-folder-closed');

    await page.goto('/calls/call-9999');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const missing = (await alert.textContent()) ?? '';
    assert.match(missing, /This call does not exist, or is not one you may see\./);
    assert.doesNotMatch(missing, ENGINE_TEXT);
  });

  test('on a phone, Cora’s dial pad says why a number is refused without engine text', async () => {
    const page = await journeys.newPage(PHONE);
    await signIn(page, 'cora@contractor.example');
    await page.goto('/dial');
    await page.getByLabel('Number to call').fill('+14155550199');
    const verdict = page.locator('.verdict-denied');
    await verdict.waitFor();
    const text = (await verdict.textContent()) ?? '';
    assert.doesNotMatch(text, ENGINE_TEXT);
    assert.match(text, /your outbound calls are “CRM clients only”/);
  });
});
