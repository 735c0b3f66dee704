import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  type Journeys,
  SIZES,
  assertBadgeBesideName,
  eventually,
  fitsTheScreen,
  open,
  screenshot,
  signedIn,
  skipReason,
  startJourneys,
  unlabelledControls,
} from './harness.js';

/** Whether the element is wholly inside the window, without scrolling. */
async function isInView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box !== null && viewport !== null);
  return box.y >= 0 && box.y + box.height <= viewport.height;
}

/** Asserts that `row` is shown struck through: its text in <del>, the line drawn. */
async function assertStruckThrough(row: Locator, name: string): Promise<void> {
  assert.equal(await row.getAttribute('data-state'), 'removed');
  const struck = row.locator('del').first();
  assert.match((await struck.textContent()) ?? '', new RegExp(name));
  const line = await struck.evaluate(
    (el) =>
      (
        globalThis as unknown as {
          getComputedStyle(element: unknown): { textDecorationLine: string };
        }
      ).getComputedStyle(el).textDecorationLine,
  );
  assert.match(line, /line-through/);
  assert.match((await row.textContent()) ?? '', /removed when you save/);
}

/**
 * The validator's own English (Ajv's defaults: "must NOT have fewer than 1 characters",
 * "must match pattern \"^…$\"", "must be <= 100", "must match a schema in anyOf"), which a
 * refusal must never show: it is worded in the product's words instead.
 */
const VALIDATOR_WORDING =
  /must NOT|must match|must be [<>]=|fewer than|more than \d+ char|anyOf|\^\[/;

/** The save bar, once its summary is worked out (not "Working out…"). */
async function settledBar(page: Page): Promise<Locator> {
  const bar = page.getByRole('region', { name: 'Unsaved changes' });
  await bar.waitFor();
  await eventually(
    async () => !/Working out/.test((await bar.textContent()) ?? ''),
    'the save bar’s summary is worked out',
  );
  return bar;
}

/** The user pick of an access-code picker: kind User, then the person found by search. */
async function pickUser(scope: Locator, kindLabel: string, search: string, name: string) {
  await scope.getByLabel(kindLabel).selectOption({ label: 'User' });
  await scope.getByRole('combobox', { name: 'User' }).fill(search);
  await scope.getByRole('option', { name }).click();
}

/**
 * Issue 13, "Editing that doesn't lose work", on every editor: removed rows struck through
 * until saved, the sticky bar with the preview's verdict on every saving screen, the
 * browser's Back asking first, and the queues and voice menus edited as forms.
 */
describe(
  'browser: editors that show what saving does and keep work',
  { skip: skipReason() },
  () => {
    let journeys: Journeys;
    before(async () => {
      journeys = await startJourneys();
    });
    after(async () => {
      await journeys?.close();
    });

    for (const [size, viewport] of SIZES) {
      test(`recordings folder (${size}): a removed entry stays struck through until saved, and can be kept`, async () => {
        const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
        const held = await api.get<{ version: number }>('/settings/recordings-folder');
        await api.put(
          '/settings/recordings-folder',
          {
            entries: [
              { accessCode: 'user:max', access: 'none' },
              { accessCode: 'user:mia', access: 'read' },
            ],
          },
          held.version,
        );
        await page.goto('/admin/recordings-folder');
        await page.getByRole('button', { name: 'Remove User: Mia Manager' }).click();
        const removed = page.locator('tr[data-state="removed"]');
        await assertStruckThrough(removed, 'Mia Manager');
        await assertBadgeBesideName(removed.getByRole('cell').first(), `Mia’s row (${size})`);
        assert.equal(
          await page
            .getByRole('table', { name: 'Who may read the Recorded calls folder' })
            .locator('tbody tr')
            .count(),
          2,
          'the row stays in the list',
        );
        const bar = await settledBar(page);
        assert.match((await bar.textContent()) ?? '', /gains or loses access|gain or lose access/);
        assert.ok(await isInView(page, bar.getByRole('button', { name: 'Save changes' })));
        await screenshot(page, `editing-folder-removed-${size}`, false);

        await removed.getByRole('button', { name: 'Keep User: Mia Manager' }).click();
        await page.locator('tr[data-state="removed"]').waitFor({ state: 'detached' });
        await bar.waitFor({ state: 'detached' });

        // Saved, the removal is the list's.
        await page.getByRole('button', { name: 'Remove User: Mia Manager' }).click();
        await (await settledBar(page)).getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('The folder’s access list was saved.').waitFor();
        await page.locator('tr[data-state="removed"]').waitFor({ state: 'detached' });
        const folder = await api.get<{ value: { entries: { accessCode: string }[] } }>(
          '/settings/recordings-folder',
        );
        assert.deepEqual(
          folder.value.entries.map((e) => e.accessCode),
          ['user:max'],
        );
      });
    }

    for (const [size, viewport] of SIZES) {
      test(`line access (${size}): previewed in the sticky bar, saved, a removed entry struck through`, async () => {
        const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
        const numbers = await api.get<{ items: { number: string }[] }>('/numbers');
        // Each size its own line: the journeys share one server.
        const number = numbers.items[size === 'desktop' ? 0 : 1]?.number;
        assert.ok(number !== undefined, 'the demo rents two lines');
        await open(page, 'Numbers');
        await page
          .locator('tr', { hasText: number })
          .getByRole('button', { name: 'Who may call out' })
          .click();
        const section = page.getByRole('region', { name: `Who may call out from ${number}` });
        await pickUser(section, 'May call out', 'sofia', 'Sofia Sales');
        await section.getByRole('button', { name: 'Add', exact: true }).click();
        await section.locator('tr[data-state="new"]').getByText('Sofia Sales').waitFor();
        await assertBadgeBesideName(
          section.locator('tr[data-state="new"]').getByRole('cell').first(),
          `Sofia’s new row (${size})`,
        );
        const bar = await settledBar(page);
        // Everyone could call out from the line: all but Sofia (and the administrators) lose it.
        assert.match((await bar.textContent()) ?? '', /people gain or lose access/);
        assert.ok(await isInView(page, bar), 'the verdict and Save are in sight');
        const preview = section.getByRole('region', { name: 'Preview of the change' });
        await preview.getByText('may no longer call out from it').first().waitFor();
        await bar.getByRole('button', { name: 'Save who may call out' }).click();
        await section.getByText('Saved. It applies from the next call.').waitFor();
        const access = await api.get<{ accessCodes: string[] }>(
          `/numbers/${encodeURIComponent(number)}/access`,
        );
        assert.deepEqual(access.accessCodes, ['user:sofia']);

        await section.getByRole('button', { name: 'Remove User: Sofia Sales' }).click();
        await assertStruckThrough(section.locator('tr[data-state="removed"]'), 'Sofia Sales');
        await section.getByText('Once saved, everyone may call out from this line.').waitFor();
        const again = await settledBar(page);
        assert.match((await again.textContent()) ?? '', /people gain or lose access/);
        await fitsTheScreen(page, viewport.width, 'line access with the save bar');
        await screenshot(page, `editing-line-access-removed-${size}`, false);
        await again.getByRole('button', { name: 'Discard changes' }).click();
        await again.waitFor({ state: 'detached' });
        await section.locator('tr[data-state="removed"]').waitFor({ state: 'detached' });
      });
    }

    for (const [size, viewport] of SIZES) {
      test(`destination policy (${size}): the change is previewed in the sticky bar before saving`, async () => {
        const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
        const before = await api.get<{ value: { premiumRate: 'block' | 'allow' } }>(
          '/settings/outbound-policy',
        );
        const next = before.value.premiumRate === 'block' ? 'allow' : 'block';
        await open(page, 'Outbound calls');
        assert.equal(await page.locator('.save-bar').count(), 0, 'nothing to save yet');
        await page.getByLabel('Premium-rate numbers').selectOption(next);
        const bar = await settledBar(page);
        const said =
          next === 'allow'
            ? /Premium-rate numbers may be called/
            : /Nobody may call premium-rate numbers/;
        assert.match((await bar.textContent()) ?? '', said);
        await page.getByRole('heading', { name: 'What saving changes' }).first().waitFor();
        assert.ok(
          await isInView(page, bar.getByRole('button', { name: 'Save destination policy' })),
        );
        await screenshot(page, `editing-destination-policy-${size}`, false);
        await bar.getByRole('button', { name: 'Save destination policy' }).click();
        await page
          .getByRole('form', { name: 'Destination policy' })
          .getByText('Saved. It applies from the next call.')
          .waitFor();
        const after = await api.get<{ value: { premiumRate: string } }>(
          '/settings/outbound-policy',
        );
        assert.equal(after.value.premiumRate, next);
      });
    }

    for (const [size, viewport] of SIZES) {
      test(`keyboard only (${size}): Back from an editor with unsaved changes asks; Escape and Stay keep the edits, Leave goes back`, async () => {
        const { page } = await signedIn(journeys, 'ada@northwind.example', viewport);
        await page.goto('/calls');
        await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
        await open(page, 'Outbound calls');
        await page.getByLabel('Add an emergency number').focus();
        await page.keyboard.type('+14155550999');
        await page.keyboard.press('Enter');
        const added = page.locator('tr[data-state="new"]', { hasText: '+14155550999' });
        await added.waitFor();
        await settledBar(page);
        const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
        const focused = () =>
          page.evaluate<string>('document.activeElement ? document.activeElement.textContent : ""');
        const path = () => new URL(page.url()).pathname;

        // Back, then Escape: the dialog closes, the address and the edits stay.
        await page.evaluate('history.back()');
        await dialog.waitFor();
        assert.equal(await focused(), 'Stay and keep editing', 'the dialog takes the focus');
        await eventually(
          () => Promise.resolve(path() === '/admin/outbound-calls'),
          'the address is put back',
        );
        await screenshot(page, `editing-back-asks-${size}`, false);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
        assert.equal(path(), '/admin/outbound-calls');
        assert.equal(await added.count(), 1, 'the added number is still there');

        // Back, then Enter on "Stay": the same.
        await page.evaluate('history.back()');
        await dialog.waitFor();
        await page.keyboard.press('Enter');
        await dialog.waitFor({ state: 'hidden' });
        await eventually(
          () => Promise.resolve(path() === '/admin/outbound-calls'),
          'still on the editor',
        );
        assert.equal(await added.count(), 1, 'the added number is still there');
        await page.getByRole('heading', { name: 'Outbound calls', level: 1 }).waitFor();

        // Back, then Tab to "Leave without saving" and Enter: back on the calls.
        await page.evaluate('history.back()');
        await dialog.waitFor();
        await page.keyboard.press('Tab');
        assert.equal(await focused(), 'Leave without saving');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
        assert.equal(path(), '/calls');
        // The history was left as it was: Forward returns to the editor, its edits gone.
        await page.evaluate('history.forward()');
        await page.getByRole('heading', { name: 'Outbound calls', level: 1 }).waitFor();
        await page.getByLabel('Add an emergency number').waitFor();
        assert.equal(await page.getByText('+14155550999').count(), 0);
        assert.equal(await page.locator('.save-bar').count(), 0);
      });
    }

    test('keyboard only: a link away from the assignments asks; Tab and Enter through the dialog', async () => {
      const { page } = await signedIn(journeys, 'ada@northwind.example', SIZES[0][1]);
      await page.goto('/admin/assignments');
      const role = page.getByLabel('Role of User: Erik East');
      await role.focus();
      await page.keyboard.press('ArrowDown');
      await page.locator('tr[data-state="changed"]').waitFor();
      const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
      const link = page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Roles', exact: true });
      await link.focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      // Tab cycles within the modal dialog: Leave, then back to Stay.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(new URL(page.url()).pathname, '/admin/assignments');
      await page.locator('tr[data-state="changed"]').waitFor();
      await link.focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    });

    test('my telephony settings (phone): unsaved changes are guarded there too', async () => {
      const { page } = await signedIn(journeys, 'ada@northwind.example', SIZES[1][1]);
      await open(page, 'My telephony settings');
      const login = page.getByLabel('SIP login');
      await login.fill('ada.desk');
      await open(page, 'Calls');
      const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(new URL(page.url()).pathname, '/settings');
      assert.equal(await login.inputValue(), 'ada.desk');
    });

    for (const [size, viewport] of SIZES) {
      test(`queues and voice menus (${size}): forms with rows, the server's 400 shown on its field, removed rows struck through`, async () => {
        const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
        const queueName = size === 'desktop' ? 'Front desk' : 'Night line';
        const queueId = size === 'desktop' ? 'front-desk' : 'night-line';
        const menuName = size === 'desktop' ? 'Main menu' : 'After hours';
        await open(page, 'Telephony settings');
        const queues = page.getByRole('form', { name: 'Call queues' });
        await queues.getByLabel('New queue’s name').fill(queueName);
        await queues.getByRole('button', { name: 'Add queue' }).click();
        const queue = queues.getByRole('group', { name: new RegExp(queueName) });
        assert.equal(await queue.getAttribute('data-state'), 'new');
        await queue.getByLabel('Ringing').selectOption({ label: 'Ring members in turn' });
        await queue.getByRole('combobox', { name: 'Add a member' }).fill('sofia');
        await queue.getByRole('option', { name: 'Sofia Sales' }).click();
        await queue.getByText('Sofia Sales').waitFor();
        const queuesBar = await settledBar(page);
        assert.match(
          (await queuesBar.textContent()) ?? '',
          new RegExp(`Adds the queue “${queueName}”`),
        );
        await queuesBar.getByRole('button', { name: 'Save call queues' }).click();
        await queues.getByText('Saved.').waitFor();
        const savedQueues = await api.get<{
          value: { items: { id: string; memberIds: string[]; strategy: string }[] };
        }>('/settings/queues');
        assert.deepEqual(
          savedQueues.value.items.find((q) => q.id === queueId),
          { id: queueId, name: queueName, memberIds: ['sofia'], strategy: 'round-robin' },
        );

        const menus = page.getByRole('form', { name: 'Voice menus' });
        await menus.getByLabel('New voice menu’s name').fill(menuName);
        await menus.getByRole('button', { name: 'Add voice menu' }).click();
        // The last group: its name follows the Name field, emptied below.
        const menu = menus.locator('fieldset.routing-item').last();
        await menu.getByLabel('Greeting (read to the caller)').fill('Welcome to Northwind.');
        await menu.getByRole('button', { name: 'Add a key' }).click();
        await menu.getByLabel('What key 1 does').selectOption({ label: 'Send to a call queue' });
        // A name the schema refuses: the 400 names the field, shown under it.
        await menu.getByLabel('Name', { exact: true }).fill('');
        const menusBar = page.getByRole('region', { name: 'Unsaved changes' }).last();
        await menusBar.getByRole('button', { name: 'Save voice menus' }).click();
        await menus.getByText('Not saved.').waitFor();
        const name = menu.getByLabel('Name', { exact: true });
        assert.equal(await name.getAttribute('aria-invalid'), 'true');
        const describedBy = await name.getAttribute('aria-describedby');
        assert.ok(describedBy !== null, 'the problem is tied to the field');
        // In the product's words, from the refusal's keyword and limit, not the validator's.
        const underField = (await page.locator(`[id="${describedBy}"]`).textContent()) ?? '';
        assert.match(underField, /can’t be empty/);
        assert.doesNotMatch(underField, VALIDATOR_WORDING);
        // The banner names the menu as the page counts it, never the API's path.
        const refusal = menus.getByRole('alert').filter({ hasText: 'Not saved.' });
        assert.match((await refusal.textContent()) ?? '', /Voice menu \d+, name: can’t be empty/);
        assert.doesNotMatch((await refusal.textContent()) ?? '', /menus\[|menus\.\d|body\./);
        assert.doesNotMatch((await refusal.textContent()) ?? '', VALIDATOR_WORDING);
        // Named, the menu's key without a queue is what the server refuses next.
        await name.fill(menuName);
        await menusBar.getByRole('button', { name: 'Save voice menus' }).click();
        const target = menu.getByLabel('Queue for key 1');
        await eventually(
          async () => (await target.getAttribute('aria-invalid')) === 'true',
          'the key without a queue is marked',
        );
        assert.match(
          (await refusal.textContent()) ?? '',
          new RegExp(`Voice menu \\d+ \\(${menuName}\\), key 1: no queue`),
        );
        assert.match((await menu.locator('.field-problem').textContent()) ?? '', /no queue/);
        assert.deepEqual(await unlabelledControls(page), []);
        await fitsTheScreen(page, viewport.width, 'the voice menus form');
        await screenshot(page, `editing-ivr-problem-${size}`);
        await target.selectOption({ label: queueName });
        await menusBar.getByRole('button', { name: 'Save voice menus' }).click();
        await menus.getByText('Saved.').waitFor();
        const savedMenus = await api.get<{
          value: {
            menus: {
              name: string;
              options: { digit: string; action: string; target: string | null }[];
            }[];
          };
        }>('/settings/ivr');
        assert.deepEqual(savedMenus.value.menus.find((m) => m.name === menuName)?.options, [
          { digit: '1', action: 'queue', target: queueId },
        ]);

        // The queue a menu uses: removed, it stays struck through, and saving is refused.
        const saved = queues.getByRole('group', { name: new RegExp(queueName) });
        await saved.getByRole('button', { name: `Remove the queue ${queueName}` }).click();
        await assertStruckThrough(saved, queueName);
        await (await settledBar(page)).getByRole('button', { name: 'Save call queues' }).click();
        // Worded with the names the page knows, not the API's ids.
        await queues
          .getByRole('alert')
          .getByText(
            `Key 1 of the voice menu “${menuName}” sends callers to the queue “${queueName}”: change that key first.`,
          )
          .waitFor();
        await saved.getByRole('button', { name: `Keep the queue ${queueName}` }).click();
        assert.equal(await saved.getAttribute('data-state'), 'saved');
      });
    }

    test('general: a language the schema refuses is worded by what it should be, never the pattern', async () => {
      const { page } = await signedIn(journeys, 'ada@northwind.example');
      await open(page, 'Telephony settings');
      const form = page.getByRole('form', { name: 'General' });
      await form.getByLabel(/^Language/).fill('english');
      await (await settledBar(page)).getByRole('button', { name: 'Save general' }).click();
      const refusal = form.getByRole('alert').filter({ hasText: 'Not saved.' });
      await refusal.waitFor();
      const said = (await refusal.textContent()) ?? '';
      assert.match(said, /Language: isn’t a language code, like en or pt-BR/);
      assert.doesNotMatch(said, VALIDATOR_WORDING);
      await page.getByRole('button', { name: 'Discard' }).click();
    });

    for (const [size, viewport] of SIZES) {
      test(`blocked numbers (${size}): rows with Remove and Keep, a removed number struck through until saved, a refusal worded by row`, async () => {
        const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
        const number = size === 'desktop' ? '+19005550131' : '+19005550132';
        await open(page, 'Telephony settings');
        const form = page.getByRole('form', { name: 'Blocked numbers' });
        const add = form.getByLabel('Block a number');
        await add.fill('call me maybe');
        await add.press('Enter');
        await add.fill(number);
        await form.getByRole('button', { name: 'Add number' }).click();
        await form.locator('tr[data-state="new"]', { hasText: number }).waitFor();
        const bar = await settledBar(page);
        await bar.getByRole('button', { name: 'Save blocked numbers' }).click();
        // The refusal names the row as the page shows it, never the API's path.
        const refusal = form.getByRole('alert').filter({ hasText: 'Not saved.' });
        await refusal.waitFor();
        const said = (await refusal.textContent()) ?? '';
        assert.match(said, /Number 2 \(call me maybe\): "call me maybe" is not a phone number/);
        assert.doesNotMatch(said, /numbers\[|numbers\.\d|body\./);
        await form
          .locator('tr', { hasText: 'call me maybe' })
          .locator('.field-problem')
          .getByText('is not a phone number')
          .waitFor();
        await fitsTheScreen(page, viewport.width, 'the blocked numbers with a refusal');
        await screenshot(page, `editing-blocked-refused-${size}`, false);
        // A new row removed simply goes.
        await form.getByRole('button', { name: 'Remove call me maybe' }).click();
        await form.locator('tr', { hasText: 'call me maybe' }).waitFor({ state: 'detached' });
        await bar.getByRole('button', { name: 'Save blocked numbers' }).click();
        await form.getByText('Saved.').waitFor();
        assert.ok(
          (
            await api.get<{ value: { numbers: string[] } }>('/settings/blocked-numbers')
          ).value.numbers.includes(number),
        );

        // A saved number removed stays, struck through, until saved; Keep takes it back.
        await form.getByRole('button', { name: `Remove ${number}` }).click();
        const removed = form.locator('tr[data-state="removed"]');
        await assertStruckThrough(removed, number.replace('+', '\\+'));
        assert.match(
          (await (await settledBar(page)).textContent()) ?? '',
          new RegExp(`${number.replace('+', '\\+')} may be called again`),
        );
        await form.getByRole('button', { name: `Keep ${number}` }).click();
        assert.equal(
          await form.locator('tr', { hasText: number }).getAttribute('data-state'),
          'saved',
        );
        await bar.waitFor({ state: 'detached' });
        await form.getByRole('button', { name: `Remove ${number}` }).click();
        await (
          await settledBar(page)
        )
          .getByRole('button', { name: 'Save blocked numbers' })
          .click();
        await form.getByText('Saved.').waitFor();
        await removed.waitFor({ state: 'detached' });
        assert.ok(
          !(
            await api.get<{ value: { numbers: string[] } }>('/settings/blocked-numbers')
          ).value.numbers.includes(number),
        );
      });
    }

    test('outbound calls: saving one form, then the other, then the first again shows each form once', async () => {
      const { page, api } = await signedIn(journeys, 'ada@northwind.example');
      await open(page, 'Outbound calls');
      const forms = async () => {
        const all = page.getByRole('form');
        const labels: (string | null)[] = [];
        for (let i = 0; i < (await all.count()); i++)
          labels.push(await all.nth(i).getAttribute('aria-label'));
        return labels;
      };
      const policy = page.getByRole('form', { name: 'Destination policy' });
      const emergency = page.getByRole('form', { name: 'Emergency numbers' });
      const premium = policy.getByLabel('Premium-rate numbers');
      const flip = async () => {
        const next = (await premium.inputValue()) === 'block' ? 'allow' : 'block';
        await premium.selectOption(next);
        await (
          await settledBar(page)
        )
          .getByRole('button', { name: 'Save destination policy' })
          .click();
        await policy.getByText('Saved. It applies from the next call.').waitFor();
        return next;
      };
      // Each save re-reads its section at a new version: the two versions meet and part.
      await flip();
      await emergency.getByLabel('Add an emergency number').fill('+14155550912');
      await emergency.getByRole('button', { name: 'Add number' }).click();
      await (
        await settledBar(page)
      )
        .getByRole('button', { name: 'Save emergency numbers' })
        .click();
      await emergency.getByText('Saved.').waitFor();
      const last = await flip();
      assert.deepEqual(await forms(), ['Destination policy', 'Emergency numbers']);
      for (const title of ['Destination policy', 'Emergency numbers'])
        assert.equal(await page.getByRole('heading', { level: 2, name: title }).count(), 1);
      assert.equal(await premium.count(), 1);
      assert.equal(await emergency.getByText('+14155550912').count(), 1);
      const saved = await api.get<{ value: { premiumRate: string } }>('/settings/outbound-policy');
      assert.equal(saved.value.premiumRate, last);
      assert.equal(await premium.inputValue(), last);
    });

    for (const [size, viewport] of SIZES) {
      test(`role editor (${size}): the shared save bar, with the preview's verdict and Discard`, async () => {
        const { page } = await signedIn(journeys, 'ada@northwind.example', viewport);
        await page.goto('/admin/roles/manager');
        const group = page.getByRole('group', { name: 'Call statistics' });
        const checked = group.locator('input[type="radio"]:checked');
        const before = await checked.inputValue();
        await group.locator('input[type="radio"]:not(:checked):not(:disabled)').first().check();
        const bar = await settledBar(page);
        assert.match(
          (await bar.textContent()) ?? '',
          /(gains or loses|gain or lose|Nobody’s) access/,
          (await page.locator('.preview').textContent()) ?? '',
        );
        await bar.getByRole('link', { name: 'See the preview' }).waitFor();
        assert.ok(await isInView(page, bar.getByRole('button', { name: 'Save role' })));
        assert.equal(await page.locator('.save-bar').count(), 1, 'one bar');
        await fitsTheScreen(page, viewport.width, 'the role editor with its save bar');
        await screenshot(page, `editing-role-save-bar-${size}`, false);
        await bar.getByRole('button', { name: 'Discard changes' }).click();
        await bar.waitFor({ state: 'detached' });
        assert.equal(await checked.inputValue(), before);

        // The name alone changes nobody's access: nothing to preview.
        const name = page.getByLabel('Role name');
        await name.fill('Manager (renamed)');
        const renamed = await settledBar(page);
        assert.match((await renamed.textContent()) ?? '', /Only the name changes/);
        assert.equal(await renamed.getByRole('link', { name: 'See the preview' }).count(), 0);
        await renamed.getByRole('button', { name: 'Discard changes' }).click();
        assert.equal(await name.inputValue(), 'Manager');
      });
    }
  },
);
