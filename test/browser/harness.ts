import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  chromium,
} from 'playwright-core';
import { type App, buildApp } from '../../src/api/app.js';
import { type Services, createServices } from '../../src/api/services.js';
import { type Store, openStore } from '../../src/store/database.js';
import { seedDemoRecordings } from '../../src/telephony/demo-audio.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/telephony/demo.js';
import type { Executor } from '../../src/store/database.js';

/** Debian's Chromium, installed by .ci/run; playwright-core drives it (no bundled browser). */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The built web app the server serves (dist/web, beside dist/test). */
const WEB_INDEX = fileURLToPath(new URL('../../web/index.html', import.meta.url));

/** Screenshots of every journey, kept by CI as artifacts (git-ignored). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export { DEMO_PASSWORD };

/**
 * Why the journeys cannot run here, or undefined when they can. Without Chromium they are
 * skipped locally; under CI (`CI=true`) the missing browser is a failure, never a skip.
 */
export function skipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') return undefined; // startJourneys fails loudly instead
  return `${CHROMIUM} is not installed (apt-get install chromium); browser journeys skipped`;
}

export interface Journeys {
  readonly baseUrl: string;
  readonly store: Store;
  readonly services: Services;
  readonly browser: Browser;
  /** A fresh browser context (its own cookies) at 1280×800, or the size given. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts the real server in this process over a fresh SQLite file and data directory,
 * seeded with the demo company (passwords `callgate-demo`, recordings on every tenth
 * answered call, or every `recordingsEvery`-th) and whatever `seed` adds, and launches
 * Chromium.
 */
export async function startJourneys(
  options: {
    readonly seed?: (db: Executor, now: number) => Promise<void>;
    readonly recordingsEvery?: number;
  } = {},
): Promise<Journeys> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: the browser journeys need Chromium`);
  assert.ok(
    existsSync(WEB_INDEX),
    `${WEB_INDEX} is missing: build the web app first (npm run build)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'callgate-browser-'));
  const dataDir = join(dir, 'data');
  const store = await openStore(join(dir, 'callgate.db'));
  const contexts: BrowserContext[] = [];
  let app: App | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const now = Date.now();
    await store.db.transaction().execute(async (trx) => {
      await seedDemo(trx, now);
      await options.seed?.(trx, now);
    });
    await seedDemoRecordings({
      db: store.db,
      dataDir,
      now,
      ...(options.recordingsEvery !== undefined && { every: options.recordingsEvery }),
    });
    const services = createServices(store, { dataDir, secretKey: randomBytes(32) });
    app = await buildApp(services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    assert.ok(address !== null && typeof address === 'object');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const launched = browser;
    mkdirSync(ARTIFACTS, { recursive: true });
    return {
      baseUrl,
      store,
      services,
      browser: launched,
      async newPage(viewport = { width: 1280, height: 800 }) {
        const context = await launched.newContext({ viewport, baseURL: baseUrl, locale: 'en-US' });
        contexts.push(context);
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Signs in through the sign-in form and waits for the app's navigation. */
export async function signIn(page: Page, email: string, accountId = 'demo'): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Account').fill(accountId);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // On a narrow screen the navigation is collapsed behind the menu button: hidden, yet there.
  await page
    .getByRole('navigation', { name: 'Main', includeHidden: true })
    .waitFor({ state: 'attached' });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/** The two widths every journey whose layout matters runs at. */
export const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

/** The API as a signed-in page's session: its cookie, and its CSRF token on each change. */
export interface SessionApi {
  /** GET under /api/v1; fails unless 200. */
  get<T>(path: string): Promise<T>;
  /** PUT under /api/v1 with the CSRF token and, given a version, If-Match; fails unless 200. */
  put<T>(path: string, body: unknown, version?: number): Promise<T>;
}

/**
 * A new page (1280×800, or the size given) signed in as `email` through the sign-in form,
 * with the API as its session for setting up and checking what the page did.
 *
 * @example const { page, api } = await signedIn(journeys, 'ada@northwind.example', PHONE);
 */
export async function signedIn(
  journeys: Journeys,
  email: string,
  viewport?: { width: number; height: number },
): Promise<{ readonly page: Page; readonly api: SessionApi }> {
  const page = await journeys.newPage(viewport);
  await signIn(page, email);
  const get = async <T>(path: string): Promise<T> => {
    const answer = await page.request.get(`/api/v1${path}`);
    assert.equal(answer.status(), 200, `GET ${path}: ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  const { csrfToken } = await get<{ csrfToken: string }>('/session');
  const put = async <T>(path: string, body: unknown, version?: number): Promise<T> => {
    const answer = await page.request.put(`/api/v1${path}`, {
      headers: {
        'x-csrf-token': csrfToken,
        ...(version !== undefined && { 'if-match': `"${version}"` }),
      },
      data: body,
    });
    assert.equal(answer.status(), 200, `PUT ${path}: ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  return { page, api: { get, put } };
}

/** Follows a link of the main navigation, opening the menu first on a phone. */
export async function open(page: Page, label: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
}

/** Fails unless the page fits `width` without scrolling sideways. */
export async function fitsTheScreen(page: Page, width: number, what: string): Promise<void> {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(scrollWidth <= width, `${what} fits ${width} px (scrollWidth ${scrollWidth})`);
}

/**
 * Asserts that the badge of a draft row's cell ("new", "removed when you save", "was
 * Manager") stays with what precedes it (the name, the field): after it on its last line,
 * or, where the line is full, on the next one from the same left edge. A phone's
 * label/value grid (a `td[data-label]` is one) puts each loose child of the cell in a grid
 * cell of its own, and the badge then drops under the cell's label, apart from the name.
 */
export async function assertBadgeBesideName(cell: Locator, what: string): Promise<void> {
  const where = await cell.evaluate((element) => {
    // The DOM as far as used here: the tests compile without its types.
    interface Rect {
      readonly left: number;
      readonly top: number;
      readonly right: number;
      readonly bottom: number;
      readonly width: number;
      readonly height: number;
    }
    interface Node {
      querySelector(selector: string): Node | null;
      getBoundingClientRect(): Rect;
    }
    const { document } = globalThis as unknown as {
      document: {
        createRange(): {
          setStart(node: Node, offset: number): void;
          setEndBefore(node: Node): void;
          getClientRects(): Iterable<Rect>;
        };
      };
    };
    const cell = element as unknown as Node;
    const badge = cell.querySelector('.badge');
    if (badge === null) return 'no badge';
    const before = document.createRange();
    before.setStart(cell, 0);
    before.setEndBefore(badge);
    const name = [...before.getClientRects()].filter((r) => r.width > 0);
    const last = name.at(-1);
    if (last === undefined) return 'no name before the badge';
    const b = badge.getBoundingClientRect();
    const isAfterOnItsLine = b.top < last.bottom && b.bottom > last.top && b.left >= last.right - 1;
    const isOnTheNextLine =
      b.top >= last.bottom - 1 &&
      b.top - last.bottom < b.height &&
      b.left >= Math.min(...name.map((r) => r.left)) - 1;
    const round = (r: Rect) => [r.left, r.top, r.right, r.bottom].map(Math.round).join(',');
    return isAfterOnItsLine || isOnTheNextLine
      ? 'with the name'
      : `badge at ${round(b)}, the name ends at ${round(last)}`;
  });
  assert.equal(where, 'with the name', `${what}: the badge stays with the name`);
}

/** Saves a screenshot (by default of the whole page) as test-artifacts/<name>.png. */
export /**
 * Milliseconds from a click on `target` to the `count`-th element matching `selector` that
 * was not in the document before it, taken inside the page: Playwright's own waits poll at growing intervals
 * and would add up to half a second. The statistics journey and `npm run bench:ui` time with it.
 */
async function clickToRendered(
  page: Page,
  target: Locator,
  selector: string,
  count: number,
): Promise<number> {
  await page.evaluate(`(() => {
    const before = new Set(document.querySelectorAll(${JSON.stringify(selector)}));
    document.addEventListener('click', () => { window.cgClick = performance.now(); },
      { capture: true, once: true });
    window.cgDone = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const fresh = [...document.querySelectorAll(${JSON.stringify(selector)})]
          .filter((element) => !before.has(element));
        if (fresh.length >= ${count}) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    });
  })()`);
  await target.click();
  return page.evaluate<number>('window.cgDone.then((done) => Math.round(done - window.cgClick))');
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/**
 * The form controls of the page that have no accessible label: no <label>, no aria-label,
 * no aria-labelledby. Described by tag, type and id, for the failure message.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.tagName.toLowerCase() + (el.type ? '[type=' + el.type + ']' : '') + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : ''))
  `);
}

/** Polls `probe` until it answers true, or fails with `message` after `ms`. */
export async function eventually(
  probe: () => Promise<boolean>,
  message: string,
  ms = 10_000,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) assert.fail(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
