import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describeHttp, json } from './http.js';

/**
 * The check route reads a call's owner once (issue 12): however many items of a batch name
 * calls, and whatever else the route decides (may the asker see the call, what the level
 * says about its owner), the calls table is read in one statement. Counted at the drivers,
 * on every execution: SQLite statements are prepared once per text and run many times
 * (store/database.ts), so the count wraps the statements' runs, not `prepare`.
 */
const executed: string[] = [];

const probe = new SQLite(':memory:');
const statementPrototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
  'all' | 'get' | 'run' | 'iterate',
  (this: SQLite.Statement, ...args: unknown[]) => unknown
>;
probe.close();
for (const method of ['all', 'get', 'run', 'iterate'] as const) {
  const original = statementPrototype[method];
  statementPrototype[method] = function (this: SQLite.Statement, ...args: unknown[]) {
    executed.push(this.source);
    return original.apply(this, args);
  };
}

// eslint-disable-next-line @typescript-eslint/unbound-method
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
  if (typeof text === 'string') executed.push(text);
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

/** Reads of the calls table among the statements run while `send` runs. */
async function callReadsDuring(send: () => Promise<unknown>): Promise<string[]> {
  const start = executed.length;
  await send();
  return executed.slice(start).filter((text) => /\bfrom\s+"?calls"?/i.test(text));
}

describeHttp('the check reads call owners once', (h) => {
  test('a check naming a call reads the calls table once, seen or not', async () => {
    for (const callId of ['call-u6', 'call-u4', 'call-missing']) {
      let status = 0;
      const reads = await callReadsDuring(async () => {
        const response = await h().request('u6', 'POST', '/api/v1/permissions/check', {
          permission: 'recording.listen',
          callId,
        });
        status = response.statusCode;
      });
      // u6 sees its own call (200); u4's is out of its scope and a missing one is missing
      // (404 both): the owner is read once either way.
      assert.equal(status, callId === 'call-u6' ? 200 : 404);
      assert.equal(reads.length, 1, `${callId}: ${reads.join(' | ')}`);
    }
  });

  test('a batch naming several calls, some twice, reads the calls table once', async () => {
    let answers: { error?: unknown; allowed?: boolean }[] = [];
    const reads = await callReadsDuring(async () => {
      const response = await h().request('u0', 'POST', '/api/v1/permissions/check', {
        items: [
          { permission: 'recording.listen', callId: 'call-u4' },
          { userId: 'u6', permission: 'recording.listen', callId: 'call-u4' },
          { userId: 'u6', permission: 'callStats.view', callId: 'call-u6' },
          { permission: 'callStats.view', callId: 'call-none' },
          { permission: 'numbers.manage' },
        ],
      });
      answers = json<{ items: typeof answers }>(response).items;
    });
    assert.equal(answers.length, 5);
    assert.ok(answers.every((answer) => answer.error === undefined));
    assert.equal(reads.length, 1, reads.join(' | '));
  });

  test('a check naming no call reads no call', async () => {
    const reads = await callReadsDuring(() =>
      h().request('u6', 'POST', '/api/v1/permissions/check', { permission: 'numbers.manage' }),
    );
    assert.deepEqual(reads, []);
  });
});
