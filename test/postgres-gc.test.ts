import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { describeOnPostgres, freshDatabase } from './databases.js';

/**
 * Issue 15: a department head's page p99 was the calling process's young-generation
 * collections. Through pg's promise form a page's rows outlived it: every scavenge copied
 * and promoted about 2 MB and took 8–40 ms (store/database.ts, `askingWithCallbacks`).
 * This reads pages in a child under V8's own trace and holds what a scavenge keeps.
 */
const run = promisify(execFile);

/** What each scavenge promoted, in bytes, from `--trace-gc-nvp` lines after `marker`. */
function promotedPerScavenge(trace: string, marker: string): number[] {
  const after = trace.slice(trace.indexOf(`${marker}\n`));
  return after
    .split('\n')
    .filter((line) => line.includes(' gc=s '))
    .map((line) => Number(/ promoted=(\d+)/.exec(line)?.[1]));
}

describeOnPostgres('a page of calls leaves nothing behind', () => {
  const database = freshDatabase('postgres');
  after(() => database.drop());

  test("a page's rows do not outlive it", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        // A fixed young generation (16 MiB, Node's largest default), so scavenges come at
        // the same rate on every machine.
        '--min-semi-space-size=16',
        '--max-semi-space-size=16',
        '--trace-gc-nvp',
        join(import.meta.dirname, 'gc-pages.js'),
        database.url,
        '3000',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const promoted = promotedPerScavenge(stdout, 'pages');
    assert.ok(promoted.length >= 5, `only ${promoted.length} scavenges: the loop allocates less`);
    assert.ok(promoted.every(Number.isFinite), 'a scavenge line without its promoted bytes');
    const mean = promoted.reduce((sum, bytes) => sum + bytes, 0) / promoted.length;
    // Measured: about 20 KB in the callback form, 1.7–2 MB through pg's promise form.
    assert.ok(
      mean < 256 * 1024,
      `each scavenge promoted ${Math.round(mean / 1024)} KB on average (${promoted.length} scavenges)`,
    );
  });
});
