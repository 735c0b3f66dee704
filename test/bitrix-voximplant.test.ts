import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AjaxError } from '@bitrix24/b24jssdk';
import { METHODS } from '../src/bitrix/methods.js';
import { listAudit } from '../src/store/audit.js';
import { DEMO_ACCOUNT_ID } from '../src/telephony/demo.js';
import { generateDemoWav } from '../src/telephony/demo-audio.js';
import { exportPermissions, importPermissions } from '../src/telephony/permissions.js';
import { NOT_REGISTERED } from '../src/telephony/sip-connections.js';
import { userNumberOf } from '../src/telephony/user-numbers.js';
import { type BitrixServer, send, startBitrixServer } from './bitrix-sdk.js';
import { describeOnEachDialect } from './databases.js';

/**
 * The voximplant.* methods beyond statistics (SPEC §12) through Bitrix24's own SDK, over
 * HTTPS, on the demo company: each as several users — it works for some and not for others —
 * errors as the SDK's AjaxError with Bitrix24's codes, and the holes of Bitrix24's telephony
 * REST that Callgate closes, replayed.
 */

/** What the guard table must say of each method (SPEC §12). */
const GUARDS = {
  'voximplant.user.activatephone': 'userSettings.modify',
  'voximplant.user.deactivatephone': 'userSettings.modify',
  'voximplant.line.get': 'numbers.manage',
  'voximplant.line.outgoing.get': 'numbers.manage',
  'voximplant.line.outgoing.set': 'numbers.manage',
  'voximplant.sip.get': 'numbers.manage',
  'voximplant.sip.add': 'numbers.manage',
  'voximplant.sip.update': 'numbers.manage',
  'voximplant.sip.delete': 'numbers.manage',
  'voximplant.sip.status': 'numbers.manage',
  // Decided per number by SPEC §5, internal and emergency calls needing no level.
  'voximplant.callback.start': null,
  'voximplant.infocall.startwithtext': null,
} as const;

test('each voximplant method is in the guard table with the permission SPEC §12 names', () => {
  for (const [name, permission] of Object.entries(GUARDS)) {
    const spec = METHODS[name];
    assert.ok(spec !== undefined, `${name} is served`);
    assert.equal(spec.permission, permission, name);
    assert.equal(spec.webhookScope, 'telephony', name);
    assert.equal(spec.appScope, 'telephony', name);
  }
});

type Outcome =
  | { readonly ok: true; readonly result: unknown; readonly total: number }
  | { readonly ok: false; readonly code: string; readonly status: number; readonly text: string };

describeOnEachDialect('voximplant methods through the Bitrix24 SDK over HTTPS', (dialect) => {
  let demo: BitrixServer;

  before(async () => {
    demo = await startBitrixServer(dialect);
    // Beyond the demo's roles: Carla keeps the numbers, Sofia her department's phones, and
    // Carla's chief-executive role may not listen to recordings.
    const permissions = await exportPermissions(demo.db, DEMO_ACCOUNT_ID);
    const manager = permissions.roles.find((role) => role.id === 'manager')!;
    await demo.db.transaction().execute((trx) =>
      importPermissions(
        trx,
        DEMO_ACCOUNT_ID,
        {
          roles: [
            ...permissions.roles.map((role) =>
              role.id === 'chief-executive'
                ? { ...role, permissions: { ...role.permissions, 'recording.listen': 'none' } }
                : role,
            ),
            {
              id: 'numbers-keeper',
              name: 'Numbers keeper',
              permissions: { ...manager.permissions, 'numbers.manage': 'any' },
            },
            {
              id: 'phone-keeper',
              name: 'Department phones',
              permissions: { ...manager.permissions, 'userSettings.modify': 'department' },
            },
          ],
          assignments: [
            ...permissions.assignments,
            { roleId: 'numbers-keeper', accessCode: 'user:carla', expiresAt: null },
            { roleId: 'phone-keeper', accessCode: 'user:sofia', expiresAt: null },
          ],
        },
        { dryRun: false, actor: 'operator', now: Date.now() },
      ),
    );
  });
  after(() => demo?.close());

  /** A method as `userId` through their webhook: the answer, or the SDK's AjaxError. */
  const call = async (
    userId: string,
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<Outcome> => {
    try {
      const answer = await demo.hook(userId).actions.v2.call.make({ method, params });
      return { ok: true, result: answer.getData()!.result, total: answer.getTotal() };
    } catch (error) {
      assert.ok(error instanceof AjaxError, `${method} as ${userId}: ${String(error)}`);
      return { ok: false, code: error.code, status: error.status, text: error.message };
    }
  };
  const refusal = (outcome: Outcome): string =>
    outcome.ok ? `answered ${JSON.stringify(outcome.result)}` : `${outcome.status} ${outcome.code}`;
  const resultOf = (outcome: Outcome): unknown => {
    assert.ok(outcome.ok, refusal(outcome));
    return outcome.result;
  };
  const rest = (userId: string, method: string, path: string, body?: unknown, headers = {}) =>
    send(demo.agent, `${demo.url}${path}`, {
      method,
      token: demo.tokens.get(userId)!,
      body,
      headers,
    });
  const numberOf = async (userId: string) =>
    (await userNumberOf(demo.db, DEMO_ACCOUNT_ID, userId))!;

  /** Gives a user a SIP login and secret, as an administrator does in the web app. */
  const giveSipLogin = async (userId: string, secret: string) => {
    const reply = await rest(
      'ada',
      'PUT',
      `/api/v1/users/${userId}/telephony-settings`,
      { device: null, sipLogin: `${userId}-desk`, sipSecret: secret, callerIdNumber: null },
      { 'if-match': '"0"' },
    );
    assert.equal(reply.status, 200, reply.text);
  };

  test('activatePhone / deactivatePhone turn a user’s phone on and off, for those whose userSettings.modify reaches them', async () => {
    await giveSipLogin('mia', 'mia-sip-secret');
    await giveSipLogin('tess', 'tess-sip-secret');
    const mia = await numberOf('mia');
    const device = async (userId: string) =>
      (
        (await rest('ada', 'GET', `/api/v1/users/${userId}/telephony-settings`)).body as {
          device: string | null;
        }
      ).device;
    const phoneEnabled = async (number: number) =>
      (
        resultOf(await call('ada', 'voximplant.user.get', { USER_ID: [number] })) as {
          PHONE_ENABLED: string;
        }[]
      )[0]!.PHONE_ENABLED;

    assert.equal(await phoneEnabled(mia), 'N');
    // The administrator turns it on; user.get and the REST API agree.
    assert.equal(resultOf(await call('ada', 'voximplant.user.activatePhone', { USER_ID: mia })), 1);
    assert.equal(await phoneEnabled(mia), 'Y');
    assert.equal(await device('mia'), 'sip');
    // Sofia's userSettings.modify reaches her department (Sales, with Sales East): she turns it off.
    assert.equal(
      resultOf(await call('sofia', 'voximplant.user.deactivatePhone', { USER_ID: mia })),
      1,
    );
    assert.equal(await phoneEnabled(mia), 'N');
    assert.equal(await device('mia'), null);
    // Tess is in Support, out of Sofia's reach: not found, as a user who does not exist.
    const tess = await numberOf('tess');
    assert.equal(
      refusal(await call('sofia', 'voximplant.user.activatePhone', { USER_ID: tess })),
      '404 NOT_FOUND',
    );
    assert.equal(
      refusal(await call('sofia', 'voximplant.user.activatePhone', { USER_ID: 987654321 })),
      '404 NOT_FOUND',
    );
    assert.equal(await device('tess'), null, 'nothing changed');
    // Mia holds no userSettings.modify: not even her own phone.
    assert.equal(
      refusal(await call('mia', 'voximplant.user.activatePhone', { USER_ID: mia })),
      '403 ACCESS_DENIED',
    );
    // A phone registers with a SIP login: Erik has none.
    assert.equal(
      refusal(
        await call('ada', 'voximplant.user.activatePhone', { USER_ID: await numberOf('erik') }),
      ),
      '400 INVALID_REQUEST',
    );
    assert.equal(
      refusal(await call('ada', 'voximplant.user.activatePhone', {})),
      '400 ERROR_ARGUMENT',
    );
    const changes = (await listAudit(demo.db, DEMO_ACCOUNT_ID, 50)).filter(
      (entry) => entry.type === 'userSettings.changed' && entry.subject === 'mia',
    );
    assert.deepEqual(
      changes.slice(0, 2).map((entry) => entry.actor),
      ['user:sofia', 'user:ada'],
      'each change audited, newest first',
    );
  });

  test('hole replay: no SIP password of a user out of reach (voximplant.user.get)', async () => {
    const [mia, tess] = [await numberOf('mia'), await numberOf('tess')];
    type Row = { ID: string; SIP_LOGIN: string; SIP_PASSWORD?: string };
    const rows = async (userId: string) =>
      resultOf(await call(userId, 'voximplant.user.get', { USER_ID: [mia, tess] })) as Row[];
    // Sofia may modify Mia, not Tess: Mia's password, and Tess not even listed.
    const bySofia = await rows('sofia');
    assert.deepEqual(
      bySofia.map((row) => [row.ID, row.SIP_PASSWORD]),
      [[String(mia), 'mia-sip-secret']],
    );
    // Mia reads her own settings, but without userSettings.modify not her own password.
    const byMia = await rows('mia');
    assert.deepEqual(
      byMia.map((row) => [row.ID, row.SIP_LOGIN, 'SIP_PASSWORD' in row]),
      [[String(mia), 'mia-desk', false]],
    );
    const raw = await send(demo.agent, `${demo.webhooks.get('sofia')}voximplant.user.get`, {
      method: 'POST',
      body: { USER_ID: [tess] },
    });
    assert.equal(raw.status, 200);
    assert.ok(!raw.text.includes('tess-sip-secret') && !raw.text.includes('tess-desk'), raw.text);
    // The administrator reaches both.
    assert.deepEqual(
      (await rows('ada')).map((row) => row.SIP_PASSWORD),
      ['mia-sip-secret', 'tess-sip-secret'],
    );
  });

  test('line.get and line.outgoing.get / .set: the rented numbers and the default line, for numbers.manage', async () => {
    const rented = (
      (await rest('ada', 'GET', '/api/v1/numbers')).body as { items: { number: string }[] }
    ).items.map((item) => item.number);
    assert.ok(rented.length >= 2);
    for (const userId of ['ada', 'carla']) {
      const lines = resultOf(await call(userId, 'voximplant.line.get')) as Record<string, string>;
      assert.deepEqual(Object.keys(lines), rented, userId);
    }
    for (const userId of ['mia', 'sofia', 'tess'])
      for (const method of ['voximplant.line.get', 'voximplant.line.outgoing.get'])
        assert.equal(
          refusal(await call(userId, method)),
          '403 ACCESS_DENIED',
          `${userId} ${method}`,
        );

    const general = async () =>
      (
        (await rest('ada', 'GET', '/api/v1/settings/general')).body as {
          value: { defaultCallerIdNumber: string | null };
        }
      ).value.defaultCallerIdNumber;
    const before = resultOf(await call('carla', 'voximplant.line.outgoing.get'));
    assert.equal(before, (await general()) ?? '');
    const target = rented.find((number) => number !== before)!;
    assert.equal(
      resultOf(await call('carla', 'voximplant.line.outgoing.set', { LINE_ID: target })),
      1,
    );
    assert.equal(resultOf(await call('ada', 'voximplant.line.outgoing.get')), target);
    assert.equal(await general(), target, 'the general settings’ default caller ID');
    assert.equal(
      refusal(await call('mia', 'voximplant.line.outgoing.set', { LINE_ID: rented[0] })),
      '403 ACCESS_DENIED',
    );
    // A number the account does not rent is refused, not silently ignored.
    assert.equal(
      refusal(await call('carla', 'voximplant.line.outgoing.set', { LINE_ID: '+12125550999' })),
      '400 INVALID_REQUEST',
    );
    assert.equal(await general(), target);
  });

  test('sip.add / get / update / status / delete: SIP connections for numbers.manage; the password is kept sealed and never answered', async () => {
    const added = resultOf(
      await call('carla', 'voximplant.sip.add', {
        TYPE: 'cloud',
        TITLE: 'Carrier trunk',
        SERVER: 'sip.carrier.example',
        LOGIN: 'northwind',
        PASSWORD: 'trunk-password-1',
      }),
    ) as Record<string, string>;
    assert.equal(added.TYPE, 'cloud');
    assert.equal(added.TITLE, 'Carrier trunk');
    assert.equal(added.CONFIG_ID, added.ID);
    assert.equal(added.REG_ID, added.CONFIG_ID);
    assert.ok(!('PASSWORD' in added));
    const office = resultOf(
      await call('ada', 'voximplant.sip.add', {
        TYPE: 'office',
        SERVER: 'pbx.northwind.example:5060',
        LOGIN: 'office',
      }),
    ) as Record<string, string>;
    assert.equal(office.TITLE, '');
    assert.ok(!('REG_ID' in office), 'an office PBX does not register');

    // Stored sealed: the database does not hold the password either.
    const stored = await demo.db
      .selectFrom('sip_connections')
      .select(['id', 'password'])
      .where('account_id', '=', DEMO_ACCOUNT_ID)
      .execute();
    assert.equal(stored.length, 2);
    assert.ok(stored.every((row) => !String(row.password).includes('trunk-password-1')));

    const listed = await call('carla', 'voximplant.sip.get', { FILTER: { TYPE: 'cloud' } });
    assert.ok(listed.ok);
    assert.deepEqual(
      (listed.result as { CONFIG_ID: string }[]).map((row) => row.CONFIG_ID),
      [added.CONFIG_ID],
    );
    assert.equal(listed.total, 1);
    const everything = await send(demo.agent, `${demo.webhooks.get('ada')}voximplant.sip.get`);
    assert.equal(everything.status, 200);
    assert.ok(!everything.text.includes('trunk-password-1'), everything.text);
    assert.equal((everything.body as { total: number }).total, 2);
    // A filter on the password would tell it, one guess at a time.
    assert.equal(
      refusal(
        await call('ada', 'voximplant.sip.get', { FILTER: { PASSWORD: 'trunk-password-1' } }),
      ),
      '400 ERROR_ARGUMENT',
    );

    // Without numbers.manage nothing of it, whatever the method.
    for (const [method, params] of [
      ['voximplant.sip.get', {}],
      ['voximplant.sip.add', { SERVER: 'evil.example', LOGIN: 'x' }],
      ['voximplant.sip.update', { CONFIG_ID: added.CONFIG_ID, TITLE: 'Mine now' }],
      ['voximplant.sip.delete', { CONFIG_ID: added.CONFIG_ID }],
      ['voximplant.sip.status', { REG_ID: added.REG_ID }],
    ] as const)
      for (const userId of ['mia', 'sofia', 'tess'])
        assert.equal(refusal(await call(userId, method, params)), '403 ACCESS_DENIED', method);

    assert.equal(
      resultOf(
        await call('carla', 'voximplant.sip.update', {
          CONFIG_ID: added.CONFIG_ID,
          TITLE: 'Main carrier',
          PASSWORD: 'trunk-password-2',
        }),
      ),
      1,
    );
    const renamed = resultOf(
      await call('carla', 'voximplant.sip.get', { FILTER: { CONFIG_ID: [added.CONFIG_ID] } }),
    ) as { TITLE: string; LOGIN: string }[];
    assert.deepEqual(
      renamed.map((row) => [row.TITLE, row.LOGIN]),
      [['Main carrier', 'northwind']],
    );
    assert.equal(
      refusal(
        await call('carla', 'voximplant.sip.update', {
          CONFIG_ID: office.CONFIG_ID,
          TITLE: 'Main carrier',
        }),
      ),
      '409 ERROR_CONFLICT',
      'titles are unique',
    );
    assert.equal(
      refusal(await call('carla', 'voximplant.sip.update', { CONFIG_ID: 99999999, TITLE: 'x' })),
      '404 NOT_FOUND',
    );
    assert.equal(
      refusal(await call('carla', 'voximplant.sip.add', { LOGIN: 'no-server' })),
      '400 INVALID_REQUEST',
    );

    // Callgate registers no trunk: the status says so rather than inventing one.
    const status = resultOf(
      await call('carla', 'voximplant.sip.status', { REG_ID: added.REG_ID }),
    ) as Record<string, unknown>;
    assert.equal(status.REG_ID, Number(added.REG_ID));
    assert.equal(status.STATUS_RESULT, 'error');
    assert.equal(status.ERROR_MESSAGE, NOT_REGISTERED);
    assert.match(String(status.LAST_UPDATED), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(
      refusal(await call('carla', 'voximplant.sip.status', { REG_ID: office.CONFIG_ID })),
      '404 NOT_FOUND',
    );

    assert.equal(
      resultOf(await call('carla', 'voximplant.sip.delete', { CONFIG_ID: office.CONFIG_ID })),
      1,
    );
    assert.equal(
      refusal(await call('carla', 'voximplant.sip.delete', { CONFIG_ID: office.CONFIG_ID })),
      '404 NOT_FOUND',
    );
    const audit = (await listAudit(demo.db, DEMO_ACCOUNT_ID, 50))
      .filter((entry) => entry.type.startsWith('sipConnection.'))
      .map((entry) => `${entry.type} ${entry.actor}`);
    assert.deepEqual(audit, [
      'sipConnection.deleted user:carla',
      'sipConnection.changed user:carla',
      'sipConnection.added user:ada',
      'sipConnection.added user:carla',
    ]);
    assert.ok(
      !JSON.stringify(await listAudit(demo.db, DEMO_ACCOUNT_ID, 50)).includes('trunk-password'),
      'the audit log holds no password',
    );
  });

  test('callback.start and infocall.startwithtext decide each number as POST /calls/outbound does (SPEC §5), for every user', async () => {
    const rented = (
      (await rest('ada', 'GET', '/api/v1/numbers')).body as { items: { number: string }[] }
    ).items.map((item) => item.number);
    const destinations = [
      '+14155550199', // someone outside: `any` only
      '+14155550150', // Acme, a CRM client
      '+14155550111', // Sofia's work number: an employee
      '121', // Mia's extension: internal
      '+19005550100', // on the blocked list
      '911', // emergency
    ];
    const seen = new Set<string>();
    for (const userId of ['ada', 'carla', 'mia', 'tess', 'cora'])
      for (const [i, to] of destinations.entries()) {
        const line = i % 2 === 0 ? rented[0] : undefined;
        const method =
          i % 3 === 0 ? 'voximplant.infocall.startwithtext' : 'voximplant.callback.start';
        const viaRest = await rest(userId, 'POST', '/api/v1/calls/outbound', {
          to,
          ...(line !== undefined && { from: line }),
        });
        const viaBitrix = await call(userId, method, {
          TO_NUMBER: to,
          TEXT_TO_PRONOUNCE: 'Your order is ready',
          ...(line !== undefined && { FROM_LINE: line }),
        });
        const what = `${userId} → ${to} (${method})`;
        if (viaRest.status === 201) {
          assert.ok(viaBitrix.ok, `${what}: ${refusal(viaBitrix)}`);
          const { RESULT, CALL_ID } = viaBitrix.result as { RESULT: boolean; CALL_ID: string };
          assert.equal(RESULT, true);
          // Recorded as a call of the user who placed it, like the REST API's.
          const recorded = await rest(
            userId,
            'GET',
            `/api/v1/calls/${encodeURIComponent(CALL_ID)}`,
          );
          assert.equal(recorded.status, 200, `${what}: ${recorded.text}`);
          assert.equal(
            (recorded.body as { direction: string }).direction,
            method === 'voximplant.callback.start' ? 'callback' : 'outbound',
          );
          seen.add('allowed');
        } else {
          assert.equal(viaRest.status, 403, `${what}: ${viaRest.text}`);
          assert.equal(refusal(viaBitrix), '403 ACCESS_DENIED', what);
          // The refusal carries the same reason.
          const reason = (viaRest.body as { error: { message: string } }).error.message;
          assert.ok(
            !viaBitrix.ok && viaBitrix.text.includes(reason),
            `${what}: ${viaBitrix.ok || viaBitrix.text}`,
          );
          seen.add('refused');
        }
        if (to === '911')
          assert.equal(viaRest.status, 201, `${what}: emergency calls are never refused`);
      }
    assert.deepEqual([...seen].sort(), ['allowed', 'refused']);
  });

  test('hole replay: an application’s callback or info call to a number the user may not dial is refused and audited, an emergency call never', async () => {
    // Tess may call CRM clients only (the demo's CRM caller role).
    const count = async () =>
      (
        await demo.db
          .selectFrom('calls')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', DEMO_ACCOUNT_ID)
          .where('user_id', '=', 'tess')
          .where('phone_number', '=', '+14155550198')
          .executeTakeFirstOrThrow()
      ).n;
    for (const method of ['voximplant.callback.start', 'voximplant.infocall.startwithtext']) {
      const refused = await call('tess', method, {
        TO_NUMBER: '+14155550198',
        TEXT_TO_PRONOUNCE: 'Hello',
      });
      assert.equal(refusal(refused), '403 ACCESS_DENIED', method);
    }
    assert.equal(Number(await count()), 0, 'no call placed');
    const entries = await listAudit(demo.db, DEMO_ACCOUNT_ID, 10);
    const refusals = entries.filter(
      (entry) => entry.type === 'outboundCall.refused' && entry.subject === '+14155550198',
    );
    assert.equal(refusals.length, 2);
    assert.ok(refusals.every((entry) => (entry.detail as { source: string }).source === 'bitrix'));
    // An emergency number, from a line nobody rents: allowed, and audited at once.
    const emergency = await call('tess', 'voximplant.infocall.startwithtext', {
      FROM_LINE: 'reg151083',
      TO_NUMBER: '911',
      TEXT_TO_PRONOUNCE: 'Help',
    });
    assert.equal((resultOf(emergency) as { RESULT: boolean }).RESULT, true);
    const audited = (await listAudit(demo.db, DEMO_ACCOUNT_ID, 5)).find(
      (entry) => entry.type === 'outboundCall.emergency',
    );
    assert.equal(audited?.actor, 'user:tess');
  });

  test('hole replay: no recording link without recording.listen (voximplant.statistic.get)', async () => {
    const upload = await rest(
      'ada',
      'PUT',
      '/api/v1/calls/call-0002/recording',
      generateDemoWav(2),
      {
        'content-type': 'audio/wav',
      },
    );
    assert.equal(upload.status, 204, upload.text);
    type Row = { CALL_ID: string; CALL_RECORD_URL: string | null };
    const rowOf = async (userId: string) =>
      (
        resultOf(
          await call(userId, 'voximplant.statistic.get', { FILTER: { CALL_ID: 'call-0002' } }),
        ) as Row[]
      )[0];
    const byAda = await rowOf('ada');
    assert.match(byAda?.CALL_RECORD_URL ?? '', /\/api\/v1\/recordings\/signed\?.*sig=/);
    // Carla sees every call, but her role may not listen: the row without the link.
    const byCarla = await rowOf('carla');
    assert.equal(byCarla?.CALL_ID, 'call-0002');
    assert.equal(byCarla?.CALL_RECORD_URL, null);
    const played = await rest('carla', 'GET', '/api/v1/calls/call-0002/recording');
    assert.equal(played.status, 403, 'the REST API agrees');
  });
});
