import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../src/engine/decide.js';
import { CALL_SORTS, CALL_STATUSES, type CallSort } from '../src/store/calls.js';
import { importCalls } from '../src/telephony/calls.js';
import { parseCsv } from '../src/telephony/csv.js';
import { loadPolicyState } from '../src/telephony/policy.js';
import { CALL_START, describeHttp, grant, json } from './http.js';

interface Call {
  id: string;
  userId: string | null;
  phoneNumber: string;
  startedAt: string;
  durationSec: number;
  status: string;
  cost: number | null;
}
interface Page {
  items: Call[];
  nextCursor: string | null;
}
type Error = { error: { code: string } };

/** Who looks: the administrator (any), a head of Sales (department), a manager (own). */
const VIEWERS = ['u0', 'u2', 'u4'] as const;
const OWNERS = ['u2', 'u3', 'u4', 'u5', 'u7', 'u10', null] as const;

/** A call's value under an order, as the list sorts it (no cost below every cost). */
function keyOf(call: Call, sort: CallSort): number {
  if (sort.endsWith('durationSec')) return call.durationSec;
  if (sort.endsWith('cost')) return call.cost === null ? -1 : Math.round(call.cost * 1e6);
  return Date.parse(call.startedAt);
}

describeHttp('the call list: orders, filters and the CSV export, within scope', (h) => {
  /** Every call the list answers for this query, page by page, in the order given. */
  const pageThrough = async (as: string, query: string): Promise<Call[]> => {
    const calls: Call[] = [];
    let cursor: string | null = null;
    do {
      const response = await h().request(
        as,
        'GET',
        `/api/v1/calls?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(response.statusCode, 200, response.body);
      const page = json<Page>(response);
      calls.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return calls;
  };

  /** The ids of the calls `as` may see that `keep` keeps, from the table and the engine. */
  const expected = async (as: string, keep: (row: Row) => boolean = () => true) => {
    const { policy } = await loadPolicyState(h().store.db, 'acme', h().clock.now);
    const rows = await h()
      .store.db.selectFrom('calls')
      .select(['id', 'user_id', 'status', 'phone_number'])
      .where('account_id', '=', 'acme')
      .execute();
    return rows
      .filter(
        (row) =>
          decide(policy, { userId: as, permission: 'callStats.view', targetUserId: row.user_id })
            .allowed && keep(row),
      )
      .map((row) => row.id)
      .sort();
  };
  type Row = { id: string; user_id: string | null; status: string; phone_number: string };

  test('setup: u2 heads Sales; 70 more calls with equal times, durations and costs, some without a cost', async () => {
    await grant(
      h(),
      null,
      [],
      [{ roleId: 'head-of-department', accessCode: 'user:u2', expiresAt: null }],
    );
    await h()
      .store.db.transaction()
      .execute((trx) =>
        importCalls(
          trx,
          'acme',
          Array.from({ length: 70 }, (_, i) => ({
            where: `[${i}]`,
            record: {
              id: `list-${String(i).padStart(2, '0')}`,
              userId: OWNERS[i % OWNERS.length]!,
              direction: i % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
              phoneNumber: i % 3 === 0 ? `+4420712340${i % 10}` : `+1415555${1000 + i}`,
              // Few distinct values, so every order has ties the id must break.
              startedAt: new Date(CALL_START + 86_400_000 + (i % 9) * 60_000).toISOString(),
              durationSec: ((i * 7) % 5) * 30,
              status: CALL_STATUSES[i % CALL_STATUSES.length]!,
              cost: i % 4 === 0 ? null : ((i * 3) % 4) * 0.05,
              currency: 'USD',
            },
          })),
          'operator',
          h().clock.now,
        ),
      );
  });

  test('each order pages through exactly the calls in scope, each once, in order', async () => {
    for (const as of VIEWERS) {
      const inScope = await expected(as);
      for (const sort of CALL_SORTS) {
        const calls = await pageThrough(as, `&sort=${sort}`);
        const ids = calls.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, `${as} ${sort}: a call twice`);
        assert.deepEqual([...ids].sort(), inScope, `${as} ${sort}: not the calls in scope`);
        const descending = sort.startsWith('-');
        for (let i = 1; i < calls.length; i++) {
          const [a, b] = [calls[i - 1]!, calls[i]!];
          const order = keyOf(a, sort) - keyOf(b, sort) || (a.id < b.id ? -1 : 1);
          assert.ok(descending ? order > 0 : order < 0, `${as} ${sort}: ${a.id} before ${b.id}`);
        }
      }
    }
  });

  test('status and number filters keep only matching calls in scope, under any order', async () => {
    for (const as of VIEWERS) {
      for (const sort of ['-startedAt', 'cost'] as const) {
        const missed = await pageThrough(as, `&status=missed&sort=${sort}`);
        assert.deepEqual(
          missed.map((c) => c.id).sort(),
          await expected(as, (row) => row.status === 'missed'),
        );
        const london = await pageThrough(as, `&phoneNumber=%2B44&sort=${sort}`);
        assert.deepEqual(
          london.map((c) => c.id).sort(),
          await expected(as, (row) => row.phone_number.startsWith('+44')),
        );
        const both = await pageThrough(as, `&phoneNumber=%2B1415555101&status=busy&sort=${sort}`);
        assert.deepEqual(
          both.map((c) => c.id).sort(),
          await expected(
            as,
            (row) => row.phone_number.startsWith('+1415555101') && row.status === 'busy',
          ),
        );
      }
    }
    // A prefix is a prefix: the LIKE wildcards in it match only themselves (none is allowed).
    assert.equal((await pageThrough('u0', '&phoneNumber=44')).length, 0);
  });

  test('the CSV export holds the JSON list: the same calls, order and fields', async () => {
    for (const as of VIEWERS) {
      for (const query of [
        '',
        '&sort=-durationSec&status=answered',
        '&sort=cost&phoneNumber=%2B1',
      ]) {
        const listed = await pageThrough(as, query);
        const response = await h().request(as, 'GET', `/api/v1/calls/export.csv?${query}`);
        assert.equal(response.statusCode, 200, response.body);
        assert.match(String(response.headers['content-type']), /^text\/csv/);
        assert.match(String(response.headers['content-disposition']), /attachment/);
        const [header, ...rows] = parseCsv(response.body);
        const column = (name: string) => header!.cells.indexOf(name);
        assert.deepEqual(
          rows.map((row) => row.cells[column('id')]),
          listed.map((c) => c.id),
        );
        for (const [i, row] of rows.entries()) {
          const call = listed[i]!;
          assert.equal(row.cells[column('phoneNumber')], call.phoneNumber);
          assert.equal(row.cells[column('startedAt')], call.startedAt);
          assert.equal(Number(row.cells[column('durationSec')]), call.durationSec);
          assert.equal(row.cells[column('status')], call.status);
          assert.equal(row.cells[column('cost')], call.cost === null ? '' : String(call.cost));
          assert.equal(row.cells[column('userId')], call.userId ?? '');
        }
      }
    }
  });

  test('out of scope never appears: a manager sees and exports only their own calls', async () => {
    const own = await pageThrough('u4', '&sort=-cost');
    assert.ok(own.length > 0);
    assert.ok(own.every((c) => c.userId === 'u4'));
    const csv = parseCsv((await h().request('u4', 'GET', '/api/v1/calls/export.csv')).body);
    const owner = csv[0]!.cells.indexOf('userId');
    assert.ok(csv.slice(1).every((row) => row.cells[owner] === 'u4'));
    // Seeing as another user is for administrators, in the export as in the list.
    const viewAs = await h().request('u4', 'GET', '/api/v1/calls/export.csv?viewAs=u2');
    assert.equal(viewAs.statusCode, 403, viewAs.body);
    assert.equal(json<Error>(viewAs).error.code, 'permission_denied');
  });

  test('bad parameters are 400 invalid_request, on the list and the export', async () => {
    const newest = json<Page>(await h().request('u0', 'GET', '/api/v1/calls?limit=2'));
    const byCost = json<Page>(await h().request('u0', 'GET', '/api/v1/calls?limit=2&sort=cost'));
    const bad = [
      'sort=name',
      'sort=%2Bcost',
      'status=ringing',
      'phoneNumber=abc',
      'phoneNumber=%2B1%25',
      'phoneNumber=',
      // A cursor pages only the order it was given for.
      `sort=durationSec&cursor=${newest.nextCursor}`,
      `cursor=${byCost.nextCursor}`,
      `sort=-cost&cursor=${byCost.nextCursor}`,
    ];
    for (const query of bad) {
      for (const path of ['/api/v1/calls', '/api/v1/calls/export.csv']) {
        if (path.endsWith('.csv') && query.includes('cursor')) continue;
        const response = await h().request('u0', 'GET', `${path}?${query}`);
        assert.equal(response.statusCode, 400, `${path}?${query}: ${response.body}`);
        assert.equal(json<Error>(response).error.code, 'invalid_request');
      }
    }
  });
});
