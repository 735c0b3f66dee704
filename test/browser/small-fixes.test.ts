import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Journeys, signIn, skipReason, startJourneys } from './harness.js';

/**
 * Issue 13, item 11: the sign-in helper lists Carla; a success notice is shown once and
 * not kept in the URL; the pages say “your”, not “their”; the audit log's details name
 * people instead of showing JSON with internal ids, and its person is found by search.
 */
describe('browser: issue 13 small fixes', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys();
  });
  after(async () => {
    await journeys?.close();
  });

  test('the sign-in helper offers Carla, and fills in her email', async () => {
    const page = await journeys.newPage();
    await page.goto('/sign-in');
    await page.getByText('Trying the demo company?').click();
    await page.getByRole('button', { name: /Carla, chief executive/ }).click();
    assert.equal(await page.getByLabel('Email').inputValue(), 'carla@northwind.example');
  });

  test('a success notice is shown once: it leaves the URL and does not come back on reload or Back', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'ada@northwind.example');
    await page.goto('/admin/roles/new');
    await page.getByLabel('Role name').fill('Auditor');
    await page.getByRole('button', { name: 'Create role' }).click();
    const notice = page.getByText('Role “Auditor” created.');
    await notice.waitFor();
    await page.getByRole('heading', { name: 'Auditor' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/roles');
    assert.equal(new URL(page.url()).search, '', page.url());
    await page.reload();
    await page.getByRole('heading', { name: 'Auditor' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await notice.count(), 0, 'no notice after a reload');

    // Away and Back: the roles page again, without the notice.
    await page.goto('/admin/assignments');
    await page.getByRole('heading', { level: 1, name: 'Assignments' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Auditor' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await notice.count(), 0, 'no notice after Back');
  });

  test('the pages speak to the reader: “your department”, not “their department”', async () => {
    for (const [email, level] of [
      ['erik@northwind.example', 'calls of your department'],
      ['mia@northwind.example', 'your own calls only'],
    ] as const) {
      const page = await journeys.newPage();
      await signIn(page, email);
      for (const path of ['/calls', '/statistics']) {
        await page.goto(path);
        const lead = page.locator('p.lead').first();
        await lead.waitFor();
        const text = (await lead.textContent()) ?? '';
        assert.ok(text.includes(level), `${email} on ${path}: ${text}`);
        assert.doesNotMatch(text, /\btheir\b/, text);
      }
      await page.close();
    }
  });

  test('audit details are fields with names, not JSON with internal ids', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'ada@northwind.example');
    // A change that names a person by access code: the recordings folder closed to Max.
    const { csrfToken } = (await (await page.request.get('/api/v1/session')).json()) as {
      csrfToken: string;
    };
    const folder = (await (
      await page.request.get('/api/v1/settings/recordings-folder')
    ).json()) as { value: { entries: unknown[] }; version: number };
    const saved = await page.request.put('/api/v1/settings/recordings-folder', {
      headers: { 'x-csrf-token': csrfToken, 'if-match': `"${folder.version}"` },
      data: { entries: [...folder.value.entries, { accessCode: 'user:max', access: 'none' }] },
    });
    assert.equal(saved.status(), 200, await saved.text());

    await page.goto('/admin/audit');
    const row = page.getByRole('row').filter({ hasText: 'Recorded calls folder access changed' });
    await row.first().getByText('Show').click();
    const details = row.first().locator('details');
    const text = (await details.textContent()) ?? '';
    assert.match(text, /Max Manager/, text);
    assert.doesNotMatch(text, /user:max|[{}"]/, text);
    assert.equal(await details.locator('pre').count(), 0);

    // Item 1: the person is searched for, not picked from a list of every employee.
    const who = page.getByLabel('Who');
    assert.equal(await who.locator('option').count(), 5);
    await who.selectOption({ label: 'A person…' });
    const person = page.getByRole('combobox', { name: 'Person' });
    await person.fill('Ada');
    const filtered = page.waitForRequest(
      (request) => new URL(request.url()).searchParams.get('actor') === 'user:ada',
    );
    await page.getByRole('listbox', { name: 'Person' }).getByRole('option').first().click();
    await filtered;
    await row.first().waitFor();
    assert.equal(await person.inputValue(), 'Ada Admin');
  });
});
