import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Journeys, signIn, skipReason, startJourneys } from './harness.js';

/** axe-core's browser build, injected into each page as it is. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/**
 * Every page pattern of the web app (the ROUTES table of web/src/app.tsx), read from its
 * source so a screen added later is checked without anyone remembering to list it here.
 */
function appRoutes(): string[] {
  const source = readFileSync('web/src/app.tsx', 'utf8');
  const table = source.slice(source.indexOf('const ROUTES'));
  const patterns = [...table.matchAll(/pattern:\s*'([^']+)'/g)].map((match) => match[1]!);
  assert.ok(patterns.length >= 10, `web/src/app.tsx's routes not found (${patterns.length})`);
  return patterns;
}

/** A page path for a pattern, with a real item of the demo for each parameter. */
function pathOf(pattern: string, samples: Readonly<Record<string, string>>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const sample = samples[`${pattern}:${name}`] ?? samples[name];
    assert.ok(sample !== undefined, `no sample for :${name} of ${pattern}: add one to the test`);
    return encodeURIComponent(sample);
  });
}

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** axe's serious and critical violations on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy refuses inline
  // scripts, as it should, and a script tag would be one.
  await page.evaluate(`${AXE_SOURCE};undefined`);
  const violations = await page.evaluate<Violation[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)
  `);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}${v.nodes.length > 3 ? `, and ${v.nodes.length - 3} more` : ''})`,
    );
}

/** What a journey found at each state it `check`s, each line named by the state. */
function violationsBy(page: Page): { found: string[]; check: (state: string) => Promise<void> } {
  const found: string[] = [];
  const check = async (state: string): Promise<void> => {
    found.push(...(await seriousViolations(page)).map((line) => `${state}: ${line}`));
  };
  return { found, check };
}

/** Opens `path` and waits until the page has settled: its requests answered, nothing loading. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  await page.locator('main').first().waitFor();
  await page
    .locator('[aria-busy="true"], .loading')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/**
 * Issue 13: an axe-core check of every screen, as the administrator (every route of the
 * app) and as an employee (the views they have), at desktop and phone widths; any serious
 * or critical violation fails, listed with where it is.
 */
describe(
  'browser: no serious accessibility violation on any screen',
  { skip: skipReason() },
  () => {
    let journeys: Journeys;
    let samples: Record<string, string>;
    before(async () => {
      journeys = await startJourneys();
      const call = await journeys.store.db
        .selectFrom('calls')
        .select('id')
        .where('account_id', '=', 'demo')
        .where('user_id', '=', 'mia')
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow();
      samples = { id: call.id, '/admin/roles/:id': 'manager', userId: 'mia' };
    });
    after(async () => {
      await journeys?.close();
    });

    for (const viewport of VIEWPORTS) {
      const size = `${viewport.width}×${viewport.height}`;

      test(`the sign-in page, at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await open(page, '/sign-in');
        await page.getByLabel('Email').waitFor();
        assert.deepEqual(await seriousViolations(page), []);
      });

      test(`every screen as the administrator, at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await signIn(page, 'ada@northwind.example');
        const found: string[] = [];
        const paths = [...appRoutes().map((pattern) => pathOf(pattern, samples)), '/no-such-page'];
        for (const path of paths) {
          await open(page, path);
          found.push(...(await seriousViolations(page)).map((line) => `${path}: ${line}`));
        }
        assert.deepEqual(found, [], `${paths.length} screens checked`);
      });

      test(`the editors' states (unsaved changes, removed rows, the leave dialog, a refused save), at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await signIn(page, 'ada@northwind.example');
        const { found, check } = violationsBy(page);

        // A removed row, struck through, and the sticky save bar with its preview.
        await open(page, '/admin/assignments');
        await page
          .getByRole('button', { name: /^Remove / })
          .first()
          .click();
        await page.locator('tr[data-state="removed"]').waitFor();
        await page.getByRole('region', { name: 'Unsaved changes' }).waitFor();
        await page.waitForLoadState('networkidle');
        await check('assignments, a row removed');

        // The question asked on leaving, over the page.
        await page.evaluate(`document.querySelector('nav a[href="/admin/roles"]').click()`);
        await page.getByRole('dialog', { name: 'Leave without saving?' }).waitFor();
        await check('the leave dialog');
        await page.keyboard.press('Escape');

        // Queues and voice menus as forms, with the server's refusal on a field.
        await open(page, '/admin/telephony-settings');
        const menus = page.getByRole('form', { name: 'Voice menus' });
        await menus.getByLabel('New voice menu’s name').fill('Accessibility check');
        await menus.getByRole('button', { name: 'Add voice menu' }).click();
        await menus.getByRole('button', { name: 'Add a key' }).last().click();
        await menus.getByLabel('What key 1 does').last().selectOption('queue');
        await menus.getByRole('button', { name: 'Save voice menus' }).click();
        await menus.locator('.field-problem').first().waitFor();
        await check('voice menus, a save refused');
        assert.deepEqual(found, []);
      });

      test(`what the screens open: a picker's options, a person's permissions, a line's access list, the phone book, a recorded call, audit details, at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await signIn(page, 'ada@northwind.example');
        const { found, check } = violationsBy(page);

        // The combobox open on its options, one of them active.
        await open(page, '/admin/assignments');
        const add = page.getByRole('form', { name: 'Add access permission' });
        await add.getByRole('combobox', { name: 'User' }).focus();
        await page.keyboard.type('ma');
        await add.getByRole('listbox', { name: 'User' }).getByRole('option').nth(1).waitFor();
        await page.keyboard.press('ArrowDown');
        await check('the user picker, open');

        // A person's effective permissions, the folder closed to him, and a number tried.
        await open(page, '/admin/effective?user=max');
        await page.getByRole('rowheader', { name: 'Call statistics' }).waitFor();
        await page.getByLabel('Number', { exact: true }).fill('+19005550100');
        await page.getByRole('button', { name: 'Check' }).click();
        await page.locator('.try-number [data-rule]').waitFor();
        await check('effective permissions of Max, a number tried');

        // The call list as its URL keeps its filters.
        await open(page, '/calls?status=answered&sort=-durationSec&phoneNumber=%2B1415');
        await check('calls, filtered');

        // A line's access list open on the numbers page, then the question before releasing.
        await open(page, '/numbers');
        const line = page.locator('table.data-table').first().locator('tbody tr').first();
        await line.getByRole('button', { name: 'Who may call out' }).click();
        await page.getByRole('region', { name: /^Who may call out from / }).waitFor();
        await page.waitForLoadState('networkidle');
        await check('numbers, a line’s access list');
        await line.getByRole('button', { name: /^Release / }).click();
        await page.getByRole('group', { name: /^Release .*\?$/ }).waitFor();
        await check('numbers, the release question');

        // The dial pad's phone book answering a search, and the verdict on the number picked.
        await open(page, '/dial');
        await page.getByLabel('Find a client or colleague').fill('acme');
        await page
          .getByRole('button', { name: /^Dial Acme Corp at / })
          .first()
          .click();
        await page.locator('#dial-verdict').getByText('Allowed', { exact: true }).waitFor();
        await check('the dial pad, a client found and picked');

        // A recorded call: the player, deleting, the legal hold form.
        const calls = (await (await page.request.get('/api/v1/calls?limit=500')).json()) as {
          items: { id: string; hasRecording: boolean }[];
        };
        const recorded = calls.items.find((call) => call.hasRecording);
        assert.ok(recorded, 'the demo has a recorded call');
        await open(page, `/calls/${encodeURIComponent(recorded.id)}`);
        await page.getByRole('button', { name: 'Place under legal hold' }).waitFor();
        await check('a recorded call');

        // The audit log with a record's details open.
        await open(page, '/admin/audit');
        await page.locator('details summary').first().click();
        await check('the audit log, details open');
        assert.deepEqual(found, []);
      });

      test(`Cora's dial pad (CRM clients only), a refused number and her phone book, at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await signIn(page, 'cora@contractor.example');
        const found: string[] = [];
        await open(page, '/dial');
        await page.getByLabel('Number to call').fill('+14155550199');
        await page.locator('#dial-verdict').getByText('Not allowed', { exact: true }).waitFor();
        found.push(...(await seriousViolations(page)).map((line) => `refused: ${line}`));
        await page.getByLabel('Find a client or colleague').fill('a');
        await page.getByRole('list', { name: 'CRM clients' }).waitFor();
        found.push(...(await seriousViolations(page)).map((line) => `phone book: ${line}`));
        assert.deepEqual(found, []);
      });

      test(`an employee's screens, at ${size}`, async () => {
        const page = await journeys.newPage(viewport);
        await signIn(page, 'mia@northwind.example');
        const found: string[] = [];
        const paths = ['/calls', `/calls/${samples.id}`, '/statistics', '/dial', '/settings'];
        for (const path of paths) {
          await open(page, path);
          found.push(...(await seriousViolations(page)).map((line) => `${path}: ${line}`));
        }
        assert.deepEqual(found, []);
      });
    }
  },
);
