/**
 * How fast the web app shows the first page of calls and the statistics on the large demo
 * (2,000 users, 1,000,000 calls), in a real browser (Debian's Chromium through
 * playwright-core). Not a test: `npm run bench:ui` prints the figures for the README, and
 * writes issue 13's three targets, measured as the administrator (median of the rounds),
 * into bench/results.json and bench/RESULTS.md beside `npm run bench`'s figures:
 *
 * - sign-in to first call row ≤ 400 ms: from pressing "Sign in" on the sign-in page to the
 *   first row of the call list;
 * - calls page to chart ≤ 300 ms: from navigating to /calls to the chart above the list;
 * - statistics page ≤ 500 ms: from navigating to /statistics to its four charts drawn.
 *
 *   node dist/bench/ui-large.js [--db bench/data/large.db] [--data-dir bench/data/large] [--rounds 5]
 *
 * The database is built once (about a minute) and reused by later runs.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../src/api/server.js';
import { DEMO_PASSWORD } from '../src/telephony/demo.js';
import { seedLargeDemo } from '../src/telephony/demo-large.js';
import { type Figure, writeResults } from './results.js';

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Issue 13's figures: their names start with "UI:", so a rerun replaces them. */
const UI_TARGETS = [
  { key: 'signIn', name: 'UI: sign-in to first call row', limit: 400 },
  { key: 'callsChart', name: 'UI: calls page to chart', limit: 300 },
  { key: 'statistics', name: 'UI: statistics page', limit: 500 },
] as const;

/** The three targets, as the administrator, in a fresh browser context. */
async function measureTargets(
  page: Page,
  base: string,
  rounds: number,
): Promise<Record<(typeof UI_TARGETS)[number]['key'], number[]>> {
  const times = { signIn: [] as number[], callsChart: [] as number[], statistics: [] as number[] };
  for (let round = 0; round <= rounds; round++) {
    await page.context().clearCookies();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Account').fill('demo');
    await page.getByLabel('Email').fill('ada@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    let start = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid="call-row"]').first().waitFor();
    const signIn = Date.now() - start;
    start = Date.now();
    await page.goto(`${base}/calls`);
    await page.locator('[data-testid="stats-chart"]').first().waitFor();
    const callsChart = Date.now() - start;
    start = Date.now();
    await page.goto(`${base}/statistics`);
    await page.locator('[data-testid="stats-chart"]').nth(3).waitFor();
    const statistics = Date.now() - start;
    if (round === 0) continue; // round 0 warms the caches
    times.signIn.push(signIn);
    times.callsChart.push(callsChart);
    times.statistics.push(statistics);
  }
  return times;
}

/** bench/results.json's figures with the UI's replaced by these. */
function withUiFigures(figures: readonly Figure[]): Figure[] {
  if (!existsSync('bench/results.json')) return [...figures];
  const last = JSON.parse(readFileSync('bench/results.json', 'utf8')) as {
    command: string;
    figures: Figure[];
  };
  return [
    ...last.figures
      .filter((f) => !f.name.startsWith('UI:'))
      .map((f) => ({ ...f, command: f.command ?? last.command })),
    ...figures,
  ];
}

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'bench/data/large.db' },
      'data-dir': { type: 'string', default: 'bench/data/large' },
      rounds: { type: 'string', default: '5' },
    },
  });
  mkdirSync(values['data-dir'], { recursive: true });
  const server = await startServer({
    db: values.db,
    port: 0,
    host: '127.0.0.1',
    dataDir: values['data-dir'],
    logs: false,
    prepare: async (services) => {
      await services.store.db.transaction().execute((trx) => seedLargeDemo(trx, services.now()));
    },
  });
  const base = server.url;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const rounds = Number(values.rounds);
  const lines: string[] = [];
  let targets: Awaited<ReturnType<typeof measureTargets>> | undefined;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    targets = await measureTargets(await context.newPage(), base, rounds);
    await context.close();
    for (const [user, who] of [
      ['mia', 'manager (own)'],
      ['erik', 'head of Sales East (department)'],
      ['ada', 'administrator (any)'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const signIn = await page.request.post(`${base}/api/v1/session`, {
        data: { accountId: 'demo', email: `${user}@northwind.example`, password: DEMO_PASSWORD },
      });
      if (!signIn.ok()) throw new Error(`sign-in as ${user} failed: ${signIn.status()}`);
      const times: { list: number; stats: number }[] = [];
      for (let round = 0; round <= rounds; round++) {
        const start = Date.now();
        await page.goto(`${base}/calls`);
        await page.locator('[data-testid="call-row"]').first().waitFor();
        const list = Date.now() - start;
        await page.locator('[data-testid="stats-chart"]').first().waitFor();
        const stats = Date.now() - start;
        if (round > 0) times.push({ list, stats }); // round 0 warms the caches
      }
      lines.push(
        `| ${who} | ${median(times.map((t) => t.list))} ms | ${median(times.map((t) => t.stats))} ms | ${Math.max(...times.map((t) => t.stats))} ms |`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const figures: Figure[] = UI_TARGETS.map(({ key, name, limit }) => {
    const ours = median(targets[key]);
    return {
      name,
      unit: 'ms',
      ours,
      peer: null,
      ratio: null,
      target: `≤ ${limit} ms`,
      met: ours <= limit,
      note: `large demo (2,000 users, 1,000,000 calls, SQLite), as the administrator, Chromium at 1280×800, median of ${rounds} after a warm-up; worst ${Math.max(...targets[key])} ms; load average ${loadavg()[0]!.toFixed(1)} at the end`,
      command: 'npm run bench:ui',
    };
  });
  writeResults(withUiFigures(figures), 'npm run bench');
  process.stdout.write(
    [
      ...figures.map((f) => `${f.name}: ${f.ours} ms (${f.target}) ${f.met ? 'met' : 'MISSED'}`),
      '',
      `Large demo, ${rounds} rounds after a warm-up, from navigation to rendered (median; worst):`,
      '',
      '| signed in as | first page of calls | statistics chart | worst |',
      '|---|---|---|---|',
      ...lines,
      '',
    ].join('\n'),
  );
}

await main();
