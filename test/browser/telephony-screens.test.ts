import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseCsv } from '../../src/telephony/csv.js';
import {
  type Journeys,
  PHONE,
  type SessionApi,
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

interface CallItem {
  readonly id: string;
  readonly status: string;
  readonly durationSec: number;
  readonly phoneNumber: string;
  readonly hasRecording: boolean;
  readonly crm: { readonly type: string; readonly id: string } | null;
}

/** Every call the signed-in user's list answers for `query`, through the API. */
async function allCalls(api: SessionApi, query: string): Promise<CallItem[]> {
  const calls: CallItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: CallItem[]; nextCursor: string | null } = await api.get(
      `/calls?limit=500&${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
    );
    calls.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return calls;
}

/** The text of every cell of one column of the call table. */
async function column(page: Page, label: string): Promise<string[]> {
  return page.locator(`table.calls-table tbody td[data-label="${label}"]`).allTextContents();
}

describe('browser: screens for every permission’s promise', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys();
  });
  after(async () => {
    await journeys?.close();
  });

  for (const [size, viewport] of SIZES) {
    test(`calls (${size}): status, order and number filters live in the URL, survive reload and back, and export the same calls`, async () => {
      const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
      await open(page, 'Calls');
      await page.locator('table.calls-table tbody tr').first().waitFor();

      await page.getByLabel('Status').selectOption('answered');
      await page.waitForURL(/status=answered/);
      await page.getByLabel('Order').selectOption('-durationSec');
      await page.waitForURL(/sort=-durationSec/);
      await page.getByLabel('Number starts with').fill('+1 415');
      await page.waitForURL(/phoneNumber=/);
      const expected = await allCalls(api, 'status=answered&sort=-durationSec&phoneNumber=%2B1415');
      assert.ok(expected.length > 0, 'the demo has answered calls to +1 415 numbers');
      await eventually(
        async () => (await column(page, 'Status')).every((s) => s === 'Answered'),
        'only answered calls are listed',
      );
      const listed = async () => column(page, 'Number');
      await eventually(
        async () => (await listed()).length === Math.min(50, expected.length),
        'the first page of the filtered list',
      );
      assert.deepEqual(
        await listed(),
        expected.slice(0, 50).map((c) => c.phoneNumber),
        'the same calls in the same order as the API',
      );
      await fitsTheScreen(page, viewport.width, 'the filtered call list');
      await screenshot(page, `calls-filters-${size}`);

      await page.reload();
      await page.locator('table.calls-table tbody tr').first().waitFor();
      assert.equal(await page.getByLabel('Status').inputValue(), 'answered');
      assert.equal(await page.getByLabel('Order').inputValue(), '-durationSec');
      assert.equal(await page.getByLabel('Number starts with').inputValue(), '+1 415');
      assert.deepEqual(
        await listed(),
        expected.slice(0, 50).map((c) => c.phoneNumber),
      );

      // Back undoes the last choice (the order); the status stays.
      await page.goBack();
      await eventually(
        async () => (await page.getByLabel('Order').inputValue()) === '',
        'back restores the order before',
      );
      assert.equal(await page.getByLabel('Status').inputValue(), 'answered');

      // The export is the list as filtered now, every call of it.
      const href = await page.getByRole('link', { name: 'Export to CSV' }).getAttribute('href');
      assert.ok(href !== null && href.startsWith('/api/v1/calls/export.csv?'), String(href));
      const csv = await page.request.get(href);
      assert.equal(csv.status(), 200);
      const [header, ...rows] = parseCsv(await csv.text());
      const id = header!.cells.indexOf('id');
      const query = new URL(href, journeys.baseUrl).search.slice(1);
      assert.deepEqual(
        rows.map((row) => row.cells[id]),
        (await allCalls(api, query)).map((c) => c.id),
      );
    });
  }

  test('calls: Mia’s list sorted by cost holds her calls only, and her export too', async () => {
    const { page } = await signedIn(journeys, 'mia@northwind.example');
    await page.goto('/calls?sort=-cost');
    await page.locator('table.calls-table tbody tr').first().waitFor();
    assert.deepEqual([...new Set(await column(page, 'Employee'))], ['Mia Manager']);
    const csv = await page.request.get('/api/v1/calls/export.csv?sort=-cost');
    const [header, ...rows] = parseCsv(await csv.text());
    const owner = header!.cells.indexOf('userId');
    assert.ok(rows.length > 0);
    assert.deepEqual([...new Set(rows.map((row) => row.cells[owner]))], ['mia']);
  });

  for (const [size, viewport] of SIZES) {
    test(`numbers (${size}): Ada rents a number, sees who may call out from it, and releases it`, async () => {
      const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
      await open(page, 'Numbers');
      const rentButton = page.getByRole('button', { name: /^Rent \+/ }).first();
      await rentButton.waitFor();
      const number = ((await rentButton.getAttribute('aria-label')) ?? '').replace('Rent ', '');
      await rentButton.click();
      await page.getByText(`${number} is yours.`).waitFor();
      const rented = page.locator('table.data-table').first();
      await rented.getByText(number, { exact: true }).waitFor();
      const owned = async () =>
        (await api.get<{ items: { number: string }[] }>('/numbers')).items.map((n) => n.number);
      assert.ok((await owned()).includes(number), 'the API lists the rented number');

      // Its access list is on the number's row.
      const row = rented.locator('tr', { hasText: number });
      await row.getByRole('button', { name: 'Who may call out' }).click();
      await page.getByRole('heading', { name: `Who may call out from ${number}` }).waitFor();
      await page.getByText('Everyone may call out from this line.').waitFor();
      await fitsTheScreen(page, viewport.width, 'the numbers page');
      await screenshot(page, `numbers-rented-${size}`);

      await row.getByRole('button', { name: `Release ${number}` }).click();
      await page
        .getByRole('group', { name: `Release ${number}?` })
        .getByRole('button', { name: 'Release' })
        .click();
      await page.getByText(`${number} was released.`).waitFor();
      assert.ok(!(await owned()).includes(number), 'the API no longer lists it');
      await page.getByRole('button', { name: `Rent ${number}` }).waitFor();
    });
  }

  test('balance: a top-up is credited and shown in the balance and its ledger', async () => {
    const { page, api } = await signedIn(journeys, 'ada@northwind.example', PHONE);
    const before = (await api.get<{ balance: number }>('/balance')).balance;
    await open(page, 'Balance');
    await page.getByLabel(/^Amount/).fill('25.5');
    await page.getByRole('button', { name: 'Add to the balance' }).click();
    await page.getByText(/was added to the balance/).waitFor();
    const after = (await api.get<{ balance: number }>('/balance')).balance;
    assert.equal(Math.round((after - before) * 100), 2550);
    await page.locator('td[data-label="What"]').first().waitFor();
    await fitsTheScreen(page, PHONE.width, 'the balance page');
    await screenshot(page, 'balance-top-up-phone');
  });

  test('legal hold: Ada places a recording under hold (no delete), then lifts it', async () => {
    const { page, api } = await signedIn(journeys, 'ada@northwind.example');
    const recorded = (await allCalls(api, '')).find((c) => c.hasRecording);
    assert.ok(recorded, 'the demo has a recorded call');
    await page.goto(`/calls/${encodeURIComponent(recorded.id)}`);
    await page.getByRole('button', { name: 'Delete recording' }).waitFor();
    await page.getByLabel('Reason for the hold').fill('Case 2026-117');
    await page.getByRole('button', { name: 'Place under legal hold' }).click();
    await page.getByText(/Under legal hold since .*Case 2026-117/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Delete recording' }).count(), 0);
    const meta = async () =>
      (
        await api.get<{ legalHold: { reason: string } | null }>(
          `/calls/${recorded.id}/recording/meta`,
        )
      ).legalHold;
    assert.equal((await meta())?.reason, 'Case 2026-117');
    await screenshot(page, 'legal-hold-set');
    await page.getByRole('button', { name: 'Lift the legal hold' }).click();
    await page.getByRole('button', { name: 'Delete recording' }).waitFor();
    assert.equal(await meta(), null);
  });

  for (const [size, viewport] of SIZES) {
    test(`telephony settings (${size}): sections saved through the API; the destination policy is linked`, async () => {
      const { page, api } = await signedIn(journeys, 'ada@northwind.example', viewport);
      await open(page, 'Telephony settings');
      await page.getByRole('heading', { name: 'Telephony settings', level: 1 }).waitFor();
      for (const title of ['General', 'Blocked numbers', 'Documents', 'Call queues', 'Voice menus'])
        await page.getByRole('heading', { name: title, level: 2 }).waitFor();
      const number = size === 'desktop' ? '+19005550177' : '+19005550188';
      await page.getByLabel('Block a number').fill(number);
      await page.getByRole('button', { name: 'Add number' }).click();
      const blocked = page.getByRole('form', { name: 'Blocked numbers' });
      await assertBadgeBesideName(
        blocked.locator('tr[data-state="new"]').getByRole('cell').first(),
        `the new number (${size})`,
      );
      await page.getByRole('button', { name: 'Save blocked numbers' }).click();
      await page.getByRole('form', { name: 'Blocked numbers' }).getByText('Saved.').waitFor();
      const saved = await api.get<{ value: { numbers: string[] } }>('/settings/blocked-numbers');
      assert.ok(saved.value.numbers.includes(number), JSON.stringify(saved.value));

      await page.getByLabel('Document name').fill('Price list');
      await page.getByLabel('Link (https://…)').fill('https://example.com/prices');
      await page.getByRole('button', { name: 'Add document' }).click();
      await assertBadgeBesideName(
        page
          .getByRole('form', { name: 'Documents' })
          .locator('tr[data-state="new"]')
          .getByRole('cell')
          .first(),
        `the new document (${size})`,
      );
      await page.getByRole('button', { name: 'Save documents' }).click();
      await page.getByRole('form', { name: 'Documents' }).getByText('Saved.').waitFor();
      const documents = await api.get<{ value: { items: { name: string; url: string }[] } }>(
        '/settings/documents',
      );
      assert.ok(documents.value.items.some((d) => d.url === 'https://example.com/prices'));

      assert.deepEqual(await unlabelledControls(page), []);
      await fitsTheScreen(page, viewport.width, 'the telephony settings');
      await screenshot(page, `telephony-settings-${size}`);
      await page.getByRole('link', { name: 'Outbound calls' }).first().click();
      await page.getByRole('heading', { name: 'Outbound calls', level: 1 }).waitFor();
    });
  }

  for (const [size, viewport] of SIZES) {
    test(`dial pad (${size}): Cora finds a CRM client in her phone book, sees it named, and the placed call is linked to it`, async () => {
      const { page, api } = await signedIn(journeys, 'cora@contractor.example', viewport);
      await open(page, 'Place a call');

      await page.getByLabel('Find a client or colleague').fill('acme');
      await page.getByRole('button', { name: 'Dial Acme Corp at +14155550150' }).click();
      assert.equal(await page.getByLabel('Number to call').inputValue(), '+14155550150');
      const verdict = page.locator('#dial-verdict');
      await verdict.getByText('Allowed', { exact: true }).waitFor();
      assert.match((await verdict.textContent()) ?? '', /Acme Corp \(CRM client, company\)/);
      await fitsTheScreen(page, viewport.width, 'the dial pad with its phone book');
      await screenshot(page, `dial-phone-book-${size}`);
      await page.getByRole('button', { name: 'Call', exact: true }).click();
      const notice = page.getByText(/Calling \+14155550150 \(Acme Corp, CRM client\)/);
      await notice.waitFor();
      const callId = (await notice.locator('code').textContent()) ?? '';
      const call = await api.get<CallItem>(`/calls/${callId}`);
      assert.deepEqual(call.crm, { type: 'company', id: 'acme' });

      // Colleagues are dialled by extension.
      await page.getByLabel('Find a client or colleague').fill('tess');
      await page.getByRole('button', { name: 'Dial Tess Tech, extension 141' }).click();
      assert.equal(await page.getByLabel('Number to call').inputValue(), '141');
      await verdict.getByText('Allowed', { exact: true }).waitFor();
    });
  }

  test('my settings: the caller ID is a choice among the lines I may use, worded for me', async () => {
    const { page, api } = await signedIn(journeys, 'sofia@northwind.example', PHONE);
    await open(page, 'My telephony settings');
    const field = page.getByLabel(/Number people you call see/);
    await field.waitFor();
    assert.equal(
      await field.evaluate((el) => (el as unknown as { tagName: string }).tagName),
      'SELECT',
    );
    const settings = await api.get<{ callerIdChoices: string[] }>(
      '/users/sofia/telephony-settings',
    );
    const offered: string[] = await field
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    assert.deepEqual(offered, ['', ...settings.callerIdChoices]);
    assert.ok(settings.callerIdChoices.length > 0, 'the demo rents lines Sofia may use');
    await fitsTheScreen(page, PHONE.width, 'my settings');
  });
});
