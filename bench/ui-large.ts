/**
 * How fast the web app shows the first page of calls and the statistics on the large demo
 * (2,000 users, 1,000,000 calls), in a real browser (Debian's Chromium through
 * playwright-core). Not a test: `npm run bench:ui` prints the figures for the README.
 *
 *   node dist/bench/ui-large.js [--db bench/data/large.db] [--data-dir bench/data/large] [--rounds 5]
 *
 * The database is built once (about a minute) and reused by later runs.
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../src/api/server.js';
import { DEMO_PASSWORD } from '../src/telephony/demo.js';
import { seedLargeDemo } from '../src/telephony/demo-large.js';

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
  try {
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
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      lines.push(
        `| ${who} | ${median(times.map((t) => t.list))} ms | ${median(times.map((t) => t.stats))} ms | ${Math.max(...times.map((t) => t.stats))} ms |`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.stdout.write(
    [
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
