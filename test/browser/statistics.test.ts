import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { LARGE_DEMO, growDemo } from '../../src/telephony/demo-large.js';
import {
  type Journeys,
  clickToRendered,
  screenshot,
  signIn,
  skipReason,
  startJourneys,
} from './harness.js';

/** The requests to the statistics route while `act` runs. */
async function statsRequests(page: Page, act: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (request: { url(): string }) => {
    if (new URL(request.url()).pathname === '/api/v1/calls/stats') seen.push(request.url());
  };
  page.on('request', listener);
  try {
    await act();
  } finally {
    page.off('request', listener);
  }
  return seen;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Issue 13: the statistics of the large demo (2,000 people, 1,000,000 calls) as the
 * administrator: one request for the tiles and the four charts, tiles that hold their
 * figures, compact axes, the busiest 20 per employee until "show all". Screenshots go to
 * test-artifacts/statistics-1m-<width>.png.
 */
describe('browser: statistics at 1,000,000 calls', { skip: skipReason() }, () => {
  let journeys: Journeys;
  let calls: number;
  /** Owners of calls, "no employee" counted as one: the per-employee charts' bars. */
  let people: number;
  before(async () => {
    // Recordings as `serve --demo large` makes them: every 10th answered call would be
    // 90,000 uploads, most of this suite's time, and the statistics read none of them.
    journeys = await startJourneys({
      seed: (db, now) => growDemo(db, now),
      recordingsEvery: 5_000,
    });
    const counted = await sql<{ calls: number; people: number }>`
      select count(*) as calls, count(distinct coalesce(user_id, '')) as people from calls
      where account_id = 'demo'`.execute(journeys.store.db);
    calls = Number(counted.rows[0]!.calls);
    people = Number(counted.rows[0]!.people);
    assert.ok(calls >= LARGE_DEMO.calls, `the large demo's calls: ${calls}`);
  });
  after(async () => {
    await journeys?.close();
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const size = `${viewport.width}×${viewport.height}`;

    test(`the statistics page at ${size}: one request, readable tiles and axes, top 20 per employee`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      // The home page's own requests are over before counting starts.
      await page.waitForLoadState('networkidle');
      const requests = await statsRequests(page, async () => {
        await page.goto('/statistics');
        await page.getByTestId('stats-chart').nth(3).locator('svg').waitFor({ timeout: 30_000 });
      });
      assert.equal(requests.length, 1, `one request for tiles and charts: ${requests.join(' ')}`);

      // The Calls tile: compact, and the exact figure (its title) is every call of the account.
      const tile = page.getByTestId('stats-tile').first().locator('dd');
      assert.match((await tile.textContent()) ?? '', /^\d+(\.\d)?M$/);
      assert.equal(await tile.getAttribute('title'), calls.toLocaleString('en-US'));
      const tiles = await page.evaluate<{ text: string; fits: boolean }[]>(`
        [...document.querySelectorAll('[data-testid="stats-tile"] dd')].map((dd) => ({
          text: dd.textContent,
          fits: dd.scrollWidth <= dd.clientWidth
            && dd.getBoundingClientRect().right <= dd.parentElement.getBoundingClientRect().right,
        }))`);
      assert.equal(tiles.length, 6);
      for (const { text, fits } of tiles) assert.ok(fits, `the tile figure "${text}" fits`);
      // Compact figures: "6,962,942 m" of talk time was the overflowing tile.
      for (const { text } of tiles) assert.doesNotMatch(text, /\d,\d{3}/, `the tile "${text}"`);
      assert.ok(
        tiles.some(({ text }) => /^\d+(\.\d)?[KM]? h$/.test(text)),
        `talk time in hours: ${tiles.map(({ text }) => text).join(', ')}`,
      );
      const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
      assert.ok(scrollWidth <= viewport.width, `no horizontal scroll (${scrollWidth})`);

      // Axes and bar values, on all four charts: compact labels, never a figure cut to "0,000".
      for (const chart of [0, 1, 2, 3]) {
        const axis = await page
          .getByTestId('stats-chart')
          .nth(chart)
          .locator('text.chart-axis')
          .allTextContents();
        const ticks = axis.filter((label) => /^[\d.,]+[KM]?$/.test(label));
        assert.ok(ticks.length >= 2, `axis ticks: ${axis.join(' ')}`);
        for (const label of ticks) assert.match(label, /^(0|[1-9]\d{0,2}(\.\d)?[KM]?)$/);
      }
      const clipped = await page.evaluate<string[]>(`
        [...document.querySelectorAll('svg.chart-svg')].flatMap((svg) => {
          const box = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text')]
            .filter((t) => { const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
            .map((t) => t.textContent);
        })`);
      assert.deepEqual(clipped, [], 'no axis or bar label is cut off');

      // Per employee: the busiest 20 of everyone, the page a few screens long.
      const perEmployee = page.getByTestId('stats-chart').nth(2);
      assert.match(
        (await perEmployee.locator('figcaption').textContent()) ?? '',
        new RegExp(`top 20 of ${people.toLocaleString('en-US')}`),
      );
      assert.equal(await perEmployee.locator('svg rect').count(), 20);
      const height = await page.evaluate<number>('document.documentElement.scrollHeight');
      assert.ok(height < 6_000, `the page is ${height} px high`);
      await screenshot(page, `statistics-1m-${viewport.width}`);

      await page.getByRole('button', { name: /Show all/ }).click();
      await perEmployee
        .locator('svg rect')
        .nth(people - 1)
        .waitFor();
      assert.equal(await perEmployee.locator('svg rect').count(), people);
    });

    if (viewport.width === 1280)
      test('the statistics page and the calls page’s chart come quickly: within twice issue 13’s targets, below what was found', async (t) => {
        // Found: the statistics page 1.1–1.4 s and the calls page's chart 0.8–1.0 s; the
        // targets (npm run bench:ui) are 500 and 300 ms. Twice them leaves room for a
        // loaded test machine and still fails what was found.
        const page = await journeys.newPage(viewport);
        await signIn(page, 'ada@northwind.example');
        await page.getByTestId('stats-chart').first().waitFor({ timeout: 30_000 });
        const link = (name: string) =>
          page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
        const statistics: number[] = [];
        const chart: number[] = [];
        for (let round = 0; round <= 3; round++) {
          const toStatistics = await clickToRendered(
            page,
            link('Statistics'),
            '[data-testid="stats-chart"]',
            4,
          );
          const toChart = await clickToRendered(
            page,
            link('Calls'),
            '[data-testid="stats-chart"]',
            1,
          );
          if (round === 0) continue; // the first round warms the caches
          statistics.push(toStatistics);
          chart.push(toChart);
        }
        // In the run's output, to see the margin a slower machine leaves.
        t.diagnostic(
          `statistics page ${statistics.join(', ')} ms; calls page to chart ${chart.join(', ')} ms`,
        );
        assert.ok(median(statistics) <= 1_000, `statistics page: ${statistics.join(', ')} ms`);
        assert.ok(median(chart) <= 600, `calls page to chart: ${chart.join(', ')} ms`);
      });

    test(`the calls page's chart at ${size}: one request`, async () => {
      const page = await journeys.newPage(viewport);
      await signIn(page, 'ada@northwind.example');
      // The home page's own requests are over before counting starts.
      await page.waitForLoadState('networkidle');
      const requests = await statsRequests(page, async () => {
        await page.goto('/calls');
        await page.getByTestId('stats-chart').first().locator('svg').waitFor({ timeout: 30_000 });
      });
      assert.equal(requests.length, 1, requests.join(' '));
      await screenshot(page, `calls-1m-${viewport.width}`, false);
    });
  }
});
