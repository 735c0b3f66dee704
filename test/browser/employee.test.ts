import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type Journeys,
  eventually,
  screenshot,
  signIn,
  skipReason,
  startJourneys,
  unlabelledControls,
} from './harness.js';

interface CallItem {
  readonly id: string;
  readonly userId: string | null;
  readonly status: string;
  readonly hasRecording: boolean;
}

/** The signed-in user's calls through the API (the page's own cookie), as the UI asks for them. */
async function callsOf(page: Page, query: string): Promise<CallItem[]> {
  const response = await page.request.get(`/api/v1/calls?${query}`);
  assert.equal(response.status(), 200);
  return ((await response.json()) as { items: CallItem[] }).items;
}

/** The text of every cell of one column of the call table. */
async function column(page: Page, label: string): Promise<string[]> {
  return page.locator(`table.calls-table tbody td[data-label="${label}"]`).allTextContents();
}

describe('browser: employees see and do only what they may', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys();
  });
  after(async () => {
    await journeys?.close();
  });

  test('Mia (manager) sees only her own calls, and no delete button on her recording', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'mia@northwind.example');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(
      await nav.getByRole('link', { name: 'Roles' }).count(),
      0,
      'no administration for Mia',
    );

    await nav.getByRole('link', { name: 'Calls' }).click();
    await page.locator('table.calls-table tbody tr').first().waitFor();
    const employees = await column(page, 'Employee');
    assert.ok(employees.length > 10, `Mia has calls (${employees.length})`);
    assert.deepEqual([...new Set(employees)], ['Mia Manager'], 'every call listed is Mia’s');
    assert.equal(
      await page.getByLabel('Employee').count(),
      0,
      'no filter by employee: she sees only herself',
    );

    // One of her calls with a recording: she may listen, but not delete.
    const recorded = (await callsOf(page, 'limit=500')).find((call) => call.hasRecording);
    assert.ok(recorded, 'Mia has a recorded call');
    await page.getByRole('link', { name: new RegExp(`^Call ${recorded.id},`) }).click();
    await page.getByRole('heading', { name: 'Call details' }).waitFor();
    await page.getByRole('link', { name: 'Download recording' }).waitFor();
    assert.equal(await page.locator('audio').count(), 1, 'the player is offered');
    assert.equal(
      await page.getByRole('button', { name: /delete/i }).count(),
      0,
      'no delete button',
    );
    await screenshot(page, 'journey-2-manager-own-calls');
  });

  test('Erik (head of Sales East) plays a recording of one of his team', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'erik@northwind.example');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Calls' })
      .click();
    await page.getByRole('combobox', { name: 'Employee' }).fill('max');
    await page.getByRole('option', { name: 'Max Manager' }).click();
    await eventually(async () => {
      const employees = await column(page, 'Employee');
      return employees.length > 0 && employees.every((name) => name === 'Max Manager');
    }, 'the list shows Max’s calls only');

    // The same page the list shows, through the API: an answered call of Max with a recording.
    const recorded = (await callsOf(page, 'userId=max&limit=50')).find(
      (call) => call.status === 'answered' && call.hasRecording,
    );
    assert.ok(recorded, 'Max has a recorded answered call');
    const audioAnswer = page.waitForResponse(
      (response) => new URL(response.url()).pathname === `/api/v1/calls/${recorded.id}/recording`,
    );
    await page.getByRole('link', { name: new RegExp(`^Call ${recorded.id},`) }).click();
    await page.getByRole('heading', { name: 'Call details' }).waitFor();
    assert.ok([200, 206].includes((await audioAnswer).status()), 'the recording is served');
    await eventually(
      () =>
        page.evaluate<boolean>(`(() => {
        const audio = document.querySelector('audio');
        return audio !== null && audio.readyState >= 1 && audio.duration > 0;
      })()`),
      'the audio element loads the recording (readyState ≥ 1, duration > 0)',
    );
    const duration = await page.evaluate<number>(`document.querySelector('audio').duration`);
    assert.ok(duration >= 2 && duration < 10, `a few seconds of audio (${duration} s)`);
    assert.equal(
      await page.getByRole('button', { name: /delete/i }).count(),
      0,
      'heads of department may not delete',
    );
    await screenshot(page, 'journey-3-head-plays-recording');
  });

  test('Cora (CRM clients only) is told before dialling whether a number is allowed', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'cora@contractor.example');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Place a call' })
      .click();
    const number = page.getByLabel('Number to call');
    const verdict = page.locator('#dial-verdict');
    const callButton = page.getByRole('button', { name: 'Call', exact: true });

    await number.fill('+14155550199');
    await verdict.getByText('Not allowed', { exact: true }).waitFor();
    assert.match((await verdict.textContent()) ?? '', /Other number/);
    assert.ok(await callButton.isDisabled(), 'no call button for a number she may not call');
    await screenshot(page, 'journey-4-crm-only-refused');

    // A CRM client's number, finished on the dial pad.
    await number.fill('+1415555015');
    await page.getByRole('button', { name: 'Key 0' }).click();
    assert.equal(await number.inputValue(), '+14155550150');
    await verdict.getByText('Allowed', { exact: true }).waitFor();
    assert.match((await verdict.textContent()) ?? '', /CRM client/);
    assert.ok(await callButton.isEnabled());
    await callButton.click();
    await page.getByText(/Calling \+14155550150/).waitFor();
    await screenshot(page, 'journey-4-crm-only-allowed');
  });

  test('at 390 pixels the calls page fits the screen and the menu opens', async () => {
    const page = await journeys.newPage({ width: 390, height: 800 });
    await signIn(page, 'erik@northwind.example');
    await page.goto('/calls');
    await page.locator('table.calls-table tbody tr').first().waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no horizontal scroll (scrollWidth ${width})`);
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.ok(
      !(await page.getByRole('link', { name: 'Place a call' }).isVisible()),
      'the nav is collapsed',
    );
    await menu.click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Place a call' })
      .waitFor();
    await screenshot(page, 'narrow-calls-menu', false);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Statistics' })
      .click();
    await page.getByRole('heading', { name: 'Call statistics' }).waitFor();
    const statsWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(statsWidth <= 390, `statistics fit too (scrollWidth ${statsWidth})`);
  });

  test('every control on the employee pages has a label', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'erik@northwind.example');
    for (const path of ['/calls', '/statistics', '/dial', '/settings']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.ok(
        (await page.locator('input, select, textarea').count()) > 0,
        `${path} has controls`,
      );
      assert.deepEqual(await unlabelledControls(page), [], `unlabelled controls on ${path}`);
    }
  });
});
