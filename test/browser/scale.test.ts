import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { importCalls } from '../../src/telephony/calls.js';
import { type Journeys, screenshot, signIn, skipReason, startJourneys } from './harness.js';

/**
 * Issue 13: the pickers and the statistics at company scale. The demo company is small, so
 * a few hundred calls of a week each stand in for a million ordinary ones: the totals
 * and the axes then carry the seven-digit figures that overflowed before.
 */
describe('browser: pickers and statistics at scale', { skip: skipReason() }, () => {
  let journeys: Journeys;
  before(async () => {
    journeys = await startJourneys({
      seed: async (db, now) => {
        const day = 86_400_000;
        // 300 calls of a week each (the longest a call may be): 3 million minutes.
        await importCalls(
          db,
          'demo',
          Array.from({ length: 300 }, (_, i) => ({
            where: `[${i}]`,
            record: {
              id: `huge-${i}`,
              userId: i % 2 === 0 ? 'mia' : 'max',
              direction: 'outbound',
              phoneNumber: '+14155550199',
              startedAt: new Date(now - ((i % 3) + 1) * day).toISOString(),
              durationSec: 604_800,
              status: 'answered',
              cost: 25_000,
              currency: 'USD',
            },
          })),
          'operator',
          now,
        );
      },
    });
  });
  after(async () => {
    await journeys?.close();
  });

  test('the calls and statistics start from the session alone: no directory, names come with the calls; the editors load it once', async () => {
    const page = await journeys.newPage();
    await signIn(page, 'ada@northwind.example');
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) asked.push(url.pathname);
    });
    await page.goto('/calls');
    await page.locator('[data-testid="call-row"]').first().waitFor();
    await page.locator('[data-testid="stats-chart"]').first().waitFor();
    // Max's and Mia's week-long calls are named from the calls' answer.
    await page
      .locator('[data-testid="call-row"]')
      .filter({ hasText: 'Max Manager' })
      .first()
      .waitFor();
    const main = page.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'Statistics', exact: true }).click();
    await page.locator('[data-testid="stats-chart"]').nth(3).waitFor();
    assert.match(
      (await page.locator('[data-testid="stats-chart"]').nth(2).textContent()) ?? '',
      /Mia Manager/,
      'the per-employee chart names people without the directory',
    );
    assert.deepEqual(
      [...new Set(asked)].sort(),
      ['/api/v1/calls', '/api/v1/calls/stats', '/api/v1/session'],
      'one request for the session, then only what the pages show',
    );
    assert.equal(asked.filter((path) => path === '/api/v1/session').length, 1, asked.join(' '));
    await main.getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    await main.getByRole('link', { name: 'Assignments', exact: true }).click();
    await page.getByRole('heading', { name: 'Assignments', level: 1 }).waitFor();
    assert.equal(asked.filter((path) => path === '/api/v1/directory').length, 1, asked.join(' '));
    await page.close();
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`the access-code picker works from the keyboard alone at ${viewport.width}×${viewport.height}: type, arrow, Enter; the row appears`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      await page.goto('/admin/assignments');
      const add = page.getByRole('form', { name: 'Add access permission' });
      const user = add.getByRole('combobox', { name: 'User' });
      await user.focus();
      await page.keyboard.type('ma');
      // "Max Manager" starts with "ma"; "Mia Manager" has a word that does: Max first.
      const listbox = add.getByRole('listbox', { name: 'User' });
      await listbox.getByRole('option').nth(1).waitFor();
      const names = await listbox.locator('.combobox-name').allTextContents();
      assert.deepEqual(names.slice(0, 2), ['Max Manager', 'Mia Manager']);
      assert.equal(await user.getAttribute('aria-expanded'), 'true');
      await page.keyboard.press('ArrowDown');
      const active = await user.getAttribute('aria-activedescendant');
      assert.ok(active, 'an option is active');
      assert.match((await page.locator(`[id="${active}"]`).textContent()) ?? '', /Mia Manager/);
      await page.keyboard.press('Enter');
      assert.equal(await user.inputValue(), 'Mia Manager');
      assert.equal(await user.getAttribute('aria-expanded'), 'false');

      await add.getByLabel('Role').focus();
      await page.keyboard.type('Head');
      await add.getByRole('button', { name: 'Add' }).focus();
      await page.keyboard.press('Enter');
      await page
        .getByRole('row')
        .filter({ hasText: 'User: Mia Manager' })
        .filter({ hasText: 'Head of department' })
        .waitFor();

      // The picker is cleared (an effect after the row appears); empty, it offers the recent
      // choice.
      const input = await user.elementHandle();
      await page.waitForFunction((element) => (element as { value?: string }).value === '', input, {
        timeout: 5_000,
      });
      assert.equal(await user.inputValue(), '');
      await user.focus();
      await listbox.getByText('Recent').waitFor();
      assert.deepEqual(await listbox.locator('.combobox-name').allTextContents(), ['Mia Manager']);
      await page.keyboard.press('Escape');

      // A department is shown with its path.
      await add
        .getByLabel('Give access to')
        .selectOption({ label: 'Department, with sub-departments' });
      const department = add.getByRole('combobox', { name: 'Department' });
      await department.focus();
      await page.keyboard.type('east');
      const option = add.getByRole('listbox', { name: 'Department' }).getByRole('option').first();
      await option.waitFor();
      assert.equal(await option.locator('.combobox-name').textContent(), 'Sales East');
      assert.equal(
        await option.locator('.combobox-detail').textContent(),
        'Northwind Telephony › Sales',
      );
      await screenshot(page, `scale-combobox-department-${viewport.width}`, false);
      await page.keyboard.press('Enter');
      assert.equal(await department.inputValue(), 'Northwind Telephony › Sales › Sales East');
    });
  }

  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
  ]) {
    test(`statistics of seven-digit totals are readable at ${viewport.width}×${viewport.height}`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      await page.goto('/statistics');
      await page.getByTestId('stats-tile').first().waitFor();
      await page.getByTestId('stats-chart').first().locator('svg').waitFor();
      await assertReadable(page, viewport.width);
      await screenshot(page, `scale-statistics-${viewport.width}`);
    });
  }
});

/** No horizontal scroll, no tile whose figure spills or is cut, no axis label cut off. */
async function assertReadable(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(scrollWidth <= width, `no horizontal scroll (scrollWidth ${scrollWidth})`);
  const tiles = await page.evaluate<{ text: string; fits: boolean }[]>(`
    [...document.querySelectorAll('[data-testid="stats-tile"] dd')].map((dd) => ({
      text: dd.textContent,
      fits: dd.scrollWidth <= dd.clientWidth && dd.getBoundingClientRect().right <= dd.parentElement.getBoundingClientRect().right,
    }))`);
  assert.equal(tiles.length, 6);
  for (const tile of tiles) assert.ok(tile.fits, `the tile figure "${tile.text}" fits`);
  const talkTime = tiles.find((t) => /h$/.test(t.text));
  assert.ok(talkTime, `talk time in hours: ${tiles.map((t) => t.text).join(', ')}`);
  const clipped = await page.evaluate<string[]>(`
    [...document.querySelectorAll('svg.chart-svg')].flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')]
        .filter((t) => { const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
        .map((t) => t.textContent);
    })`);
  assert.deepEqual(clipped, [], 'no axis or bar label is cut off');
  // Minutes per day: millions of minutes.
  const axis = await page
    .getByTestId('stats-chart')
    .nth(1)
    .locator('text.chart-axis')
    .allTextContents();
  assert.ok(
    axis.some((label) => /^\d+(\.\d)?[KM]$/.test(label)),
    `compact axis labels: ${axis.join(' ')}`,
  );
}
