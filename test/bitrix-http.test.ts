import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METHODS } from '../src/bitrix/methods.js';
import { isPermissionKey } from '../src/engine/catalogue.js';
import { listAudit } from '../src/store/audit.js';
import { generateDemoWav } from '../src/telephony/demo-audio.js';
import { importDirectory } from '../src/telephony/directory.js';
import { mintToken } from '../src/telephony/tokens.js';
import { isAppScope } from '../src/telephony/tokens.js';
import { isWebhookScope } from '../src/telephony/webhooks.js';
import { COMPANY } from './fixtures.js';
import { type Harness, describeHttp, grant, json } from './http.js';

test('every Bitrix24 method declares its guard: a permission, or a reason for needing none', () => {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(METHODS)) {
    if (name !== name.toLowerCase()) problems.push(`${name}: names are lower case`);
    if (spec.appScope !== null && !isAppScope(spec.appScope))
      problems.push(`${name}: unknown application scope`);
    if (spec.webhookScope !== null && !isWebhookScope(spec.webhookScope))
      problems.push(`${name}: unknown webhook scope`);
    if (spec.permission === null ? spec.reason.length < 10 : !isPermissionKey(spec.permission))
      problems.push(`${name}: a permission, or a reason for needing none`);
    // What reads telephony data needs the telephony scope, whichever way the caller comes.
    if (
      name.startsWith('voximplant.') &&
      (spec.appScope !== 'telephony' || spec.webhookScope !== 'telephony')
    )
      problems.push(`${name}: needs the telephony scope`);
  }
  assert.deepEqual(problems, []);
  assert.equal(METHODS['voximplant.statistic.get']?.permission, 'callStats.view');
});

type Envelope = {
  result?: unknown;
  total?: number;
  next?: number;
  time?: Record<string, unknown>;
  error?: string;
  error_description?: string;
};

interface Row {
  ID: string;
  CALL_ID: string;
  PORTAL_USER_ID: string | null;
  CALL_TYPE: string;
  CALL_RECORD_URL: string | null;
  CALL_FAILED_CODE: string;
  COST: string;
}

async function webhookOf(h: Harness, userId: string, scopes = ['telephony']): Promise<string> {
  const response = await h.request(userId, 'POST', '/api/v1/me/webhooks', { scopes });
  assert.equal(response.statusCode, 201, response.body);
  return new URL(json<{ url: string }>(response).url).pathname;
}

describeHttp('Bitrix24 REST surface', (h) => {
  const hooks = new Map<string, string>();
  const hook = async (userId: string): Promise<string> => {
    if (!hooks.has(userId)) hooks.set(userId, await webhookOf(h(), userId));
    return hooks.get(userId)!;
  };
  const call = async (
    path: string,
    options: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await h().request(
      null,
      options.method ?? 'GET',
      path,
      options.body,
      options.headers,
    );
    return { status: response.statusCode, body: json<Envelope>(response) };
  };

  test('webhooks: created with a URL ending /rest/<userNumber>/<secret>/, listed without it, revoked; audited without it', async () => {
    const created = await h().request('u4', 'POST', '/api/v1/me/webhooks', {
      scopes: ['telephony', 'call'],
    });
    assert.equal(created.statusCode, 201);
    const body = json<{ id: string; url: string; userNumber: number; scopes: string[] }>(created);
    const secret = new RegExp(`/rest/${body.userNumber}/([A-Za-z0-9_-]{55})/$`).exec(body.url)?.[1];
    assert.ok(secret, body.url);
    assert.deepEqual(body.scopes, ['telephony', 'call']);
    const listed = await h().request('u4', 'GET', '/api/v1/me/webhooks');
    assert.ok(!listed.body.includes(secret), 'the list never shows the secret');
    assert.ok(json<{ items: { id: string }[] }>(listed).items.some((w) => w.id === body.id));
    const path = new URL(body.url).pathname;
    assert.equal((await call(`${path}user.current`)).status, 200);
    // Another user cannot revoke it; its owner can, and it stops at once.
    assert.equal(
      (await h().request('u5', 'DELETE', `/api/v1/me/webhooks/${body.id}`)).statusCode,
      404,
    );
    assert.equal(
      (await h().request('u4', 'DELETE', `/api/v1/me/webhooks/${body.id}`)).statusCode,
      204,
    );
    const after = await call(`${path}user.current`);
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'INVALID_CREDENTIALS');
    const audit = await listAudit(h().store.db, 'acme', 500);
    const entries = audit.filter((e) => e.subject === body.id);
    assert.deepEqual(entries.map((e) => e.type).sort(), ['webhook.created', 'webhook.revoked']);
    assert.ok(!JSON.stringify(entries).includes(secret), 'the audit never holds the secret');
    // An application acting for the user may not mint one.
    const byApp = await h().request('app', 'POST', '/api/v1/me/webhooks', {
      scopes: ['telephony'],
    });
    assert.equal(byApp.statusCode, 403);
  });

  test('the operator creates a webhook for any user; unknown users and scopes are refused', async () => {
    const made = await h().request('operator', 'POST', '/api/v1/accounts/acme/webhooks', {
      userId: 'u7',
      scopes: ['telephony'],
    });
    assert.equal(made.statusCode, 201, made.body);
    const path = new URL(json<{ url: string }>(made).url).pathname;
    const me = await call(`${path}user.current`);
    assert.equal((me.body.result as { XML_ID: string }).XML_ID, 'u7');
    for (const body of [
      { userId: 'nobody', scopes: ['telephony'] },
      { userId: 'u7', scopes: ['crm'] },
      { userId: 'u7', scopes: [] },
    ]) {
      const refused = await h().request('operator', 'POST', '/api/v1/accounts/acme/webhooks', body);
      assert.ok(
        [400, 404].includes(refused.statusCode),
        `${JSON.stringify(body)}: ${refused.statusCode}`,
      );
    }
    assert.equal(
      (
        await h().request('u0', 'POST', '/api/v1/accounts/acme/webhooks', {
          userId: 'u7',
          scopes: ['telephony'],
        })
      ).statusCode,
      401,
    );
  });

  test('user numbers: a decimal id is its own number, others are assigned once and never reused', async () => {
    const db = h().store.db;
    const numberOf = async (userId: string) =>
      (
        await db
          .selectFrom('user_numbers')
          .select('number')
          .where('account_id', '=', 'acme')
          .where('user_id', '=', userId)
          .executeTakeFirst()
      )?.number;
    const before = Number(await numberOf('u4'));
    assert.ok(before > 1_000_000_000);
    // A directory that drops u4 and brings a user "42" and a user "u12".
    const next = {
      ...COMPANY,
      users: [
        ...COMPANY.users.filter((u) => u.id !== 'u4'),
        { id: '42', name: 'Forty Two', departmentIds: ['3'] },
        { id: 'u12', name: 'New Person', departmentIds: ['3'] },
      ],
      crmClients: COMPANY.crmClients?.map((c) =>
        c.responsibleUserId === 'u4' ? { ...c, responsibleUserId: null } : c,
      ),
      workgroups: COMPANY.workgroups?.map((w) => ({
        ...w,
        memberIds: (w.memberIds ?? []).filter((m) => m !== 'u4'),
      })),
    };
    await db
      .transaction()
      .execute((trx) => importDirectory(trx, 'acme', next, 'operator', h().clock.now));
    assert.equal(Number(await numberOf('42')), 42);
    const fresh = Number(await numberOf('u12'));
    assert.ok(fresh > before, 'a new number, not a reused one');
    const all = await db
      .selectFrom('user_numbers')
      .select('number')
      .where('account_id', '=', 'acme')
      .execute();
    assert.equal(new Set(all.map((r) => Number(r.number))).size, all.length, 'numbers are unique');
    // u4 comes back with the number it had.
    await db
      .transaction()
      .execute((trx) => importDirectory(trx, 'acme', COMPANY, 'operator', h().clock.now));
    assert.equal(Number(await numberOf('u4')), before);
    // Leaving ended u4's credentials, and coming back revives none: u4 signs in anew for the
    // rest of the suite.
    assert.equal((await h().request('u4', 'GET', '/api/v1/me')).statusCode, 401);
    const { token } = await db
      .transaction()
      .execute((trx) => mintToken(trx, 'acme', { userId: 'u4' }, 'operator', h().clock.now));
    (h().tokens as Record<string, string>).u4 = token;
    hooks.delete('u4');
  });

  test('voximplant.statistic.get: rows in scope only, user numbers, Bitrix24 types and codes', async () => {
    const own = await call(`${await hook('u4')}voximplant.statistic.get`);
    assert.equal(own.status, 200);
    const rows = own.body.result as Row[];
    assert.deepEqual(
      rows.map((r) => r.CALL_ID),
      ['call-u4'],
    );
    assert.equal(own.body.total, 1);
    assert.equal(own.body.next, undefined);
    const me = await call(`${await hook('u4')}user.current`);
    assert.equal(rows[0]!.PORTAL_USER_ID, (me.body.result as { ID: string }).ID);
    assert.equal(rows[0]!.CALL_FAILED_CODE, '200');
    assert.match(rows[0]!.COST, /^\d+\.\d{4}$/);
    for (const key of ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish'])
      assert.ok(key in own.body.time!, key);
    // The head of Sales East, given department, sees the department; the administrator everything.
    await grant(h(), { 'callStats.view': 'department' }, ['user:u3']);
    const head = await call(`${await hook('u3')}voximplant.statistic.get`);
    await grant(h(), null);
    assert.deepEqual(
      new Set((head.body.result as Row[]).map((r) => r.CALL_ID)),
      new Set(['call-u3', 'call-u4', 'call-u10']),
    );
    const admin = await call(`${await hook('u0')}voximplant.statistic.get`);
    assert.equal(admin.body.total, 13);
    // u9 belongs to no department and holds no role: refused, as the REST API refuses.
    const nobody = await call(`${await hook('u9')}voximplant.statistic.get`);
    assert.equal(nobody.status, 403);
    assert.equal(nobody.body.error, 'ACCESS_DENIED');
    assert.equal((await h().request('u9', 'GET', '/api/v1/calls')).statusCode, 403);
  });

  test('FILTER operators, SORT and ORDER run in the query; keys in any case, from a query, a form or JSON', async () => {
    const path = `${await hook('u0')}voximplant.statistic.get.json`;
    const ids = async (query: string, body?: unknown, headers?: Record<string, string>) => {
      const answer = await call(
        `${path}${query}`,
        body === undefined ? {} : { method: 'POST', body, headers: headers ?? {} },
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return (answer.body.result as Row[]).map((r) => Number(r.ID));
    };
    assert.deepEqual(await ids('?FILTER[>ID]=10'), [11, 12, 13]);
    assert.deepEqual(await ids('?filter[>=ID]=11&filter[<=ID]=12'), [11, 12]);
    assert.deepEqual(
      await ids('?FILTER[><ID][0]=2&FILTER[><ID][1]=4&SORT=ID&ORDER=DESC'),
      [4, 3, 2],
    );
    assert.deepEqual(await ids('?FILTER[!ID][0]=1&FILTER[!ID][1]=2&FILTER[<ID]=5'), [3, 4]);
    assert.deepEqual(await ids('?FILTER[%CALL_ID]=U1'), [2, 11, 12]);
    // Calls alternate inbound (2) and outbound (1).
    assert.deepEqual(await ids('', { FILTER: { CALL_TYPE: 1, '<ID': 6 } }), [2, 4]);
    assert.deepEqual(
      await ids('', 'filter%5BCALL_TYPE%5D=2&FILTER%5B%3CID%5D=6', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      [1, 3, 5],
    );
    assert.deepEqual(
      await ids('', { filter: { '>CALL_START_DATE': '2026-11-02T20:00:00Z' } }),
      [12, 13],
    );
    assert.deepEqual(await ids('', { Filter: { '>=CALL_DURATION': 720 } }), [12, 13]);
    assert.deepEqual(
      await ids('', { order: { CALL_DURATION: 'desc' }, filter: { '>ID': 11 } }),
      [13, 12],
    );
    const u4 = await call(`${await hook('u4')}user.current`);
    assert.deepEqual(
      await ids('', { FILTER: { PORTAL_USER_ID: (u4.body.result as { ID: string }).ID } }),
      [5],
    );
    for (const bad of [
      { FILTER: { NOPE: 1 } },
      { FILTER: { '>ID': 'x' } },
      { FILTER: { '%ID': 1 } },
      { SORT: 'NOPE' },
      { ORDER: 'sideways' },
      { FILTER: { '>CALL_START_DATE': 'yesterday' } },
    ]) {
      const refused = await call(path, { method: 'POST', body: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(refused.body.error, 'ERROR_ARGUMENT');
    }
  });

  test('lists: 50 at a time from start, with total and next; start=-1 asks for no total', async () => {
    const calls = Array.from({ length: 120 }, (_, i) => ({
      id: `bulk-${i}`,
      userId: 'u10',
      direction: 'outbound',
      phoneNumber: '+14155550123',
      startedAt: new Date(Date.parse('2026-10-01T00:00:00Z') + i * 60_000).toISOString(),
      durationSec: i,
      status: 'answered',
    }));
    const ingest = await h().request('app', 'POST', '/api/v1/calls', { items: calls });
    assert.equal(ingest.statusCode, 201, ingest.body);
    const path = `${await hook('u10')}voximplant.statistic.get`;
    const pages = [];
    for (const start of [0, 50, 100])
      pages.push(await call(`${path}?start=${start}&FILTER[%CALL_ID]=bulk`));
    assert.deepEqual(
      pages.map((p) => (p.body.result as Row[]).length),
      [50, 50, 20],
    );
    assert.deepEqual(
      pages.map((p) => p.body.next),
      [50, 100, undefined],
    );
    assert.ok(pages.every((p) => p.body.total === 120));
    const fast = await call(`${path}?start=-1&FILTER[%CALL_ID]=bulk`);
    assert.equal((fast.body.result as Row[]).length, 50);
    assert.equal(fast.body.total, undefined);
  });

  test('a recording link only where recording.listen and the folder allow, as a signed URL', async () => {
    const upload = await h().request(
      'app',
      'PUT',
      '/api/v1/calls/call-u4/recording',
      generateDemoWav(1),
      {
        'content-type': 'audio/wav',
      },
    );
    assert.equal(upload.statusCode, 204, upload.body);
    const rowOf = async (userId: string) =>
      (
        (await call(`${await hook(userId)}voximplant.statistic.get?FILTER[CALL_ID]=call-u4`)).body
          .result as Row[]
      )[0];
    const owner = await rowOf('u4');
    assert.match(owner!.CALL_RECORD_URL ?? '', /\/api\/v1\/recordings\/signed\?.*sig=/);
    const played = await h().app.inject({
      method: 'GET',
      url: new URL(owner!.CALL_RECORD_URL!).pathname + new URL(owner!.CALL_RECORD_URL!).search,
    });
    assert.equal(played.statusCode, 200);
    // Keep u4 out of the "Recorded calls" folder: the row stays, the link goes.
    const folder = await h().request('u0', 'GET', '/api/v1/settings/recordings-folder');
    const version = json<{ version: number }>(folder).version;
    const narrowed = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/recordings-folder',
      {
        entries: [
          { accessCode: 'everyone', access: 'read' },
          { accessCode: 'user:u4', access: 'none' },
        ],
      },
      { 'if-match': String(version) },
    );
    assert.equal(narrowed.statusCode, 200, narrowed.body);
    assert.equal((await rowOf('u4'))!.CALL_RECORD_URL, null);
    assert.ok((await rowOf('u0'))!.CALL_RECORD_URL);
  });

  test('errors: unknown methods, missing or wrong credentials, scopes, and the method table guards', async () => {
    const path = await hook('u4');
    const unknown = await call(`${path}voximplant.nothing.here`);
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'ERROR_METHOD_NOT_FOUND']);
    assert.equal((await call(`${path}constructor`)).status, 404, 'no method from a prototype');
    assert.equal((await call('/rest/a/b')).body.error, 'ERROR_METHOD_NOT_FOUND');
    const none = await call('/rest/user.current');
    assert.deepEqual([none.status, none.body.error], [401, 'NO_AUTH_FOUND']);
    const badToken = await call('/rest/user.current?auth=cg_nonsense');
    assert.deepEqual([badToken.status, badToken.body.error], [401, 'invalid_token']);
    const wrongNumber = await call(path.replace(/^\/rest\/\d+\//, '/rest/7/') + 'user.current');
    assert.deepEqual([wrongNumber.status, wrongNumber.body.error], [401, 'INVALID_CREDENTIALS']);
    // A webhook with the user scope only opens no telephony method.
    const userOnly = await webhookOf(h(), 'u4', ['user']);
    const scoped = await call(`${userOnly}voximplant.statistic.get`);
    assert.deepEqual([scoped.status, scoped.body.error], [401, 'insufficient_scope']);
    assert.equal((await call(`${userOnly}user.current`)).status, 200);
    const methods = (await call(`${userOnly}methods`)).body.result as string[];
    assert.ok(!methods.includes('voximplant.statistic.get'));
    assert.deepEqual((await call(`${userOnly}scope`)).body.result, ['user']);
    // Bad JSON answers Bitrix24's shape too.
    const broken = await call(`${path}user.current`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual([broken.status, broken.body.error], [400, 'INVALID_REQUEST']);
  });

  test('application tokens: /rest/<method>?auth=, the application scope and the user permission both decide', async () => {
    const me = await call(`/rest/user.current?auth=${h().appToken}`);
    assert.equal((me.body.result as { XML_ID: string }).XML_ID, 'u0');
    const info = await call('/rest/app.info.json', {
      method: 'POST',
      body: { auth: h().appToken },
    });
    assert.equal((info.body.result as { CODE: string }).CODE, 'pbx-app');
    const pbxOnly = await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
      userId: 'u4',
      appId: 'pbx-app',
      scopes: ['pbx'],
    });
    const token = json<{ token: string }>(pbxOnly).token;
    const refused = await call(`/rest/voximplant.statistic.get?auth=${token}`);
    assert.deepEqual([refused.status, refused.body.error], [401, 'insufficient_scope']);
    const telephony = await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
      userId: 'u9',
      appId: 'pbx-app',
      scopes: ['telephony'],
    });
    const u9 = await call(
      `/rest/voximplant.statistic.get?auth=${json<{ token: string }>(telephony).token}`,
    );
    assert.deepEqual([u9.status, u9.body.error], [403, 'ACCESS_DENIED']);
  });

  test('batch: up to 50 commands, halt, and result, result_error, result_total, result_next, result_time', async () => {
    const path = await hook('u4');
    const answer = await call(`${path}batch`, {
      method: 'POST',
      body: {
        halt: 0,
        cmd: {
          me: 'user.current',
          calls: 'voximplant.statistic.get?FILTER[CALL_ID]=call-u4',
          again: 'voximplant.statistic.get?FILTER[PORTAL_USER_ID]=$result[me][ID]',
          bad: 'no.such.method',
          nested: 'batch?cmd[a]=user.current',
        },
      },
    });
    assert.equal(answer.status, 200);
    const result = answer.body.result as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(result.result!), ['me', 'calls', 'again']);
    assert.deepEqual(
      (result.result!.again as Row[]).map((r) => r.CALL_ID),
      ['call-u4'],
    );
    assert.deepEqual(Object.keys(result.result_error!), ['bad', 'nested']);
    assert.equal((result.result_error!.bad as { error: string }).error, 'ERROR_METHOD_NOT_FOUND');
    assert.equal(
      (result.result_error!.nested as { error: string }).error,
      'ERROR_BATCH_METHOD_NOT_ALLOWED',
    );
    assert.equal(result.result_total!.calls, 1);
    assert.deepEqual(result.result_next, []);
    assert.deepEqual(Object.keys(result.result_time!), ['me', 'calls', 'again']);
    const halted = await call(`${path}batch?halt=1&cmd[0]=no.such&cmd[1]=user.current`);
    const haltedResult = halted.body.result as Record<string, unknown>;
    assert.deepEqual(haltedResult.result, []);
    assert.equal(
      (haltedResult.result_error as { error: string }[])[0]!.error,
      'ERROR_METHOD_NOT_FOUND',
    );
    const tooMany = await call(`${path}batch`, {
      method: 'POST',
      body: { cmd: Array.from({ length: 51 }, () => 'user.current') },
    });
    assert.deepEqual([tooMany.status, tooMany.body.error], [400, 'ERROR_BATCH_LENGTH_EXCEEDED']);
  });

  test('voximplant.user.get: users in reach only; SIP passwords only to those who may modify them', async () => {
    const saved = await h().request(
      'u0',
      'PUT',
      '/api/v1/users/u4/telephony-settings',
      {
        device: null,
        sipLogin: 'u4-sip',
        sipSecret: 'hunter2-sip',
        callerIdNumber: null,
      },
      { 'if-match': '0' },
    );
    assert.ok([200, 201].includes(saved.statusCode), saved.body);
    const numberOf = async (userId: string) =>
      ((await call(`${await hook(userId)}user.current`)).body.result as { ID: string }).ID;
    const [n4, n5] = [await numberOf('u4'), await numberOf('u5')];
    const byAdmin = await call(`${await hook('u0')}voximplant.user.get`, {
      method: 'POST',
      body: { USER_ID: [n4, n5] },
    });
    const adminRows = byAdmin.body.result as { ID: string; SIP_PASSWORD?: string }[];
    assert.deepEqual(
      adminRows.map((r) => r.ID),
      [n4, n5],
    );
    assert.equal(adminRows[0]!.SIP_PASSWORD, 'hunter2-sip');
    // A Manager reads their own, without the password (they may not modify it), and not others.
    const byOwner = await call(`${await hook('u4')}voximplant.user.get`, {
      method: 'POST',
      body: { user_id: [n4, n5] },
    });
    const ownRows = byOwner.body.result as {
      ID: string;
      SIP_PASSWORD?: string;
      SIP_LOGIN: string;
    }[];
    assert.deepEqual(
      ownRows.map((r) => r.ID),
      [n4],
    );
    assert.equal(ownRows[0]!.SIP_LOGIN, 'u4-sip');
    assert.equal('SIP_PASSWORD' in ownRows[0]!, false);
  });
});
