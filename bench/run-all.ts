/**
 * `npm run bench`: every benchmark of issue 5, and the switch of issue 11, side by side in
 * one run, then bench/results.json and bench/RESULTS.md. Never part of `npm test`.
 *
 * `npm run bench -- sip http` runs only the suites named (decisions, change, lists, http,
 * tenants, search, scale, sip) and keeps the other figures of bench/results.json as the last run left them.
 *
 * Data is built deterministically from seeds the first time and reused after
 * (bench/data/, the PostgreSQL schema bench_lists).
 */
import { existsSync, readFileSync } from 'node:fs';
import { run as runChange } from './change.js';
import { run as runDecisions } from './decisions.js';
import { run as runHttp } from './http.js';
import { run as runLists } from './lists.js';
import { type Figure, writeResults } from './results.js';
import { run as runScale } from './scale.js';
import { run as runSearch } from './search.js';
import { run as runSip } from './sip.js';
import { run as runTenants } from './tenants.js';

interface Suite {
  readonly key: string;
  readonly name: string;
  readonly run: () => Promise<Figure[]>;
  /** Figures of this suite by name, so a rerun replaces even those it no longer writes. */
  readonly owns?: (figureName: string) => boolean;
}

const SUITES: readonly Suite[] = [
  { key: 'decisions', name: 'decisions in process', run: () => runDecisions() },
  { key: 'change', name: 'change', run: () => runChange() },
  { key: 'lists', name: 'lists', run: () => runLists() },
  { key: 'http', name: 'HTTP', run: () => runHttp() },
  { key: 'tenants', name: 'tenants', run: () => runTenants() },
  { key: 'search', name: 'directory search', run: () => runSearch() },
  {
    key: 'scale',
    name: 'call history at scale',
    run: () => runScale(),
    owns: (figureName) => figureName.startsWith('Scale '),
  },
  {
    key: 'sip',
    name: 'SIP through Kamailio',
    run: () => runSip(),
    owns: (figureName) => figureName.startsWith('SIP:'),
  },
];

const asked = process.argv.slice(2);
const unknown = asked.filter((key) => !SUITES.some((suite) => suite.key === key));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.map((s) => s.key).join(', ')}\n`,
  );
  process.exit(2);
}
const chosen = asked.length === 0 ? SUITES : SUITES.filter((suite) => asked.includes(suite.key));

const figures: Figure[] = [];
for (const { name, run } of chosen) {
  const started = Date.now();
  process.stdout.write(`${name}…\n`);
  figures.push(...(await run()));
  process.stdout.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** The last run's figures of the suites not run now, with where and how they were measured. */
function keptFigures(): Figure[] {
  if (asked.length === 0 || !existsSync('bench/results.json')) return [];
  const last = JSON.parse(readFileSync('bench/results.json', 'utf8')) as {
    command: string;
    figures: Figure[];
  };
  const fresh = new Set(figures.map((f) => f.name));
  return last.figures
    .filter((f) => !fresh.has(f.name) && !chosen.some((suite) => suite.owns?.(f.name)))
    .map((f) => ({ ...f, command: f.command ?? last.command }));
}

const all = [...keptFigures(), ...figures];
writeResults(all, asked.length === 0 ? 'npm run bench' : `npm run bench -- ${asked.join(' ')}`);
const missed = all.filter((f) => !f.met);
process.stdout.write(
  `${all.length} figures, ${all.length - missed.length} targets met; see bench/RESULTS.md\n`,
);
