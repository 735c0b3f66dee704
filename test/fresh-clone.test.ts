import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import semver from 'semver';

/**
 * Issue 13, item 11: what a fresh clone meets. `npm ci` warned that `cookie@2.0.2` wants
 * Node 22 while the README says 20.19, and the README linked to `../shared/` files that a
 * clone does not have.
 */
describe('a fresh clone', () => {
  test('every locked package accepts the oldest Node package.json allows (no engine warning on npm ci)', () => {
    const oldest = semver.minVersion(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines
        .node,
    );
    assert.ok(oldest, 'package.json names the Node versions it runs on');
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
        .filter(({ range }) => !semver.satisfies(oldest, range))
        .map((r) => `${r.name} wants ${r.range}`),
      [],
      `Node ${oldest.version}`,
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
