import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importPermissions } from '../src/telephony/permissions.js';
import { exportPermissions } from '../src/telephony/permissions.js';
import { CALL_START, describeHttp, json, seedAccount } from './http.js';

interface Page {
  items: { id: string; userId: string | null; durationSec: number; hasRecording: boolean }[];
  nextCursor: string | null;
}
interface Stats {
  totals: {
    count: number;
    totalDurationSec: number;
    totalCost: number;
    averageDurationSec: number;
  };
  groups: { key: string | null; count: number; totalDurationSec: number }[];
}
type Error = { error: { code: string; message: string; [key: string]: unknown } };

describeHttp('calls, statistics, outbound calls and the audit log', (h) => {
  const allIds = async (as: string, query = ''): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await h().request(
        as,
        'GET',
        `/api/v1/calls?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(response.statusCode, 200, response.body);
      const page = json<Page>(response);
      ids.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };

  test('setup: Sales are Managers, u2 heads Sales, u1 sees any call, Support may call CRM clients (u5) or also staff (u6)', async () => {
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        const document = await exportPermissions(trx, 'acme');
        const manager = document.roles.find((r) => r.id === 'manager')!;
        const outbound = (id: string, level: string) => ({
          id,
          name: id,
          permissions: { ...manager.permissions, 'outboundCall.perform': level },
        });
        await importPermissions(
          trx,
          'acme',
          {
            roles: [
              ...document.roles,
              outbound('crm-only', 'crmClients'),
              outbound('crm-and-staff', 'crmClientsAndEmployees'),
            ],
            assignments: [
              { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
              { roleId: 'manager', accessCode: 'departmentTree:2', expiresAt: null },
              { roleId: 'head-of-department', accessCode: 'user:u2', expiresAt: null },
              { roleId: 'chief-executive', accessCode: 'user:u1', expiresAt: null },
              { roleId: 'crm-only', accessCode: 'user:u5', expiresAt: null },
              { roleId: 'crm-and-staff', accessCode: 'user:u6', expiresAt: null },
            ],
          },
          { dryRun: false, actor: 'cli', now: h().clock.now },
        );
      });
  });

  test('the call list holds only calls in scope, at every level, across pages', async () => {
    assert.deepEqual(await allIds('u4'), ['call-u4']);
    assert.deepEqual(
      (await allIds('u2')).sort(),
      ['call-u10', 'call-u2', 'call-u3', 'call-u4', 'call-u7', 'call-u8'].sort(),
    );
    assert.equal(
      (await allIds('u1')).length,
      13,
      'any: every call, the one no employee took included',
    );
    assert.ok((await allIds('u1')).includes('call-none'));
  });

  test('filters narrow the list inside the scope', async () => {
    assert.deepEqual(await allIds('u2', '&userId=u4'), ['call-u4']);
    assert.deepEqual(await allIds('u2', '&userId=u6'), [], 'a filter cannot widen the scope');
    const from = new Date(CALL_START + 4 * 3_600_000).toISOString();
    const to = new Date(CALL_START + 6 * 3_600_000).toISOString();
    assert.deepEqual(await allIds('u1', `&from=${from}&to=${to}`), ['call-u5', 'call-u4']);
    assert.deepEqual((await allIds('u1', '&direction=outbound')).length, 6);
  });

  test('statistics count only calls in scope: totals never leak', async () => {
    const mine = json<Stats>(await h().request('u4', 'GET', '/api/v1/calls/stats'));
    assert.deepEqual([mine.totals.count, mine.totals.totalDurationSec], [1, 300]);
    const sales = json<Stats>(await h().request('u2', 'GET', '/api/v1/calls/stats?groupBy=user'));
    assert.equal(sales.totals.count, 6);
    assert.deepEqual(sales.groups.map((g) => g.key).sort(), ['u10', 'u2', 'u3', 'u4', 'u7', 'u8']);
    const all = json<Stats>(await h().request('u1', 'GET', '/api/v1/calls/stats?groupBy=day'));
    assert.equal(all.totals.count, 13);
    assert.deepEqual(all.groups, [{ key: '2026-11-02', ...all.totals }]);
    assert.equal(Math.round(all.totals.totalCost * 100) / 100, 9.1);
  });

  test('call details: in scope 200, out of scope 404 exactly like a call that does not exist', async () => {
    assert.equal((await h().request('u4', 'GET', '/api/v1/calls/call-u4')).statusCode, 200);
    const hidden = await h().request('u4', 'GET', '/api/v1/calls/call-u10');
    const missing = await h().request('u4', 'GET', '/api/v1/calls/call-nope');
    assert.equal(hidden.statusCode, 404);
    assert.deepEqual(json<Error>(hidden).error.code, json<Error>(missing).error.code);
    assert.equal(
      (await h().request('u9', 'GET', '/api/v1/calls')).statusCode,
      403,
      'no callStats.view at all',
    );
  });

  test("seeing as another user or asking about a call never shows more than the asker's own callStats.view scope (issue 10.1)", async () => {
    // u4 (Manager: callStats.view own) also gets telephonySettings.modify = any: they may
    // administer permissions, but they are no account administrator.
    const original = await exportPermissions(h().store.db, 'acme');
    const save = (document: unknown) =>
      h()
        .store.db.transaction()
        .execute((trx) =>
          importPermissions(trx, 'acme', document, {
            dryRun: false,
            actor: 'cli',
            now: h().clock.now,
          }),
        );
    const manager = original.roles.find((r) => r.id === 'manager')!;
    await save({
      roles: [
        ...original.roles,
        {
          id: 'settings-editor',
          name: 'Settings editor',
          permissions: { ...manager.permissions, 'telephonySettings.modify': 'any' },
        },
      ],
      assignments: [
        ...original.assignments,
        { roleId: 'settings-editor', accessCode: 'user:u4', expiresAt: null },
      ],
    });
    try {
      const own = new Set(await allIds('u4'));
      assert.deepEqual([...own], ['call-u4']);
      const everyone = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'u10', 'u11'];
      for (const user of everyone) {
        for (const path of ['/api/v1/calls', '/api/v1/calls/stats']) {
          const response = await h().request('u4', 'GET', `${path}?viewAs=${user}`);
          if (user === 'u4') {
            assert.equal(response.statusCode, 200, response.body);
            continue;
          }
          assert.equal(response.statusCode, 403, `${path} as ${user}: ${response.body}`);
          assert.equal(json<Error>(response).error.code, 'permission_denied');
        }
      }
      // Account administrators may: their own scope is any, so nobody's is wider.
      const asU2 = json<Page>(await h().request('u0', 'GET', '/api/v1/calls?viewAs=u2&limit=50'));
      assert.equal(asU2.items.length, 6);
      const statsAsU2 = json<Stats>(
        await h().request('u0', 'GET', '/api/v1/calls/stats?viewAs=u2'),
      );
      assert.equal(statsAsU2.totals.count, 6);

      // The check route: a call the asker does not see is 404 whoever the check is about.
      const check = (body: Record<string, unknown>) =>
        h().request('u4', 'POST', '/api/v1/permissions/check', body);
      for (const callId of ['call-u0', 'call-u6', 'call-u10', 'call-none', 'call-nope']) {
        for (const userId of [undefined, 'u0', 'u1', 'u4']) {
          const response = await check({
            ...(userId !== undefined && { userId }),
            permission: 'callStats.view',
            callId,
          });
          assert.equal(response.statusCode, 404, `${callId} about ${userId}: ${response.body}`);
          assert.ok(!response.body.includes('belongs to'), response.body);
        }
      }
      const aboutOwnCall = await check({
        userId: 'u6',
        permission: 'recording.listen',
        callId: 'call-u4',
      });
      assert.equal(aboutOwnCall.statusCode, 200, aboutOwnCall.body);
      assert.equal(json<{ allowed: boolean }>(aboutOwnCall).allowed, false);
      // Another user's levels, with no call named, are what "administer permissions" is for.
      const aboutUser = await check({ userId: 'u1', permission: 'callStats.view' });
      assert.equal(aboutUser.statusCode, 200, aboutUser.body);
      // An account administrator reaches every call, so every existing call answers.
      const byAdmin = await h().request('u0', 'POST', '/api/v1/permissions/check', {
        userId: 'u4',
        permission: 'callStats.view',
        callId: 'call-u6',
      });
      assert.equal(byAdmin.statusCode, 200, byAdmin.body);
    } finally {
      await save(original);
    }
  });

  test('bad query strings are refused: wrong types, unknown fields, bad cursors, bad dates', async () => {
    for (const query of [
      'limit=abc',
      'limit=0',
      'limit=100000',
      'colour=red',
      'cursor=bm9wZQ',
      'from=yesterday',
      'direction=sideways',
    ]) {
      const response = await h().request('u1', 'GET', `/api/v1/calls?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(json<Error>(response).error.code, 'invalid_request', query);
    }
  });

  test('ingest needs the calls.write scope: a user token is refused, the application is not', async () => {
    const record = {
      id: 'ingested-1',
      userId: 'u4',
      direction: 'inbound',
      phoneNumber: '+14155550101',
      startedAt: '2026-11-03T10:00:00Z',
      durationSec: 10,
      status: 'answered',
    };
    const byUser = await h().request('u0', 'POST', '/api/v1/calls', record);
    assert.equal(byUser.statusCode, 403);
    assert.equal(json<Error>(byUser).error.code, 'scope_missing');
    const byApp = await h().request('app', 'POST', '/api/v1/calls', record);
    assert.equal(byApp.statusCode, 201, byApp.body);
    assert.equal((await h().request('app', 'POST', '/api/v1/calls', record)).statusCode, 409);
    const many = await h().request('app', 'POST', '/api/v1/calls', {
      items: [
        { ...record, id: 'ingested-2' },
        { ...record, id: 'ingested-3', userId: null },
      ],
    });
    assert.deepEqual(json(many), { imported: 2, ids: ['ingested-2', 'ingested-3'] });
    const wrongType = await h().request('app', 'POST', '/api/v1/calls', {
      ...record,
      id: 'x',
      durationSec: '10',
    });
    assert.equal(wrongType.statusCode, 400, 'no coercion of body types');
    assert.equal((await h().request('u4', 'GET', '/api/v1/calls/ingested-1')).statusCode, 200);
  });

  test('outboundCall.perform at every level, through HTTP', async () => {
    const dial = async (as: string, to: string) => {
      const response = await h().request(as, 'POST', '/api/v1/calls/outbound', { to });
      const answer = json<{ classification?: string; error?: { classification?: string } }>(
        response,
      );
      return [response.statusCode, answer.classification ?? answer.error?.classification] as const;
    };
    // none (u9): nothing but internal calls.
    assert.deepEqual(await dial('u9', '+14155550101'), [403, 'crmClient']);
    assert.deepEqual(await dial('u9', '104'), [201, 'internal']);
    // crmClients (u5): CRM clients only.
    assert.deepEqual(await dial('u5', '+14155550101'), [201, 'crmClient']);
    assert.deepEqual(await dial('u5', '+14155550004'), [403, 'employee']);
    assert.deepEqual(await dial('u5', '+14155550199'), [403, 'other']);
    // crmClientsAndEmployees (u6): CRM clients and employees.
    assert.deepEqual(await dial('u6', '+14155550004'), [201, 'employee']);
    assert.deepEqual(await dial('u6', '+14155550199'), [403, 'other']);
    // any (u7): everything but blocked numbers.
    assert.deepEqual(await dial('u7', '+14155550199'), [201, 'other']);
    assert.deepEqual(await dial('u7', '+19005550000'), [403, 'blocked']);
  });

  test('outbound: allowed destinations are placed; refused ones say why and are audited', async () => {
    const placed = await h().request('u4', 'POST', '/api/v1/calls/outbound', {
      to: '(415) 555-0199',
    });
    assert.equal(placed.statusCode, 201, placed.body);
    const { callId, classification } = json<{ callId: string; classification: string }>(placed);
    assert.equal(classification, 'other');
    const call = json<{ status: string; phoneNumber: string; userId: string }>(
      await h().request('u4', 'GET', `/api/v1/calls/${callId}`),
    );
    assert.deepEqual(
      [call.status, call.phoneNumber, call.userId],
      ['placed', '+14155550199', 'u4'],
    );
    const blocked = await h().request('u4', 'POST', '/api/v1/calls/outbound', {
      to: '+19005550000',
    });
    assert.equal(blocked.statusCode, 403);
    assert.deepEqual(
      { ...json<Error>(blocked).error, message: undefined, reasons: undefined },
      {
        code: 'destination_not_allowed',
        message: undefined,
        reasons: undefined,
        permission: 'outboundCall.perform',
        level: 'any',
        classification: 'blocked',
        rule: 'blockedNumber',
      },
    );
    // The rule as data beside the message, for the web app to word (issue 13).
    assert.deepEqual((json<Error>(blocked).error.reasons as unknown[]).at(-1), {
      rule: 'blockedNumber',
    });
    const noRole = await h().request('u9', 'POST', '/api/v1/calls/outbound', {
      to: '+14155550199',
    });
    assert.equal(noRole.statusCode, 403);
    assert.equal(
      (await h().request('u9', 'POST', '/api/v1/calls/outbound', { to: '104' })).statusCode,
      201,
      'internal calls need no level',
    );
    const audit = json<{ items: { type: string; subject: string; detail: { source: string } }[] }>(
      await h().request('u0', 'GET', '/api/v1/audit-log?type=outboundCall.refused'),
    );
    assert.deepEqual(
      audit.items.slice(0, 2).map((e) => [e.subject, e.detail.source]),
      [
        ['+14155550199', 'api'],
        ['+19005550000', 'api'],
      ],
    );
    assert.equal(audit.items.length, 7, 'every refusal of this suite is in the log');
  });

  test('the PBX hook decides for the caller by extension or id, needs the pbx scope, and denies the unknown', async () => {
    const ask = (from: string, to: string, as = 'app') =>
      h().request(
        as,
        'GET',
        `/api/v1/pbx/authorize?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      );
    assert.deepEqual(json(await ask('104', '+14155550199')), {
      allowed: true,
      classification: 'other',
      rule: 'level',
      reason:
        '+14155550199 is neither an employee nor a CRM client u4 may read; level any: allowed',
      userId: 'u4',
    });
    assert.equal(json<{ allowed: boolean }>(await ask('u9', '+14155550199')).allowed, false);
    assert.equal(json<{ allowed: boolean }>(await ask('u9', '106')).allowed, true);
    assert.deepEqual(json(await ask('999', '+14155550199')), {
      allowed: false,
      classification: 'other',
      rule: 'unknownUser',
      reason: 'no user "999" in this account: refused',
      userId: null,
    });
    assert.equal(
      (await ask('104', '+14155550199', 'u0')).statusCode,
      403,
      'a user token has no pbx scope',
    );
  });

  test('the audit log: filters, cursor, and export as CSV and JSON lines', async () => {
    assert.equal((await h().request('u4', 'GET', '/api/v1/audit-log')).statusCode, 403);
    const first = json<{ items: { id: number; type: string }[]; nextCursor: string }>(
      await h().request('u0', 'GET', '/api/v1/audit-log?limit=2'),
    );
    assert.equal(first.items.length, 2);
    assert.ok(first.items[0]!.id > first.items[1]!.id, 'newest first');
    const second = json<{ items: { id: number }[] }>(
      await h().request('u0', 'GET', `/api/v1/audit-log?limit=2&cursor=${first.nextCursor}`),
    );
    assert.ok(second.items[0]!.id < first.items[1]!.id);
    const csv = await h().request(
      'u0',
      'GET',
      '/api/v1/audit-log/export?format=csv&type=assignments.replaced',
    );
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines[0], 'id,at,actor,type,subject,before,after,detail');
    assert.ok(
      lines.length >= 3 && lines.slice(1).every((l) => l.includes('"assignments.replaced"')),
    );
    const jsonl = await h().request('u0', 'GET', '/api/v1/audit-log/export?format=jsonl');
    const entries = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    assert.ok(entries.some((e) => e.type === 'account.created'));
  });
});

describeHttp('tenant isolation', (h) => {
  test('two accounts with the same ids: nothing crosses', async () => {
    const other = await seedAccount(h().store, 'globex', h().clock.now);
    // Same user ids, same call ids, in both accounts.
    const mine = json<Page>(await h().request('u0', 'GET', '/api/v1/calls?limit=100'));
    const theirs = json<Page>(await h().request(other.u0!, 'GET', '/api/v1/calls?limit=100'));
    assert.equal(mine.items.length, 13);
    assert.equal(theirs.items.length, 13);
    const record = {
      id: 'only-globex',
      userId: 'u4',
      direction: 'inbound',
      phoneNumber: '+14155550101',
      startedAt: '2026-11-03T10:00:00Z',
      durationSec: 10,
      status: 'answered',
    };
    assert.equal((await h().request(other.app!, 'POST', '/api/v1/calls', record)).statusCode, 201);
    assert.equal((await h().request('u0', 'GET', '/api/v1/calls/only-globex')).statusCode, 404);
    assert.equal(
      (await h().request(other.u0!, 'GET', '/api/v1/calls/only-globex')).statusCode,
      200,
    );
    const stats = json<Stats>(await h().request('u0', 'GET', '/api/v1/calls/stats'));
    assert.equal(stats.totals.count, 13);
    // acme's administrator cannot see or change globex's roles or read its audit log.
    const roles = json<{ id: string }[]>(await h().request('u0', 'GET', '/api/v1/roles'));
    await h().request(other.u0!, 'POST', '/api/v1/roles', {
      id: 'globex-only',
      name: 'G',
      permissions: {
        'callStats.view': 'none',
        'recording.listen': 'none',
        'recording.delete': 'none',
        'outboundCall.perform': 'none',
        'userSettings.modify': 'none',
        'telephonySettings.modify': 'none',
        'numbers.manage': 'none',
        'balance.manage': 'none',
      },
    });
    assert.deepEqual(
      json<{ id: string }[]>(await h().request('u0', 'GET', '/api/v1/roles')),
      roles,
    );
    const audit = json<{ items: { subject: string | null }[] }>(
      await h().request('u0', 'GET', '/api/v1/audit-log?limit=500'),
    );
    assert.ok(audit.items.every((e) => e.subject !== 'globex-only' && e.subject !== 'globex'));
    assert.equal(
      (
        await h().request(
          other.u0!,
          'PUT',
          '/api/v1/roles/globex-only',
          { name: 'G2', permissions: {} },
          { 'if-match': '1' },
        )
      ).statusCode,
      400,
    );
    assert.equal((await h().request('u0', 'DELETE', '/api/v1/roles/globex-only')).statusCode, 404);
  });
});
