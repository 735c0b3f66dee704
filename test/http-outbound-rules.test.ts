import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type App, buildApp } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { explain } from '../src/engine/explain.js';
import { openStore } from '../src/store/database.js';
import { loadPolicyState } from '../src/telephony/policy.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { type Harness, OPERATOR_TOKEN, START, describeHttp, json, seedAccount } from './http.js';

/**
 * SPEC §5's outbound rules through HTTP, on both databases: emergency numbers (rule 1),
 * the destination policy (rule 4), line access (rule 5) and its routes, caller IDs, and
 * dial strings with post-dial parts (issue 10).
 */

type Hook = { allowed: boolean; classification: string; rule: string; reason: string };
type Audit = {
  items: { type: string; actor: string; subject: string; detail: Record<string, unknown> }[];
};
type Failure = { error: { code: string; rule?: string; fields?: unknown } };

const LINE = '+16285550170'; // kept for u4 and department 4 below
const OPEN = '+16285550171'; // everyone
const LONDON = '+442071234570'; // a GB line of the US account

const hook = (h: Harness, from: string, to: string, line?: string) =>
  h.request(
    'app',
    'GET',
    `/api/v1/pbx/authorize?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${
      line === undefined ? '' : `&line=${encodeURIComponent(line)}`
    }`,
  );
const dial = (h: Harness, as: string, to: string, from?: string) =>
  h.request(as, 'POST', '/api/v1/calls/outbound', from === undefined ? { to } : { to, from });
const check = (h: Harness, as: string, phoneNumber: string, userId?: string) =>
  h.request(as, 'POST', '/api/v1/permissions/check', {
    permission: 'outboundCall.perform',
    phoneNumber,
    ...(userId !== undefined && { userId }),
  });
const setSection = async (h: Harness, section: string, value: unknown) => {
  const current = json<{ version: number }>(
    await h.request('u0', 'GET', `/api/v1/settings/${section}`),
  );
  return h.request('u0', 'PUT', `/api/v1/settings/${section}`, value, {
    'if-match': String(current.version),
  });
};

describeHttp('outbound rules: emergency numbers, destination policy, line access', (h) => {
  test('setup: the account rents three lines (one in London)', async () => {
    const pool = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: [
        { number: LINE, country: 'US', monthlyFee: 1, currency: 'USD' },
        { number: OPEN, country: 'US', monthlyFee: 1, currency: 'USD' },
        { number: LONDON, country: 'GB', monthlyFee: 1, currency: 'USD' },
      ],
    });
    assert.equal(pool.statusCode, 201, pool.body);
    for (const number of [LINE, OPEN, LONDON]) {
      const rented = await h().request('u0', 'POST', '/api/v1/numbers', { number });
      assert.equal(rented.statusCode, 201, rented.body);
    }
  });

  test('rule 1: 911 and 112 reach the PBX for any caller: unknown extension, inactive user, no role', async () => {
    for (const [from, userId] of [
      ['555', null], // an extension nobody holds
      ['108', 'u8'], // Ina, inactive
      ['u9', 'u9'], // no role at all
      ['104', 'u4'],
    ] as const) {
      for (const to of ['911', '112']) {
        const answer = json<Hook & { userId: string | null }>(await hook(h(), from, to));
        assert.deepEqual(
          [answer.allowed, answer.classification, answer.rule, answer.userId],
          [true, 'emergency', 'emergencyNumber', userId],
          `${from} → ${to}`,
        );
      }
    }
    // Every emergency call is audited with the caller, the line and the number.
    const audit = json<Audit>(
      await h().request('u0', 'GET', '/api/v1/audit-log?type=outboundCall.emergency&limit=100'),
    );
    assert.equal(audit.items.length, 8);
    const unknown = audit.items.find(
      (e) => (e.detail.caller as { from: string }).from === '555' && e.subject === '911',
    )!;
    assert.equal(unknown.actor, 'system');
    assert.equal(unknown.subject, '911');
    assert.deepEqual(unknown.detail.caller, { userId: null, from: '555' });
    assert.equal(unknown.detail.line, null);
    assert.equal(unknown.detail.source, 'pbx');
  });

  test('rule 1: the outbound route places emergency calls for a user with no level, and the check route says why', async () => {
    const placed = await dial(h(), 'u9', '911');
    assert.equal(placed.statusCode, 201, placed.body);
    assert.deepEqual(
      { ...json<Record<string, unknown>>(placed), callId: undefined },
      { callId: undefined, classification: 'emergency', rule: 'emergencyNumber', to: '911' },
    );
    const answer = json<{ allowed: boolean; rule: string; reasons: unknown[] }>(
      await check(h(), 'u9', '112'),
    );
    assert.deepEqual(
      [answer.allowed, answer.rule, answer.reasons],
      [true, 'emergencyNumber', [{ rule: 'emergencyNumber', region: 'US' }]],
    );
    // The line's country counts: 999 is London's emergency number, not the account's.
    assert.equal(json<Hook>(await hook(h(), '104', '999')).allowed, false);
    const london = json<Hook>(await hook(h(), '104', '999', LONDON));
    assert.deepEqual([london.allowed, london.rule], [true, 'emergencyNumber']);
    // A line written any way at all is no reason to refuse an emergency call.
    const odd = await hook(h(), '555', '911', 'line 1');
    assert.equal(odd.statusCode, 200, odd.body);
    assert.equal(json<Hook>(odd).allowed, true);
    assert.equal(json<Hook>(await hook(h(), '104', '+14155550199', 'line 1')).rule, 'lineAccess');
  });

  test('rule 1: the account’s own emergency numbers, normalised, beat the blocked list', async () => {
    const saved = await setSection(h(), 'emergency-numbers', {
      numbers: ['(415) 555-0911', '+1 415 555 0911', '3110'],
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(json<{ value: unknown }>(saved).value, {
      numbers: ['+14155550911', '3110'],
    });
    const bad = await setSection(h(), 'emergency-numbers', { numbers: ['911,,1'] });
    assert.equal(bad.statusCode, 400);
    const blocked = await setSection(h(), 'blocked-numbers', {
      numbers: ['+19005550000', '+14155550911'],
    });
    assert.equal(blocked.statusCode, 200, blocked.body);
    for (const to of ['+14155550911', '3110']) {
      const answer = json<Hook>(await hook(h(), '555', to));
      assert.deepEqual([answer.allowed, answer.rule], [true, 'emergencyNumber'], to);
    }
    assert.equal(json<Hook>(await hook(h(), '104', '+19005550000')).rule, 'blockedNumber');
  });

  test('rule 4: the destination policy refuses everyone, administrators included', async () => {
    const initial = json<{ value: unknown; version: number }>(
      await h().request('u0', 'GET', '/api/v1/settings/outbound-policy'),
    );
    assert.deepEqual(initial, {
      section: 'outbound-policy',
      value: { premiumRate: 'block', international: { mode: 'any', countries: [] } },
      version: 0,
    });
    // Premium rate is blocked by default.
    const premium = await dial(h(), 'u0', '+19005551234');
    assert.equal(premium.statusCode, 403);
    assert.equal(json<Failure>(premium).error.rule, 'destinationPolicy');
    assert.equal(
      (
        await setSection(h(), 'outbound-policy', {
          premiumRate: 'block',
          international: { mode: 'listed', countries: ['ZZ'] },
        })
      ).statusCode,
      400,
      'a region the metadata does not know',
    );
    const saved = await setSection(h(), 'outbound-policy', {
      premiumRate: 'allow',
      international: { mode: 'listed', countries: ['GB'] },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal((await dial(h(), 'u0', '+19005551234')).statusCode, 201, 'premium allowed now');
    assert.equal((await dial(h(), 'u0', '+442079460000')).statusCode, 201, 'GB is listed');
    for (const as of ['u0', 'u7']) {
      const france = await dial(h(), as, '+33142685300');
      assert.equal(france.statusCode, 403, as);
      assert.equal(json<Failure>(france).error.rule, 'destinationPolicy');
    }
    assert.equal(json<Hook>(await hook(h(), '104', '+18762345678')).rule, 'destinationPolicy');
    // A holder of telephonySettings.modify only may edit it.
    assert.equal(
      (await h().request('u4', 'GET', '/api/v1/settings/outbound-policy')).statusCode,
      403,
    );
    const restored = await setSection(h(), 'outbound-policy', {
      premiumRate: 'block',
      international: { mode: 'any', countries: [] },
    });
    assert.equal(restored.statusCode, 200);
  });

  test('rule 5: line access lists, read and replaced with If-Match, with a preview', async () => {
    const url = `/api/v1/numbers/${encodeURIComponent(LINE)}/access`;
    assert.deepEqual(json(await h().request('u0', 'GET', url)), {
      number: LINE,
      accessCodes: [],
      version: 0,
    });
    assert.equal((await h().request('u4', 'GET', url)).statusCode, 403, 'needs numbers.manage');
    assert.equal(
      (await h().request('u0', 'GET', `/api/v1/numbers/%2B16285550999/access`)).statusCode,
      404,
    );
    const body = { accessCodes: ['user:u4', 'department:4'] };
    assert.equal((await h().request('u0', 'PUT', url, body)).statusCode, 400, 'If-Match');
    const preview = json<{
      dryRun: boolean;
      version: number;
      changes: { userId: string; gains: boolean }[];
    }>(await h().request('u0', 'PUT', `${url}?dryRun=1`, body, { 'if-match': '0' }));
    assert.equal(preview.dryRun, true);
    assert.equal(preview.version, 0, 'nothing saved');
    assert.deepEqual(
      preview.changes.map((c) => [c.userId, c.gains]).sort(),
      ['u1', 'u10', 'u2', 'u3', 'u7', 'u9'].map((id) => [id, false]).sort(),
      'every active user but u4, Support (u5, u6, u11) and the administrator loses the line',
    );
    const saved = await h().request('u0', 'PUT', url, body, { 'if-match': '0' });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(json<{ version: number }>(saved).version, 1);
    assert.equal((await h().request('u0', 'PUT', url, body, { 'if-match': '0' })).statusCode, 412);
    const unknownCode = await h().request(
      'u0',
      'PUT',
      url,
      { accessCodes: ['user:nobody'] },
      {
        'if-match': '1',
      },
    );
    assert.equal(unknownCode.statusCode, 400);
    const audit = json<Audit>(
      await h().request('u0', 'GET', '/api/v1/audit-log?type=number.accessChanged'),
    );
    assert.equal(audit.items[0]!.subject, LINE);
  });

  test('rule 5: `from` must be a line the caller may use (issue 10, item 8); administrators always may', async () => {
    const refused = await dial(h(), 'u7', '+14155550199', LINE);
    assert.equal(refused.statusCode, 403);
    assert.equal(json<Failure>(refused).error.rule, 'lineAccess');
    const placed = await dial(h(), 'u4', '+14155550199', LINE);
    assert.equal(placed.statusCode, 201, placed.body);
    const call = json<{ lineNumber: string }>(
      await h().request('u0', 'GET', `/api/v1/calls/${json<{ callId: string }>(placed).callId}`),
    );
    assert.equal(call.lineNumber, LINE);
    assert.equal((await dial(h(), 'u0', '+14155550199', LINE)).statusCode, 201);
    assert.equal((await dial(h(), 'u7', '+14155550199', OPEN)).statusCode, 201);
    // The hook takes the line as `line`; an emergency call passes line access.
    assert.equal(json<Hook>(await hook(h(), 'u7', '+14155550199', LINE)).rule, 'lineAccess');
    assert.equal(json<Hook>(await hook(h(), 'u7', '911', LINE)).allowed, true);
    // Internal calls come before line access.
    assert.equal(json<Hook>(await hook(h(), 'u7', '104', LINE)).rule, 'internalCall');
    // The check route asks the same, given the line.
    const asked = json<{ allowed: boolean; rule: string; line: string }>(
      await h().request('u7', 'POST', '/api/v1/permissions/check', {
        permission: 'outboundCall.perform',
        phoneNumber: '+14155550199',
        line: LINE,
      }),
    );
    assert.deepEqual([asked.allowed, asked.rule, asked.line], [false, 'lineAccess', LINE]);
    const lineAlone = await h().request('u7', 'POST', '/api/v1/permissions/check', {
      permission: 'outboundCall.perform',
      line: LINE,
    });
    assert.equal(lineAlone.statusCode, 400);
  });

  test('rule 5: a caller-ID setting may name only a line its user may use, and is the line of their calls', async () => {
    const settings = (id: string) => `/api/v1/users/${id}/telephony-settings`;
    const put = async (id: string, callerIdNumber: string | null) => {
      const current = json<{ version: number }>(await h().request('u0', 'GET', settings(id)));
      return h().request(
        'u0',
        'PUT',
        settings(id),
        { device: null, sipLogin: null, callerIdNumber },
        { 'if-match': String(current.version) },
      );
    };
    const refused = await put('u7', LINE);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.body, /callerIdNumber/);
    assert.equal((await put('u4', LINE)).statusCode, 200);
    assert.equal((await dial(h(), 'u4', '+14155550199')).statusCode, 201);
    // Narrowing the line is in force on the next request: u4's calls go out from it.
    const url = `/api/v1/numbers/${encodeURIComponent(LINE)}/access`;
    const narrowed = await h().request(
      'u0',
      'PUT',
      url,
      { accessCodes: ['department:4'] },
      {
        'if-match': '1',
      },
    );
    assert.equal(narrowed.statusCode, 200, narrowed.body);
    assert.deepEqual(json<{ changes: { userId: string; gains: boolean }[] }>(narrowed).changes, [
      { userId: 'u4', userName: 'Mia Manager', gains: false },
    ]);
    const after = await dial(h(), 'u4', '+14155550199');
    assert.equal(after.statusCode, 403);
    assert.equal(json<Failure>(after).error.rule, 'lineAccess');
    assert.equal((await dial(h(), 'u4', '911')).statusCode, 201, 'emergency numbers still go');
  });

  test('issue 10 item 9: a dial string with a post-dial part is refused on every surface', async () => {
    for (const to of ['+14155550101,,,1900', '+14155550101 ext 1900', '+14155550101;ext=1900']) {
      const refused = await dial(h(), 'u0', to);
      assert.equal(refused.statusCode, 403, to);
      assert.equal(json<Failure>(refused).error.rule, 'invalidNumber');
      assert.equal(json<Hook>(await hook(h(), '104', to)).allowed, false);
      assert.equal(json<{ allowed: boolean }>(await check(h(), 'u0', to)).allowed, false);
    }
  });

  test('every rule’s reasons reach the check route and the refusals as the engine gives them', async () => {
    const cases: [userId: string, phoneNumber: string, line?: string][] = [
      ['u7', '112'], // emergencyNumber, by the region's metadata
      ['u7', '3110'], // emergencyNumber, on the account's list
      ['u7', '104'], // internalCall
      ['u7', 'not a number'], // invalidNumber
      ['u7', '+14155550101,,,1900'], // invalidNumber, post-dial
      ['u7', '+19005550000'], // blockedNumber
      ['u7', '+19005551234'], // destinationPolicy, premium rate
      ['u7', '+14155550199', LINE], // lineAccess: a line kept for others
      ['u7', '+14155550199', '+16285550999'], // lineAccess: not a line of the account
      ['u7', '+14155550199'], // level, through roles
      ['u0', '+14155550199'], // accountAdministrator
      ['u8', '+14155550199'], // inactiveUser
      ['nobody', '+14155550199'], // unknownUser
    ];
    const seen = new Set<string>();
    const compare = async (userId: string, phoneNumber: string, line?: string) => {
      const answered = await h().request('u0', 'POST', '/api/v1/permissions/check', {
        userId,
        permission: 'outboundCall.perform',
        phoneNumber,
        ...(line !== undefined && { line }),
      });
      assert.equal(answered.statusCode, 200, answered.body);
      const { policy } = await loadPolicyState(h().store.db, 'acme', h().clock.now);
      const question = {
        userId,
        permission: 'outboundCall.perform',
        phoneNumber,
        ...(line !== undefined && { line }),
      } as const;
      const { reasons } = explain(policy, question);
      assert.deepEqual(json<{ reasons: unknown }>(answered).reasons, reasons, phoneNumber);
      for (const reason of reasons) seen.add('rule' in reason ? reason.rule : 'role');
      return reasons;
    };
    for (const [userId, phoneNumber, line] of cases) await compare(userId, phoneNumber, line);
    for (const mode of ['listed', 'none'] as const) {
      const saved = await setSection(h(), 'outbound-policy', {
        premiumRate: 'block',
        international: { mode, countries: mode === 'listed' ? ['GB'] : [] },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const reasons = await compare('u7', '+33142685300');
      // The refusal of the same call carries the same reasons.
      const refused = await dial(h(), 'u7', '+33142685300');
      assert.equal(refused.statusCode, 403, refused.body);
      assert.deepEqual(json<{ error: { reasons: unknown } }>(refused).error.reasons, reasons);
    }
    const restored = await setSection(h(), 'outbound-policy', {
      premiumRate: 'block',
      international: { mode: 'any', countries: [] },
    });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.deepEqual([...seen].sort(), [
      'accountAdministrator',
      'blockedNumber',
      'destinationPolicy',
      'emergencyNumber',
      'inactiveUser',
      'internalCall',
      'invalidNumber',
      'lineAccess',
      'role',
      'unknownUser',
    ]);
  });
});

describeOnEachDialect('the PBX hook’s emergency calls pass the rate limits', (dialect) => {
  let app: App | undefined;
  let tokens: Record<string, string> = {};
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const database = freshDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'callgate-data-'));
    const store = await openStore(database.url);
    const services = createServices(store, {
      operatorToken: OPERATOR_TOKEN,
      dataDir,
      secretKey: Buffer.alloc(32, 7),
      maxRecordingBytes: 1024,
      // One window for the whole test: three hook answers per token; one unauthenticated request per address.
      rateLimits: {
        windowMs: 600_000,
        perAddress: 1,
        perToken: 1000,
        pbxPerToken: 3,
        perAccount: 1000,
      },
      now: () => START,
    });
    app = await buildApp(services);
    tokens = await seedAccount(store, 'acme', START);
    cleanup = async () => {
      await app?.close();
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  after(() => cleanup?.());
  const ask = (to: string, token = tokens.app!) =>
    app!.inject({
      method: 'GET',
      url: `/api/v1/pbx/authorize?from=555&to=${encodeURIComponent(to)}`,
      headers: { authorization: `Bearer ${token}` },
    });

  test('once the limits are spent, ordinary calls are refused 429 and emergency calls answered', async () => {
    for (let i = 0; i < 3; i++) {
      const first = await ask('+14155550199');
      assert.equal(first.statusCode, 200, first.body);
    }
    assert.equal((await ask('+14155550199')).statusCode, 429, 'the token’s burst is spent');
    for (let i = 0; i < 10; i++) {
      const answer = await ask(i % 2 === 0 ? '911' : '112');
      assert.equal(answer.statusCode, 200, answer.body);
      assert.equal(json<Hook>(answer).rule, 'emergencyNumber');
    }
    // Still 429 for the rest. A token that is no token names no account whose emergency
    // numbers could be known: it is refused and counted against its address like any
    // unauthenticated request (the proxy routes emergency numbers itself,
    // integrations/kamailio).
    assert.equal((await ask('+14155550199')).statusCode, 429);
    assert.equal((await ask('911', 'cg_not-a-token')).statusCode, 401);
    assert.equal((await ask('911', 'cg_not-a-token')).statusCode, 429);
  });
});
