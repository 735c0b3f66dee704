import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AjaxError, ApiVersion } from '@bitrix24/b24jssdk';
import { DEMO_ACCOUNT_ID } from '../src/telephony/demo.js';
import { exportPermissions, importPermissions } from '../src/telephony/permissions.js';
import {
  ACTIVE_DEMO_USERS,
  type BitrixServer,
  hookFromUrl,
  listRestCallIds,
  startBitrixServer,
} from './bitrix-sdk.js';
import { describeOnEachDialect } from './databases.js';

/**
 * The Bitrix24 surface through Bitrix24's own JavaScript SDK (@bitrix24/b24jssdk), against
 * the real server over HTTPS (a self-signed certificate made here), on the demo company.
 */

interface StatisticRow {
  readonly ID: string;
  readonly CALL_ID: string;
  readonly PORTAL_USER_ID: string | null;
}

describeOnEachDialect('the Bitrix24 SDK against Callgate over HTTPS', (dialect) => {
  let demo: BitrixServer;

  before(async () => {
    demo = await startBitrixServer(dialect);
  });
  after(() => demo?.close());

  /** The SDK, as an application would make it from a webhook URL, trusting the test's CA. */
  const hookOf = (url: string) => hookFromUrl(url, demo.agent);

  const restCallIds = (userId: string) =>
    listRestCallIds(demo.agent, demo.url, demo.tokens.get(userId)!);

  test('for every user, voximplant.statistic.get through callList lists exactly their calls', async () => {
    let seenBySomeone = 0;
    for (const userId of ACTIVE_DEMO_USERS) {
      const expected = await restCallIds(userId);
      assert.notEqual(expected, 'forbidden', userId);
      const listed = await hookOf(
        demo.webhooks.get(userId)!,
      ).actions.v2.callList.make<StatisticRow>({
        method: 'voximplant.statistic.get',
        params: {},
        idKey: 'ID',
      });
      assert.ok(listed.isSuccess, `${userId}: ${listed.getErrorMessages().join('; ')}`);
      const rows = listed.getData() as StatisticRow[];
      const ids = rows.map((row) => row.CALL_ID);
      assert.equal(new Set(ids).size, ids.length, `${userId}: a call listed twice`);
      assert.deepEqual(new Set(ids), expected, userId);
      seenBySomeone += ids.length;
    }
    assert.ok(seenBySomeone > 600, 'the demo calls were listed');
  });

  test('fetchList streams the administrator’s 600 calls 50 at a time, in increasing ID', async () => {
    const hook = hookOf(demo.webhooks.get('ada')!);
    const all: StatisticRow[] = [];
    let chunks = 0;
    for await (const chunk of hook.actions.v2.fetchList.make<StatisticRow>({
      method: 'voximplant.statistic.get',
      params: { filter: { '>=CALL_DURATION': 0 } },
      idKey: 'ID',
    })) {
      assert.ok(chunk.length <= 50);
      chunks += 1;
      all.push(...chunk);
    }
    assert.equal(all.length, 600);
    assert.equal(chunks, 12);
    const numbers = all.map((row) => Number(row.ID));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
    assert.deepEqual(new Set(all.map((row) => row.CALL_ID)), await restCallIds('ada'));
  });

  test('a page from start, with total and next; FILTER, SORT and ORDER as Bitrix24 takes them', async () => {
    const hook = hookOf(demo.webhooks.get('ada')!);
    const first = await hook.actions.v2.call.make<StatisticRow[]>({
      method: 'voximplant.statistic.get',
      params: { FILTER: { CALL_TYPE: 2 }, SORT: 'CALL_START_DATE', ORDER: 'DESC', start: 50 },
    });
    assert.ok(first.isSuccess);
    const rows = first.getData()!.result;
    assert.equal(rows.length, 50);
    assert.equal(first.getTotal(), 150, 'a quarter of the 600 demo calls are inbound');
    assert.ok(first.isMore());
    const next = await first.getNext(hook.getHttpClient(ApiVersion.v2));
    assert.ok(next !== false && next.isSuccess);
    assert.equal(next.getData()!.result.length, 50);
    assert.equal(next.isMore(), false);
  });

  test('batch runs commands as the same user, each through its own guard', async () => {
    const hook = hookOf(demo.webhooks.get('mia')!);
    const batch = await hook.actions.v2.batch.make({
      calls: {
        me: { method: 'user.current', params: {} },
        calls: { method: 'voximplant.statistic.get', params: { start: 0 } },
        nothing: { method: 'no.such.method', params: {} },
      },
      options: { isHaltOnError: false },
    });
    const results = batch.getData() as { me: { XML_ID: string }; calls: StatisticRow[] };
    assert.equal(results.me.XML_ID, 'mia');
    const visible = (await restCallIds('mia')) as Set<string>;
    assert.ok(results.calls.length > 0 && results.calls.length <= 50);
    assert.ok(
      results.calls.every((row) => visible.has(row.CALL_ID)),
      'only calls mia may see',
    );
    assert.equal(results.calls[0]!.PORTAL_USER_ID !== undefined, true);
    const failure = [...batch.getErrors()].find((error) => error instanceof AjaxError);
    assert.ok(failure instanceof AjaxError);
    assert.equal(failure.code, 'ERROR_METHOD_NOT_FOUND');
  });

  test('errors arrive as the SDK’s AjaxError with Bitrix24’s codes and statuses', async () => {
    const hook = hookOf(demo.webhooks.get('mia')!);
    const refused = async (method: string, params: Record<string, unknown>) => {
      try {
        await hook.actions.v2.call.make({ method, params });
      } catch (error) {
        assert.ok(error instanceof AjaxError, String(error));
        return { code: error.code, status: error.status };
      }
      assert.fail(`${method} answered`);
    };
    assert.deepEqual(await refused('no.such.method', {}), {
      code: 'ERROR_METHOD_NOT_FOUND',
      status: 404,
    });
    assert.deepEqual(await refused('voximplant.statistic.get', { FILTER: { NO_SUCH_FIELD: 1 } }), {
      code: 'ERROR_ARGUMENT',
      status: 400,
    });
    const forged = hookOf(
      demo.webhooks.get('mia')!.replace(/\/[A-Za-z0-9_-]{55}\/$/, `/${'A'.repeat(55)}/`),
    );
    try {
      await forged.actions.v2.call.make({ method: 'user.current', params: {} });
      assert.fail('a forged webhook answered');
    } catch (error) {
      assert.ok(error instanceof AjaxError);
      assert.equal(error.code, 'INVALID_CREDENTIALS');
      assert.equal(error.status, 401);
    }
  });

  test('the same application works for some users and not for others (SPEC §12)', async () => {
    // Support's role loses call statistics: its people are refused, Sales still served.
    const permissions = await exportPermissions(demo.db, DEMO_ACCOUNT_ID);
    await demo.db.transaction().execute((trx) =>
      importPermissions(
        trx,
        DEMO_ACCOUNT_ID,
        {
          roles: permissions.roles.map((role) =>
            role.id === 'crm-caller'
              ? { ...role, permissions: { ...role.permissions, 'callStats.view': 'none' } }
              : role,
          ),
          assignments: permissions.assignments,
        },
        { dryRun: false, actor: 'operator', now: Date.now() },
      ),
    );
    /** The application: count my calls. */
    const application = async (userId: string): Promise<number | string> => {
      try {
        const answer = await hookOf(demo.webhooks.get(userId)!).actions.v2.call.make({
          method: 'voximplant.statistic.get',
          params: {},
        });
        return answer.getTotal();
      } catch (error) {
        if (error instanceof AjaxError) return `${error.status} ${error.code}`;
        throw error;
      }
    };
    assert.equal(await application('tess'), '403 ACCESS_DENIED');
    assert.equal(await application('cora'), '403 ACCESS_DENIED');
    assert.equal(await restCallIds('tess'), 'forbidden', 'the REST API agrees');
    const mia = await application('mia');
    assert.equal(typeof mia, 'number');
    assert.equal(mia, ((await restCallIds('mia')) as Set<string>).size);
    // Hugo heads Support: his own role still gives him his department.
    assert.equal(typeof (await application('hugo')), 'number');
  });
});
