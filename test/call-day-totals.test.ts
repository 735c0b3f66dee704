import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScopeFilter } from '../src/engine/scope.js';
import {
  type CallRecord,
  type CallStatsOptions,
  CALL_STATUSES,
  callStats,
  insertCalls,
} from '../src/store/calls.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importDirectory } from '../src/telephony/directory.js';
import { describeEachDatabase } from './databases.js';
import { COMPANY } from './fixtures.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator (mulberry32): the same calls on every run and database. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Calls over ten days, every owner of the company and none, every status, costs and none. */
function someCalls(count: number, seed: number, prefix: string): CallRecord[] {
  const next = random(seed);
  const owners = [null, ...COMPANY.users.map((u) => u.id)];
  return Array.from({ length: count }, (_, i) => {
    const status = CALL_STATUSES[Math.floor(next() * CALL_STATUSES.length)]!;
    return {
      id: `${prefix}-${i}`,
      userId: owners[Math.floor(next() * owners.length)]!,
      direction: 'outbound',
      phoneNumber: '+14155550100',
      lineNumber: null,
      startedAt: new Date(NOW - Math.floor(next() * 10 * DAY)).toISOString(),
      durationSec: status === 'answered' ? Math.floor(next() * 900) : 0,
      status,
      cost: next() < 0.2 ? null : Math.round(next() * 100_000) / 10_000,
      currency: 'USD',
      crm: null,
      recordingRef: null,
    };
  });
}

const at = (ms: number) => new Date(ms).toISOString();
const midnight = (ms: number) => Math.floor(ms / DAY) * DAY;

/** Windows: none, whole days, partial days at either edge, within one day, open-ended. */
const WINDOWS: readonly { readonly from?: string; readonly to?: string }[] = [
  {},
  { from: at(midnight(NOW) - 5 * DAY), to: at(midnight(NOW)) },
  { from: at(midnight(NOW) - 6 * DAY + 7 * HOUR), to: at(midnight(NOW) - DAY + 13 * HOUR + 17) },
  { from: at(midnight(NOW) - 3 * DAY + HOUR), to: at(midnight(NOW) - 3 * DAY + 9 * HOUR) },
  { from: at(midnight(NOW) - 4 * DAY + 1) },
  { to: at(midnight(NOW) - 2 * DAY - 1) },
];

describeEachDatabase('call day totals', (store) => {
  const accountId = 'totals';

  test('the daily totals answer exactly what adding up every call answers, in every scope', async () => {
    const db = store().db;
    await db.transaction().execute(async (trx) => {
      await createAccount(trx, { id: accountId, name: 'Totals', plan: 'basic' }, 'cli', NOW);
      await importDirectory(trx, accountId, COMPANY, 'cli', NOW);
      // In batches that share days and owners, so rows are added to as well as created.
      for (let batch = 0; batch < 4; batch++)
        await insertCalls(trx, accountId, someCalls(500, batch + 1, `b${batch}`));
    });
    // Outside a transaction too (the dialer records a placed call this way).
    await insertCalls(db, accountId, someCalls(50, 99, 'single'));

    // Sara heads Sales (department 2, Sales East below it); Ed has no department reach.
    const scopes: ScopeFilter[] = [
      { kind: 'any' },
      { kind: 'none' },
      { kind: 'own', userId: 'u3' },
      { kind: 'department', userId: 'u2', departmentIds: ['2'] },
      { kind: 'department', userId: 'u3', departmentIds: [] },
    ];
    let compared = 0;
    for (const scope of scopes)
      for (const window of WINDOWS)
        for (const grouping of [
          {},
          { groupBy: 'day' },
          { groupBy: 'user' },
          { groupBy: 'day', alsoByUser: true },
        ] satisfies CallStatsOptions[]) {
          const options = { ...window, ...grouping };
          const fast = await callStats(db, accountId, scope, options);
          const plain = await callStats(db, accountId, scope, { ...options, source: 'calls' });
          assert.deepEqual(fast, plain, `${JSON.stringify(scope)} ${JSON.stringify(options)}`);
          if (scope.kind !== 'none') assert.ok(plain.totals.count > 0, JSON.stringify(options));
          compared++;
        }
    assert.equal(compared, scopes.length * WINDOWS.length * 4);
  });

  test('whole days are read from the daily totals, so a wrong row would show', async () => {
    const db = store().db;
    const options = { groupBy: 'day', from: at(midnight(NOW) - 5 * DAY), to: at(midnight(NOW)) };
    const before = await callStats(db, accountId, { kind: 'any' }, { groupBy: 'day' });
    const day = Math.floor((midnight(NOW) - 3 * DAY) / DAY);
    await db
      .updateTable('call_day_totals')
      .set((eb) => ({ calls: eb('calls', '+', 1000) }))
      .where('account_id', '=', accountId)
      .where('day', '=', day)
      .where('user_key', '=', 'u1')
      .execute();
    try {
      const fast = await callStats(db, accountId, { kind: 'any' }, options as CallStatsOptions);
      const plain = await callStats(
        db,
        accountId,
        { kind: 'any' },
        {
          ...(options as CallStatsOptions),
          source: 'calls',
        },
      );
      assert.equal(fast.totals.count, plain.totals.count + 1000);
    } finally {
      await db
        .updateTable('call_day_totals')
        .set((eb) => ({ calls: eb('calls', '-', 1000) }))
        .where('account_id', '=', accountId)
        .where('day', '=', day)
        .where('user_key', '=', 'u1')
        .execute();
    }
    assert.deepEqual(await callStats(db, accountId, { kind: 'any' }, { groupBy: 'day' }), before);
  });

  test('a batch that fails adds nothing to the daily totals', async () => {
    const db = store().db;
    const before = await callStats(db, accountId, { kind: 'any' }, { groupBy: 'user' });
    // The last call repeats the first, key and all (an id already taken in another month
    // is the ingest's check, not a constraint, on partitioned PostgreSQL): the whole batch
    // is refused by the key.
    const fresh = someCalls(20, 7, 'again');
    const batch = [...fresh, { ...fresh[0]! }];
    await assert.rejects(insertCalls(db, accountId, batch));
    assert.deepEqual(await callStats(db, accountId, { kind: 'any' }, { groupBy: 'user' }), before);
  });
});
