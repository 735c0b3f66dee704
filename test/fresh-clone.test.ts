import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

type Version = readonly [number, number, number];

/**
 * Whether `version` satisfies an npm `engines` range: `||` alternatives of space-separated
 * comparators (`>=20.19`, `^20.19.0`, `~1.2`, `<15`, `20.x`, `*`). A form it does not know
 * fails the test, so a new dependency's range is read, never guessed.
 */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter((c) => c !== '');
    return comparators.every((comparator) => {
      const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/.exec(
        comparator,
      );
      assert.ok(match, `the engines range "${range}" has a form this test does not read`);
      const parts = match.slice(2, 5).map((p) => (p === undefined || /[xX*]/.test(p) ? null : +p));
      const given = parts.findIndex((p) => p === null);
      const known = given === -1 ? 3 : given; // how many leading parts are numbers
      if (known === 0) return true;
      const at = (f: (i: number) => number): Version => [f(0), f(1), f(2)];
      const low = at((i) => (i < known ? parts[i]! : 0));
      /** The first version above those that match `low` in its parts up to `part`. */
      const above = (part: number) =>
        at((i) => (i < part ? low[i]! : i === part ? low[i]! + 1 : 0));
      const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
      const from = (lowest: Version, end: Version) =>
        cmp(version, lowest) >= 0 && cmp(version, end) < 0;
      const exact = known === 3;
      switch (match[1] ?? '=') {
        case '>=':
          return cmp(version, low) >= 0;
        case '>':
          return exact ? cmp(version, low) > 0 : cmp(version, above(known - 1)) >= 0;
        case '<':
          return cmp(version, low) < 0;
        case '<=':
          return exact ? cmp(version, low) <= 0 : cmp(version, above(known - 1)) < 0;
        case '^':
          return from(low, above(Math.min(known - 1, low[0] > 0 ? 0 : low[1] > 0 ? 1 : 2)));
        case '~':
          return from(low, above(Math.min(known - 1, 1)));
        default:
          return from(low, above(known - 1));
      }
    });
  });
}

/**
 * Issue 13, item 11: what a fresh clone meets. `npm ci` warned that `cookie@2.0.2` wants
 * Node 22 while the README says 20.19, and the README linked to `../shared/` files that a
 * clone does not have.
 */
describe('a fresh clone', () => {
  test('the engines range reader answers as npm does', () => {
    const v20_19: Version = [20, 19, 0];
    for (const range of [
      '>=20.19',
      '^20.19.0 || ^22.13.0 || >=24',
      '20.x || 22.x',
      '18 || 20 || >=22',
      '>= 18',
      '10.* || >= 12.*',
      '>=16 || 14 >=14.17',
      '*',
      '>19',
      '<=20.19',
    ])
      assert.equal(satisfies(v20_19, range), true, range);
    for (const range of ['>=22', '^20.20.0', '22.x || >=24', '^18', '~20.18', '>=14 <20', '>20'])
      assert.equal(satisfies(v20_19, range), false, range);
  });

  test('every locked package accepts the oldest Node package.json allows (no engine warning on npm ci)', () => {
    const minimum = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines
        .node,
    );
    assert.ok(minimum, 'package.json’s engines.node is a ">=" range');
    const oldest: Version = [+minimum[1]!, +minimum[2]!, +(minimum[3] ?? 0)];
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    };
    const ranges = Object.entries(lock.packages).flatMap(([path, entry]) =>
      !Array.isArray(entry.engines) && entry.engines?.node !== undefined
        ? [
            {
              name: `${path.replace(/^.*node_modules\//, '')}@${entry.version}`,
              range: entry.engines.node,
            },
          ]
        : [],
    );
    assert.ok(ranges.length > 50, `the lock's engines were read (${ranges.length})`);
    assert.deepEqual(
      ranges
        .filter(({ range }) => !satisfies(oldest, range))
        .map((r) => `${r.name} wants ${r.range}`),
      [],
      `Node ${oldest.join('.')}`,
    );
  });

  test('the documentation links only to files of the repository, and they exist', () => {
    const root = resolve('.');
    const documents = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (path) =>
        path.endsWith('.md') &&
        !/(^|\/)(node_modules|dist|\.git|test-artifacts|bench\/data)(\/|$)/.test(path) &&
        // The changelog tells what changed, old paths included.
        path !== 'CHANGELOG.md',
    );
    assert.ok(documents.includes('README.md'), documents.join(' '));
    const broken: string[] = [];
    for (const document of documents) {
      const text = readFileSync(document, 'utf8');
      if (text.includes('../shared/')) broken.push(`${document}: names ../shared/`);
      const targets = [
        ...text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g),
        ...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm),
      ].map((match) => match[1]!);
      for (const target of targets) {
        if (/^([a-z][a-z+.-]*:|#)/i.test(target)) continue; // a URL, or a heading of the page
        const file = resolve(dirname(document), decodeURI(target.replace(/#.*$/, '')));
        if (relative(root, file).startsWith('..'))
          broken.push(`${document}: ${target} is outside the repository`);
        else if (!existsSync(file)) broken.push(`${document}: ${target} does not exist`);
      }
    }
    assert.deepEqual(broken, [], `${documents.length} documents read: ${documents.join(', ')}`);
  });
});
