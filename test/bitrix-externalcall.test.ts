import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AjaxError, type TypeB24 } from '@bitrix24/b24jssdk';
import { listAudit } from '../src/store/audit.js';
import { listRentedNumbers } from '../src/store/numbers.js';
import { generateDemoWav } from '../src/telephony/demo-audio.js';
import { DEMO_ACCOUNT_ID } from '../src/telephony/demo.js';
import {
  ACTIVE_DEMO_USERS,
  type BitrixServer,
  listRestCallIds,
  send,
  startBitrixServer,
} from './bitrix-sdk.js';
import { describeOnEachDialect } from './databases.js';

/**
 * `telephony.externalcall.*` and `telephony.externalLine.*` through Bitrix24's own SDK
 * (B24Hook for webhooks, B24OAuth for installed applications), over HTTPS, on the demo
 * company: each method works for some users and not for others, errors are AjaxErrors with
 * Bitrix24's codes, and the holes SPEC §12 says Callgate closes are replayed.
 */

/** A CRM connector, which may record calls of any user (calls.write), and a widget, which may not. */
const CONNECTOR = 'crm-connector';
const WIDGET = 'click-widget';

/** A number no one in the demo knows: an `other` destination. */
const STRANGER = '+14155550199';
const ACME = '+14155550150';

interface Registered {
  CALL_ID: string;
  CRM_ENTITY_TYPE: string | null;
  CRM_ENTITY_ID: string | null;
  CRM_CREATED_LEAD: null;
}

describeOnEachDialect('telephony.externalcall.* through the Bitrix24 SDK', (dialect) => {
  let s: BitrixServer;
  const numbers = new Map<string, number>();

  before(async () => {
    s = await startBitrixServer(dialect, [
      { id: CONNECTOR, scopes: ['telephony', 'calls.write'] },
      { id: WIDGET, scopes: ['telephony'] },
    ]);
    for (const userId of ACTIVE_DEMO_USERS) {
      const me = await s.hook(userId).actions.v2.call.make<{ ID: string }>({
        method: 'user.current',
        params: {},
      });
      numbers.set(userId, Number(me.getData()!.result.ID));
    }
  });
  after(() => s?.close());

  /** A method's result, or `<status> <code>` of the AjaxError it answered. */
  const call = async <T = unknown>(
    sdk: TypeB24,
    method: string,
    params: Record<string, unknown>,
  ): Promise<T | string> => {
    try {
      const answer = await sdk.actions.v2.call.make<T>({ method, params });
      return answer.getData()!.result;
    } catch (error) {
      if (error instanceof AjaxError) return `${error.status} ${error.code}`;
      throw error;
    }
  };

  const registered = (value: unknown): Registered => {
    assert.equal(typeof value, 'object', String(value));
    return value as Registered;
  };

  /** The call ids a user's `GET /api/v1/calls` lists (all pages). */
  const restCallIds = (userId: string) => listRestCallIds(s.agent, s.url, s.tokens.get(userId)!);

  /** Whether `voximplant.statistic.get` shows this call to the user. */
  const statisticShows = async (userId: string, callId: string): Promise<boolean | string> => {
    const rows = await call<{ CALL_ID: string }[]>(s.hook(userId), 'voximplant.statistic.get', {
      FILTER: { CALL_ID: callId },
    });
    if (typeof rows === 'string') return rows;
    return rows.some((row) => row.CALL_ID === callId);
  };

  test('a user registers calls of their own; another user’s needs an application with calls.write', async () => {
    const mia = numbers.get('mia')!;
    // Inbound, through mia's own webhook, for herself: by number or by extension.
    const own = registered(
      await call(s.hook('mia'), 'telephony.externalcall.register', {
        USER_ID: mia,
        PHONE_NUMBER: '+14155550177',
        TYPE: 2,
      }),
    );
    assert.match(own.CALL_ID, /^externalCall\.[0-9a-f]{32}\.\d+$/);
    assert.equal(own.CRM_CREATED_LEAD, null);
    const byExtension = registered(
      await call(s.hook('walt'), 'telephony.externalcall.register', {
        USER_PHONE_INNER: '131',
        PHONE_NUMBER: '+14155550178',
        TYPE: 2,
      }),
    );
    assert.notEqual(byExtension.CALL_ID, own.CALL_ID);
    // For someone else: a webhook never may, nor an application without calls.write.
    assert.equal(
      await call(s.hook('mia'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550177',
        TYPE: 2,
      }),
      '403 ACCESS_DENIED',
    );
    assert.equal(
      await call(s.app(WIDGET, 'ada'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550177',
        TYPE: 2,
      }),
      '403 ACCESS_DENIED',
      'not even an administrator through an application without calls.write',
    );
    const forWalt = registered(
      await call(s.app(CONNECTOR, 'tess'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550177',
        TYPE: 2,
      }),
    );
    assert.match(forWalt.CALL_ID, /^externalCall\./);
    // The same call registered again within 30 minutes is the same call, as in Bitrix24;
    // another EXTERNAL_CALL_ID or another application makes another.
    const again = (sdk: TypeB24, params: Record<string, unknown> = {}) =>
      call<Registered>(sdk, 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+1 415 555 0177',
        TYPE: 2,
        ...params,
      }).then((r) => registered(r).CALL_ID);
    assert.equal(await again(s.app(CONNECTOR, 'ada')), forWalt.CALL_ID);
    assert.notEqual(
      await again(s.app(CONNECTOR, 'ada'), { EXTERNAL_CALL_ID: 'x-1' }),
      forWalt.CALL_ID,
    );
    assert.notEqual(await again(s.hook('walt')), forWalt.CALL_ID);
    // Bitrix24's errors for what is missing or wrong.
    for (const [params, expected] of [
      [{ PHONE_NUMBER: '+14155550177', TYPE: 2 }, '400 ERROR_ARGUMENT'],
      [{ USER_ID: mia, PHONE_NUMBER: '+14155550177', TYPE: 9 }, '400 ERROR_ARGUMENT'],
      [{ USER_ID: mia, TYPE: 2 }, '400 ERROR_ARGUMENT'],
      [{ USER_ID: 999_999, PHONE_NUMBER: '+14155550177', TYPE: 2 }, '400 ERROR_ARGUMENT'],
      [
        { USER_ID: mia, PHONE_NUMBER: '+14155550177', TYPE: 2, CALL_START_DATE: 'yesterday' },
        '400 INVALID_REQUEST',
      ],
    ] as const)
      assert.equal(
        await call(s.hook('mia'), 'telephony.externalcall.register', params),
        expected,
        JSON.stringify(params),
      );
  });

  test('an outbound registration is decided by SPEC §5 for its user and line: refused with the reason, emergency never', async () => {
    const tess = numbers.get('tess')!;
    const register = (sdk: TypeB24, params: Record<string, unknown>) =>
      call<Registered>(sdk, 'telephony.externalcall.register', { TYPE: 1, ...params });
    // Support may call CRM clients only (outboundCall.perform = crmClients).
    const refusedBefore = (await listAudit(s.db, DEMO_ACCOUNT_ID, 1000)).filter(
      (e) => e.type === 'outboundCall.refused',
    ).length;
    assert.equal(
      await register(s.app(CONNECTOR, 'ada'), { USER_ID: tess, PHONE_NUMBER: STRANGER }),
      '403 ACCESS_DENIED',
      'decided for tess, whoever registers it',
    );
    assert.equal(
      await register(s.hook('tess'), { USER_ID: tess, PHONE_NUMBER: STRANGER }),
      '403 ACCESS_DENIED',
    );
    const refusals = (await listAudit(s.db, DEMO_ACCOUNT_ID, 1000)).filter(
      (e) => e.type === 'outboundCall.refused',
    );
    assert.equal(refusals.length, refusedBefore + 2, 'each refusal is audited');
    // Newest first: the webhook's (no application), then the connector's.
    assert.deepEqual(
      refusals.slice(0, 2).map((e) => (e.detail as { appId?: string }).appId),
      [undefined, CONNECTOR],
    );
    // The refusal's reason reaches the client.
    try {
      await s.hook('tess').actions.v2.call.make({
        method: 'telephony.externalcall.register',
        params: { USER_ID: tess, PHONE_NUMBER: STRANGER, TYPE: 1 },
      });
      assert.fail('registered');
    } catch (error) {
      assert.ok(error instanceof AjaxError);
      assert.match(error.message, /outboundCall\.perform|crmClients|not allowed/i);
    }
    // A CRM client tess may read is allowed, and linked to the call.
    const acme = registered(await register(s.hook('tess'), { USER_ID: tess, PHONE_NUMBER: ACME }));
    assert.deepEqual([acme.CRM_ENTITY_TYPE, acme.CRM_ENTITY_ID], ['COMPANY', 'acme']);
    // Mia (Manager, any) may call a stranger.
    assert.match(
      registered(
        await register(s.hook('mia'), { USER_ID: numbers.get('mia'), PHONE_NUMBER: STRANGER }),
      ).CALL_ID,
      /^externalCall\./,
    );
    // The blocked list refuses everyone, administrators included.
    assert.equal(
      await register(s.hook('ada'), { USER_ID: numbers.get('ada'), PHONE_NUMBER: '+19005550100' }),
      '403 ACCESS_DENIED',
    );
    // Emergency: allowed to tess on a line nobody rents, and audited.
    const emergency = registered(
      await register(s.hook('tess'), { USER_ID: tess, PHONE_NUMBER: '911', LINE_NUMBER: '3' }),
    );
    assert.match(emergency.CALL_ID, /^externalCall\./);
    assert.ok(
      (await listAudit(s.db, DEMO_ACCOUNT_ID, 20)).some((e) => e.type === 'outboundCall.emergency'),
    );
    // Olga has left: an application may still record her emergency call, nothing else.
    const olga = (params: Record<string, unknown>) =>
      call<Registered>(s.app(CONNECTOR, 'ada'), 'telephony.externalcall.register', {
        USER_PHONE_INNER: '132',
        ...params,
      });
    assert.equal(typeof (await olga({ TYPE: 1, PHONE_NUMBER: '911' })), 'object');
    assert.equal(await olga({ TYPE: 1, PHONE_NUMBER: ACME }), '403 ACCESS_DENIED');
    assert.equal(await olga({ TYPE: 2, PHONE_NUMBER: ACME }), '400 INVALID_REQUEST');
  });

  test('hole replay: no unchecked outbound call through an application’s line', async () => {
    // The connector declares one of the account's numbers as its line...
    const [line] = await listRentedNumbers(s.db, DEMO_ACCOUNT_ID);
    assert.ok(line);
    assert.deepEqual(
      await call(s.app(CONNECTOR, 'ada'), 'telephony.externalLine.add', {
        NUMBER: line.number,
        NAME: 'Main line',
      }),
      { ID: 1 },
    );
    // ...which the administrator keeps for Sales East (SPEC §5 rule 5).
    const accessUrl = `${s.url}/api/v1/numbers/${encodeURIComponent(line.number)}/access`;
    const current = await send(s.agent, accessUrl, { token: s.tokens.get('ada')! });
    assert.equal(current.status, 200, JSON.stringify(current.body));
    const changed = await send(s.agent, accessUrl, {
      method: 'PUT',
      token: s.tokens.get('ada')!,
      body: { accessCodes: ['department:sales-east'] },
      headers: { 'if-match': String((current.body as { version: number }).version) },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const through = (userId: string, lineNumber: string) =>
      call<Registered>(s.app(CONNECTOR, userId), 'telephony.externalcall.register', {
        USER_ID: numbers.get(userId),
        PHONE_NUMBER: STRANGER,
        TYPE: 1,
        LINE_NUMBER: lineNumber,
      });
    // Walt (Sales West, Manager: he may call anyone) may not use that line; Mia may.
    assert.equal(await through('walt', line.number), '403 ACCESS_DENIED');
    assert.match(registered(await through('mia', line.number)).CALL_ID, /^externalCall\./);
    // A line the account does not rent carries no outbound call but an emergency one.
    assert.equal(await through('mia', '+14155550999'), '403 ACCESS_DENIED');
    assert.equal(
      await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('mia'),
        PHONE_NUMBER: STRANGER,
        TYPE: 2,
        LINE_NUMBER: '+14155550999',
      }).then((r) => typeof r),
      'object',
      'an inbound call is recorded, not decided',
    );
  });

  test('finish makes the call a record: in voximplant.statistic.get and GET /api/v1/calls for exactly those whose scope reaches it', async () => {
    const mia = numbers.get('mia')!;
    const { CALL_ID } = registered(
      await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.register', {
        USER_ID: mia,
        PHONE_NUMBER: '+1 415 555 0152',
        TYPE: 2,
        CALL_START_DATE: '2026-12-01T10:20:30+03:00',
        EXTERNAL_CALL_ID: 'asterisk-1.1',
      }),
    );
    // Not a call record until it is finished.
    assert.equal(await statisticShows('ada', CALL_ID), false);
    const finished = (await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.finish', {
      CALL_ID,
      USER_ID: mia,
      DURATION: 95,
      COST: 0.25,
      COST_CURRENCY: 'usd',
      VOTE: 5,
      ADD_TO_CHAT: 0,
    })) as Record<string, unknown>;
    assert.equal(finished.CALL_ID, CALL_ID);
    assert.equal(finished.CALL_DURATION, 95);
    assert.equal(finished.CALL_FAILED_CODE, '200');
    assert.equal(finished.CALL_STATUS, 1);
    assert.equal(finished.PORTAL_USER_ID, mia);
    assert.equal(finished.PHONE_NUMBER, '+14155550152');
    assert.equal(finished.CALL_START_DATE, '2026-12-01T07:20:30.000Z');
    assert.deepEqual([finished.CRM_ENTITY_TYPE, finished.CRM_ENTITY_ID], ['CONTACT', 'jane']);
    assert.equal(typeof finished.ID, 'number');
    // Once.
    assert.equal(
      await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.finish', {
        CALL_ID,
        USER_ID: mia,
      }),
      '409 ERROR_CONFLICT',
    );
    let reached = 0;
    let unreached = 0;
    for (const userId of ACTIVE_DEMO_USERS) {
      const rest = await restCallIds(userId);
      const shown = await statisticShows(userId, CALL_ID);
      if (rest === 'forbidden') {
        assert.equal(shown, '403 ACCESS_DENIED', userId);
        continue;
      }
      assert.equal(shown, rest.has(CALL_ID), userId);
      if (shown === true) reached += 1;
      else unreached += 1;
    }
    assert.ok(reached >= 3 && unreached >= 3, `${reached} see it, ${unreached} do not`);
    assert.equal(await statisticShows('mia', CALL_ID), true);
    assert.equal(await statisticShows('erik', CALL_ID), true, 'her head of department');
    assert.equal(await statisticShows('walt', CALL_ID), false, 'another department');
    const row = (await call<Record<string, unknown>[]>(s.hook('mia'), 'voximplant.statistic.get', {
      FILTER: { CALL_ID },
    })) as Record<string, unknown>[];
    assert.equal(row[0]!.ID, String(finished.ID));
    assert.equal(row[0]!.CALL_DURATION, '95');
  });

  test('hole replay: no change to a call another application registered', async () => {
    const mia = numbers.get('mia')!;
    const { CALL_ID } = registered(
      await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.register', {
        USER_ID: mia,
        PHONE_NUMBER: '+14155550181',
        TYPE: 2,
        SHOW: 0,
      }),
    );
    const wav = generateDemoWav(7).toString('base64');
    // The widget, mia's own webhook, the connector's own tokens for another user: all
    // other applications than the connector, to which the call is not there.
    for (const sdk of [s.app(WIDGET, 'mia'), s.app(WIDGET, 'ada'), s.hook('mia'), s.hook('ada')]) {
      assert.equal(
        await call(sdk, 'telephony.externalcall.finish', { CALL_ID, USER_ID: mia, DURATION: 1 }),
        '404 NOT_FOUND',
      );
      assert.equal(
        await call(sdk, 'telephony.externalcall.show', { CALL_ID, USER_ID: mia }),
        '404 NOT_FOUND',
      );
      assert.equal(
        await call(sdk, 'telephony.externalcall.hide', { CALL_ID, USER_ID: mia }),
        '404 NOT_FOUND',
      );
      assert.equal(
        await call(sdk, 'telephony.externalcall.attachRecord', {
          CALL_ID,
          FILENAME: 'a.wav',
          FILE_CONTENT: wav,
        }),
        '404 NOT_FOUND',
      );
    }
    const row = await s.db
      .selectFrom('external_calls')
      .select(['shown', 'finished_at'])
      .where('account_id', '=', DEMO_ACCOUNT_ID)
      .where('call_id', '=', CALL_ID)
      .executeTakeFirstOrThrow();
    assert.deepEqual([Number(row.shown), row.finished_at], [0, null], 'unchanged');
    assert.equal(await statisticShows('ada', CALL_ID), false);
    // The connector, acting for another user of its own, still reaches its call.
    assert.equal(
      await call(s.app(CONNECTOR, 'ada'), 'telephony.externalcall.show', {
        CALL_ID,
        USER_ID: [mia, numbers.get('ada')],
      }),
      true,
    );
    const shown = await s.db
      .selectFrom('external_calls')
      .select('shown')
      .where('account_id', '=', DEMO_ACCOUNT_ID)
      .where('call_id', '=', CALL_ID)
      .executeTakeFirstOrThrow();
    assert.equal(Number(shown.shown), 1, 'show records the display state');
    assert.equal(
      await call(s.app(CONNECTOR, 'mia'), 'telephony.externalcall.hide', {
        CALL_ID,
        USER_ID: mia,
      }),
      true,
    );
    // A webhook's calls are its own too: the connector cannot finish them.
    const viaHook = registered(
      await call(s.hook('walt'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550182',
        TYPE: 2,
      }),
    );
    assert.equal(
      await call(s.app(CONNECTOR, 'walt'), 'telephony.externalcall.finish', {
        CALL_ID: viaHook.CALL_ID,
        USER_ID: numbers.get('walt'),
      }),
      '404 NOT_FOUND',
    );
    assert.equal(
      typeof (await call(s.hook('walt'), 'telephony.externalcall.finish', {
        CALL_ID: viaHook.CALL_ID,
        USER_ID: numbers.get('walt'),
        STATUS_CODE: '486',
      })),
      'object',
    );
  });

  test('attachRecord stores the recording through the upload use case: after finish, format checked, listened to by those who may', async () => {
    const walt = numbers.get('walt')!;
    const sdk = s.app(CONNECTOR, 'walt');
    const { CALL_ID } = registered(
      await call(sdk, 'telephony.externalcall.register', {
        USER_ID: walt,
        PHONE_NUMBER: '+14155550183',
        TYPE: 2,
      }),
    );
    const wav = generateDemoWav(3);
    const attach = (params: Record<string, unknown>) =>
      call<{ FILE_ID: number }>(sdk, 'telephony.externalcall.attachRecord', { CALL_ID, ...params });
    assert.equal(
      await attach({ FILENAME: 'call.wav', FILE_CONTENT: wav.toString('base64') }),
      '400 INVALID_REQUEST',
      'not finished yet',
    );
    const finished = (await call(sdk, 'telephony.externalcall.finish', {
      CALL_ID,
      USER_ID: walt,
      DURATION: 30,
    })) as { ID: number };
    assert.equal(
      await attach({ FILENAME: 'call.mp3', FILE_CONTENT: wav.toString('base64') }),
      '400 INVALID_REQUEST',
      'the bytes are WAV, not MP3',
    );
    assert.equal(
      await attach({ FILENAME: 'call.txt', FILE_CONTENT: wav.toString('base64') }),
      '400 INVALID_REQUEST',
    );
    assert.equal(await attach({ FILENAME: 'call.wav', FILE_CONTENT: '***' }), '400 ERROR_ARGUMENT');
    assert.equal(
      await attach({ FILENAME: 'call.wav', RECORD_URL: 'http://169.254.169.254/latest' }),
      '400 ERROR_ARGUMENT',
      'Callgate fetches no URL a caller gives',
    );
    assert.deepEqual(await attach({ FILENAME: 'call.wav', FILE_CONTENT: wav.toString('base64') }), {
      FILE_ID: finished.ID,
    });
    const audio = (userId: string) =>
      send(s.agent, `${s.url}/api/v1/calls/${CALL_ID}/recording`, {
        token: s.tokens.get(userId)!,
      }).then((r) => r.status);
    assert.equal(await audio('walt'), 200);
    assert.equal(await audio('wanda'), 200, 'his head of department');
    assert.equal(await audio('mia'), 404, 'out of her scope');
    const uploads = (await listAudit(s.db, DEMO_ACCOUNT_ID, 50)).filter(
      (e) => e.type === 'recording.uploaded' && e.subject === CALL_ID,
    );
    assert.equal(uploads.length, 1);
    // Replacing deletes the old one: walt (Manager) lacks recording.delete, so no.
    assert.equal(
      await attach({ FILENAME: 'again.wav', FILE_CONTENT: generateDemoWav(4).toString('base64') }),
      '403 ACCESS_DENIED',
    );
    // An account administrator may delete recordings, so may replace one.
    assert.deepEqual(
      await call(s.app(CONNECTOR, 'ada'), 'telephony.externalcall.attachRecord', {
        CALL_ID,
        FILENAME: 'again.wav',
        FILE_CONTENT: generateDemoWav(4).toString('base64'),
      }),
      { FILE_ID: finished.ID },
    );
    const after = (await listAudit(s.db, DEMO_ACCOUNT_ID, 50)).filter(
      (e) => e.type === 'recording.uploaded' && e.subject === CALL_ID,
    );
    assert.equal(after.length, 2);
  });

  test('searchCrmEntities answers only the clients the caller’s CRM read scope reaches', async () => {
    const search = async (userId: string, phone: string) => {
      const found = await call<{ CRM_ENTITY_TYPE: string; CRM_ENTITY_ID: string }[]>(
        s.hook(userId),
        'telephony.externalcall.searchCrmEntities',
        { PHONE_NUMBER: phone },
      );
      assert.ok(Array.isArray(found), JSON.stringify(found));
      return found.map((c) => `${c.CRM_ENTITY_TYPE}:${c.CRM_ENTITY_ID}`);
    };
    // Jane (a contact of Max, Sales East): Sales West reads only its own contacts.
    assert.deepEqual(await search('mia', '+14155550152'), ['CONTACT:jane']);
    assert.deepEqual(await search('tess', '+1 (415) 555-0153'), ['CONTACT:jane']);
    assert.deepEqual(await search('walt', '+14155550152'), []);
    assert.deepEqual(await search('wanda', '+14155550152'), []);
    // Companies are not limited for them; a stranger is nobody's.
    assert.deepEqual(await search('walt', '+14155550151'), ['COMPANY:globex']);
    assert.deepEqual(await search('mia', STRANGER), []);
    const full = (await call(s.hook('mia'), 'telephony.externalcall.searchCrmEntities', {
      PHONE_NUMBER: '+14155550152',
    })) as { NAME: string; ASSIGNED_BY_ID: number; ASSIGNED_BY: { USER_PHONE_INNER: string } }[];
    assert.equal(full[0]!.NAME, 'Jane Buyer');
    assert.equal(full[0]!.ASSIGNED_BY_ID, numbers.get('max'));
    assert.equal(full[0]!.ASSIGNED_BY.USER_PHONE_INNER, '122');
    // And register links only a client its user may read.
    assert.equal(
      await call(s.hook('walt'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550152',
        TYPE: 2,
        CRM_ENTITY_TYPE: 'CONTACT',
        CRM_ENTITY_ID: 'jane',
      }),
      '404 NOT_FOUND',
    );
    const unlinked = registered(
      await call(s.hook('walt'), 'telephony.externalcall.register', {
        USER_ID: numbers.get('walt'),
        PHONE_NUMBER: '+14155550152',
        TYPE: 2,
      }),
    );
    assert.equal(unlinked.CRM_ENTITY_ID, null);
    assert.equal(
      await call(s.hook('mia'), 'telephony.externalcall.searchCrmEntities', {}),
      '400 ERROR_ARGUMENT',
    );
  });

  test('telephony.externalLine.*: numbers.manage to change, and each application sees only its own lines', async () => {
    const lines = (sdk: TypeB24) =>
      call<{ NUMBER: string; NAME: string; CRM_AUTO_CREATE: string }[]>(
        sdk,
        'telephony.externalLine.get',
        {},
      );
    assert.deepEqual(
      await call(s.app(WIDGET, 'ada'), 'telephony.externalLine.add', {
        NUMBER: '7',
        NAME: 'Widget line',
        CRM_AUTO_CREATE: 'N',
      }).then((r) => typeof r),
      'object',
    );
    const widgetLines = await lines(s.app(WIDGET, 'ada'));
    assert.deepEqual(
      (widgetLines as { NUMBER: string; NAME: string; CRM_AUTO_CREATE: string }[]).map(
        ({ NUMBER, NAME, CRM_AUTO_CREATE }) => ({ NUMBER, NAME, CRM_AUTO_CREATE }),
      ),
      [{ NUMBER: '7', NAME: 'Widget line', CRM_AUTO_CREATE: 'N' }],
    );
    assert.deepEqual(await lines(s.app(WIDGET, 'mia')), widgetLines, 'one application, any user');
    const connectorLines = (await lines(s.app(CONNECTOR, 'mia'))) as { NUMBER: string }[];
    assert.ok(!connectorLines.some((l) => l.NUMBER === '7'), 'the connector does not see it');
    assert.deepEqual(await lines(s.hook('ada')), [], 'nor does a webhook');
    // Changing lines needs numbers.manage: Mia (Manager) lacks it, whichever application.
    for (const method of ['add', 'update', 'delete'])
      assert.equal(
        await call(s.app(WIDGET, 'mia'), `telephony.externalLine.${method}`, { NUMBER: '7' }),
        '403 ACCESS_DENIED',
        method,
      );
    // Another application's line is not found to change.
    assert.equal(
      await call(s.app(CONNECTOR, 'ada'), 'telephony.externalLine.update', {
        NUMBER: '7',
        NAME: 'Mine now',
      }),
      '404 NOT_FOUND',
    );
    assert.equal(
      await call(s.app(CONNECTOR, 'ada'), 'telephony.externalLine.delete', { NUMBER: '7' }),
      '404 NOT_FOUND',
    );
    assert.equal(
      await call(s.app(WIDGET, 'ada'), 'telephony.externalLine.add', { NUMBER: '7' }),
      '409 ERROR_CONFLICT',
    );
    await call(s.app(WIDGET, 'ada'), 'telephony.externalLine.update', {
      NUMBER: '7',
      NAME: 'Renamed',
      CRM_AUTO_CREATE: 'Y',
    });
    const renamed = (await lines(s.app(WIDGET, 'ada'))) as {
      NAME: string;
      CRM_AUTO_CREATE: string;
    }[];
    assert.deepEqual([renamed[0]!.NAME, renamed[0]!.CRM_AUTO_CREATE], ['Renamed', 'Y']);
    assert.equal(
      await call(s.app(WIDGET, 'ada'), 'telephony.externalLine.delete', { NUMBER: '7' }),
      null,
    );
    assert.deepEqual(await lines(s.app(WIDGET, 'ada')), []);
    assert.equal(
      await call(s.app(WIDGET, 'ada'), 'telephony.externalLine.add', {}),
      '400 ERROR_ARGUMENT',
    );
  });
});
