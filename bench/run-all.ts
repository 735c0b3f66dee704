/**
 * `npm run bench`: every benchmark of issue 5, side by side in one run, then
 * bench/results.json and bench/RESULTS.md. Never part of `npm test`.
 *
 * Data is built deterministically from seeds the first time and reused after
 * (bench/data/, the PostgreSQL schema bench_lists).
 */
import { run as runChange } from './change.js';
import { run as runDecisions } from './decisions.js';
import { run as runHttp } from './http.js';
import { run as runLists } from './lists.js';
import { type Figure, writeResults } from './results.js';
import { run as runSearch } from './search.js';
import { run as runTenants } from './tenants.js';

const SUITES: readonly [string, () => Promise<Figure[]>][] = [
  ['decisions in process', () => runDecisions()],
  ['change', () => runChange()],
  ['lists', () => runLists()],
  ['HTTP', () => runHttp()],
  ['tenants', () => runTenants()],
  ['directory search', () => runSearch()],
];

const figures: Figure[] = [];
for (const [name, run] of SUITES) {
  const started = Date.now();
  process.stdout.write(`${name}…\n`);
  figures.push(...(await run()));
  process.stdout.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
writeResults(figures, 'npm run bench');
const missed = figures.filter((f) => !f.met);
process.stdout.write(
  `${figures.length} figures, ${figures.length - missed.length} targets met; see bench/RESULTS.md\n`,
);
