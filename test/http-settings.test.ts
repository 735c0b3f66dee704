import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { decide } from '../src/engine/decide.js';
import { type Harness, describeHttp, grant, json } from './http.js';

interface ErrorBody {
  error: { code: string; message: string; permission?: string; currentVersion?: number };
}
interface UserSettings {
  userId: string;
  device: string | null;
  sipLogin: string | null;
  sipSecret?: string | null;
  hasSipSecret: boolean;
  callerIdNumber: string | null;
  version: number;
}
interface Section<V = Record<string, unknown>> {
  section: string;
  value: V;
  version: number;
}

const errorOf = (response: LightMyRequestResponse) => json<ErrorBody>(response).error;
const settingsUrl = (userId: string) => `/api/v1/users/${userId}/telephony-settings`;
const ifMatch = (version: number) => ({ 'if-match': String(version) });
const SIP_SECRET = 'Plain-s3cret-7731';

async function readSettings(h: Harness, as: string, userId: string): Promise<UserSettings> {
  const response = await h.request(as, 'GET', settingsUrl(userId));
  assert.equal(response.statusCode, 200, response.body);
  return json<UserSettings>(response);
}

function settingsBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { device: 'softphone', sipLogin: null, callerIdNumber: null, ...overrides };
}

describeHttp('user telephony settings', (h) => {
  test('a Manager (userSettings.modify = none) reads their own settings but changes nobody’s', async () => {
    await grant(h(), null);
    const own = await readSettings(h(), 'u4', 'u4');
    assert.deepEqual(own, {
      userId: 'u4',
      device: null,
      sipLogin: null,
      hasSipSecret: false,
      callerIdNumber: null,
      callerIdChoices: [],
      version: 0,
    });
    const other = await h().request('u4', 'GET', settingsUrl('u10'));
    assert.equal(other.statusCode, 404);
    assert.equal(errorOf(other).code, 'not_found');

    const ownPut = await h().request('u4', 'PUT', settingsUrl('u4'), settingsBody(), ifMatch(0));
    assert.equal(ownPut.statusCode, 403);
    assert.equal(errorOf(ownPut).code, 'permission_denied');
    assert.equal(errorOf(ownPut).permission, 'userSettings.modify');
    // Who may act is decided before what the request lacks.
    const noIfMatch = await h().request('u4', 'PUT', settingsUrl('u4'), settingsBody());
    assert.equal(noIfMatch.statusCode, 403);
    const otherPut = await h().request('u4', 'PUT', settingsUrl('u10'), settingsBody(), ifMatch(0));
    assert.equal(otherPut.statusCode, 404);
    assert.equal((await readSettings(h(), 'u0', 'u10')).version, 0);
  });

  test('the SIP secret is sealed at rest, and shown only to those who may modify the settings', async () => {
    await grant(h(), null);
    const put = await h().request(
      'u0',
      'PUT',
      settingsUrl('u4'),
      settingsBody({ device: 'sip', sipLogin: 'u4-desk', sipSecret: SIP_SECRET }),
      ifMatch(0),
    );
    assert.equal(put.statusCode, 200, put.body);
    const saved = json<UserSettings>(put);
    assert.equal(saved.version, 1);
    assert.equal(saved.sipSecret, SIP_SECRET);
    assert.equal(put.headers.etag, '"1"');

    const row = await h()
      .store.db.selectFrom('user_telephony_settings')
      .select('sip_secret')
      .where('account_id', '=', 'acme')
      .where('user_id', '=', 'u4')
      .executeTakeFirstOrThrow();
    assert.ok(row.sip_secret !== null && !row.sip_secret.includes(SIP_SECRET), 'not plaintext');
    assert.match(row.sip_secret, /^v1\./);
    assert.equal(h().services.secrets.decrypt(row.sip_secret), SIP_SECRET);

    // u4 may read their own settings but not change them: no secret, only that there is one.
    const ownResponse = await h().request('u4', 'GET', settingsUrl('u4'));
    assert.equal(ownResponse.statusCode, 200);
    assert.ok(!ownResponse.body.includes(SIP_SECRET));
    const own = json<UserSettings>(ownResponse);
    assert.equal('sipSecret' in own, false);
    assert.equal(own.hasSipSecret, true);
    assert.equal(own.sipLogin, 'u4-desk');

    assert.equal((await readSettings(h(), 'u0', 'u4')).sipSecret, SIP_SECRET);

    const audit = await h()
      .store.db.selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', 'acme')
      .where('type', '=', 'userSettings.changed')
      .where('subject', '=', 'u4')
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'user:u0');
    assert.equal((JSON.parse(audit[0]!.after!) as { sipSecret: string }).sipSecret, '(changed)');
    assert.equal((JSON.parse(audit[0]!.before!) as { sipSecret: null }).sipSecret, null);
    const everything = await h().store.db.selectFrom('audit_log').selectAll().execute();
    assert.ok(!JSON.stringify(everything).includes(SIP_SECRET), 'the secret is never audited');
  });

  test('level own: the user reads their own secret and changes their own settings, nobody else’s', async () => {
    await grant(h(), { 'userSettings.modify': 'own' }, ['user:u4']);
    const own = await readSettings(h(), 'u4', 'u4');
    assert.equal(own.sipSecret, SIP_SECRET);
    for (const other of ['u10', 'u0', 'u3']) {
      const response = await h().request('u4', 'GET', settingsUrl(other));
      assert.equal(response.statusCode, 404, other);
    }
    const put = await h().request(
      'u4',
      'PUT',
      settingsUrl('u4'),
      settingsBody({ device: 'sip', sipLogin: 'u4-laptop' }),
      ifMatch(own.version),
    );
    assert.equal(put.statusCode, 200, put.body);
    // No sipSecret in the body keeps the stored one.
    assert.equal(json<UserSettings>(put).sipSecret, SIP_SECRET);
    assert.equal(json<UserSettings>(put).sipLogin, 'u4-laptop');
    const otherPut = await h().request('u4', 'PUT', settingsUrl('u10'), settingsBody(), ifMatch(0));
    assert.equal(otherPut.statusCode, 404);
    // u10 holds only the Manager role: u4's settings are out of their reach.
    assert.equal((await h().request('u10', 'GET', settingsUrl('u4'))).statusCode, 404);
  });

  test('level department: a sub-department’s members are reached, a sibling or parent department’s are not', async () => {
    await grant(h(), { 'userSettings.modify': 'department' }, ['user:u7']);
    // u7 is in Sales (2); u4 and u10 in Sales East (3), under Sales; u5 and u6 in Support (4).
    assert.equal((await readSettings(h(), 'u7', 'u4')).sipSecret, SIP_SECRET);
    assert.equal((await readSettings(h(), 'u7', 'u10')).version, 0);
    assert.equal((await readSettings(h(), 'u7', 'u8')).userId, 'u8', 'inactive members too');
    for (const outside of ['u5', 'u6', 'u1', 'u9']) {
      const response = await h().request('u7', 'GET', settingsUrl(outside));
      assert.equal(response.statusCode, 404, outside);
    }
    const put = await h().request(
      'u7',
      'PUT',
      settingsUrl('u10'),
      settingsBody({ device: 'mobile' }),
      ifMatch(0),
    );
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(json<UserSettings>(put).device, 'mobile');
    const sibling = await h().request('u7', 'PUT', settingsUrl('u6'), settingsBody(), ifMatch(0));
    assert.equal(sibling.statusCode, 404);
    assert.equal((await readSettings(h(), 'u0', 'u6')).version, 0);
  });

  test('level any: every user, those in no department too; unknown users are not found', async () => {
    await grant(h(), { 'userSettings.modify': 'any' }, ['user:u5']);
    assert.equal((await readSettings(h(), 'u5', 'u4')).sipSecret, SIP_SECRET);
    const put = await h().request('u5', 'PUT', settingsUrl('u9'), settingsBody(), ifMatch(0));
    assert.equal(put.statusCode, 200, put.body);
    for (const as of ['u5', 'u0']) {
      const unknown = await h().request(as, 'GET', settingsUrl('nobody'));
      assert.equal(unknown.statusCode, 404);
      assert.equal(errorOf(unknown).code, 'not_found');
    }
    const missing = await h().request(
      'u0',
      'PUT',
      settingsUrl('nobody'),
      settingsBody(),
      ifMatch(0),
    );
    assert.equal(missing.statusCode, 404);
    assert.equal((await h().request('u0', 'GET', settingsUrl('bad%20id'))).statusCode, 400);
  });

  test('If-Match: required, and a stale version is refused with 412 and changes nothing', async () => {
    await grant(h(), null);
    const before = await readSettings(h(), 'u0', 'u11');
    const missing = await h().request('u0', 'PUT', settingsUrl('u11'), settingsBody());
    assert.equal(missing.statusCode, 400);
    assert.equal(errorOf(missing).code, 'invalid_request');
    const ahead = await h().request(
      'u0',
      'PUT',
      settingsUrl('u11'),
      settingsBody({ device: 'mobile' }),
      ifMatch(before.version + 5),
    );
    assert.equal(ahead.statusCode, 412);
    assert.equal(errorOf(ahead).code, 'version_mismatch');
    assert.equal(errorOf(ahead).currentVersion, before.version);
    assert.deepEqual(await readSettings(h(), 'u0', 'u11'), before);

    const first = await h().request(
      'u0',
      'PUT',
      settingsUrl('u11'),
      settingsBody({ device: 'mobile' }),
      { 'if-match': `"${before.version}"` },
    );
    assert.equal(first.statusCode, 200, first.body);
    const afterFirst = await readSettings(h(), 'u0', 'u11');
    assert.equal(afterFirst.version, before.version + 1);
    const stale = await h().request(
      'u0',
      'PUT',
      settingsUrl('u11'),
      settingsBody({ device: 'softphone', sipSecret: 'lost-update' }),
      ifMatch(before.version),
    );
    assert.equal(stale.statusCode, 412);
    assert.deepEqual(await readSettings(h(), 'u0', 'u11'), afterFirst);
  });

  test('the caller ID must be a number the account rents', async () => {
    await grant(h(), null);
    const filled = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: [
        { number: '+16285550180', country: 'US', monthlyFee: 3, currency: 'USD' },
        { number: '+16285550181', country: 'US', monthlyFee: 3, currency: 'USD' },
      ],
    });
    assert.equal(filled.statusCode, 201, filled.body);
    const rented = await h().request('u0', 'POST', '/api/v1/numbers', { number: '+16285550180' });
    assert.equal(rented.statusCode, 201, rented.body);
    const { version } = await readSettings(h(), 'u0', 'u2');
    const notRented = await h().request(
      'u0',
      'PUT',
      settingsUrl('u2'),
      settingsBody({ callerIdNumber: '+16285550181' }),
      ifMatch(version),
    );
    assert.equal(notRented.statusCode, 400);
    assert.match(errorOf(notRented).message, /\+16285550181/);
    const ok = await h().request(
      'u0',
      'PUT',
      settingsUrl('u2'),
      settingsBody({ callerIdNumber: '+16285550180' }),
      ifMatch(version),
    );
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json<UserSettings>(ok).callerIdNumber, '+16285550180');
  });

  test('malformed bodies are refused with 400 and change nothing', async () => {
    await grant(h(), null);
    const before = await readSettings(h(), 'u0', 'u3');
    const bodies: Record<string, unknown>[] = [
      settingsBody({ device: 'fax' }),
      settingsBody({ extra: true }),
      settingsBody({ sipSecret: 42 }),
      settingsBody({ callerIdNumber: '4155550100' }),
      settingsBody({ sipLogin: 'has spaces' }),
      settingsBody({ device: 'sip', sipLogin: null }),
      { device: 'softphone' },
    ];
    for (const body of bodies) {
      const response = await h().request(
        'u0',
        'PUT',
        settingsUrl('u3'),
        body,
        ifMatch(before.version),
      );
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(errorOf(response).code, 'invalid_request');
    }
    assert.deepEqual(await readSettings(h(), 'u0', 'u3'), before);
  });
});

const SECTIONS = ['general', 'blocked-numbers', 'documents', 'queues', 'ivr', 'recordings-folder'];
const VALID_BODIES: Record<string, unknown> = {
  general: { recordCalls: true, defaultCallerIdNumber: null, language: 'en' },
  'blocked-numbers': { numbers: ['+19005550000'] },
  documents: { items: [] },
  queues: { items: [] },
  ivr: { menus: [] },
  'recordings-folder': { entries: [{ accessCode: 'everyone', access: 'read' }] },
};

async function readSection<V = Record<string, unknown>>(
  h: Harness,
  section: string,
  as = 'u0',
): Promise<Section<V>> {
  const response = await h.request(as, 'GET', `/api/v1/settings/${section}`);
  assert.equal(response.statusCode, 200, response.body);
  return json<Section<V>>(response);
}

async function outboundAllowed(h: Harness, userId: string, phoneNumber: string): Promise<boolean> {
  const state = await h.services.policies.get(h.store.db, 'acme', h.clock.now);
  return decide(state.policy, { userId, permission: 'outboundCall.perform', phoneNumber }).allowed;
}

async function listenAllowed(h: Harness, userId: string, owner: string): Promise<boolean> {
  const state = await h.services.policies.get(h.store.db, 'acme', h.clock.now);
  return decide(state.policy, { userId, permission: 'recording.listen', targetUserId: owner })
    .allowed;
}

describeHttp('account telephony settings', (h) => {
  test('a Manager (telephonySettings.modify = none) is refused every section, read and write', async () => {
    await grant(h(), null);
    for (const section of SECTIONS) {
      const url = `/api/v1/settings/${section}`;
      for (const response of [
        await h().request('u4', 'GET', url),
        await h().request('u4', 'PUT', url, VALID_BODIES[section], ifMatch(0)),
      ]) {
        assert.equal(response.statusCode, 403, `${section}: ${response.body}`);
        assert.equal(errorOf(response).code, 'permission_denied');
        assert.equal(errorOf(response).permission, 'telephonySettings.modify');
      }
    }
  });

  test('telephonySettings.modify = any through a role opens every section; taking the role away closes them', async () => {
    await grant(h(), { 'telephonySettings.modify': 'any' }, ['user:u4']);
    for (const section of SECTIONS) await readSection(h(), section, 'u4');
    const general = await readSection(h(), 'general', 'u4');
    assert.deepEqual(general, {
      section: 'general',
      value: { recordCalls: false, defaultCallerIdNumber: null, language: 'en' },
      version: 0,
    });
    const put = await h().request(
      'u4',
      'PUT',
      '/api/v1/settings/general',
      { recordCalls: true, defaultCallerIdNumber: null, language: 'pt-BR' },
      ifMatch(0),
    );
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(await readSection(h(), 'general', 'u4'), {
      section: 'general',
      value: { recordCalls: true, defaultCallerIdNumber: null, language: 'pt-BR' },
      version: 1,
    });
    await grant(h(), null);
    assert.equal((await h().request('u4', 'GET', '/api/v1/settings/general')).statusCode, 403);
  });

  test('unknown sections are not found', async () => {
    for (const method of ['GET', 'PUT'] as const) {
      const response = await h().request('u0', method, '/api/v1/settings/colours', {}, ifMatch(0));
      assert.equal(response.statusCode, 404);
      assert.equal(errorOf(response).code, 'not_found');
    }
  });

  test('If-Match: required, a stale version is refused with 412 and changes nothing; audited with before and after', async () => {
    const url = '/api/v1/settings/documents';
    const doc = { items: [{ id: 'tariffs', name: 'Tariffs', url: 'https://example.com/t.pdf' }] };
    const missing = await h().request('u0', 'PUT', url, doc);
    assert.equal(missing.statusCode, 400);
    const ahead = await h().request('u0', 'PUT', url, doc, ifMatch(4));
    assert.equal(ahead.statusCode, 412);
    assert.equal(errorOf(ahead).code, 'version_mismatch');
    assert.deepEqual(await readSection(h(), 'documents'), {
      section: 'documents',
      value: { items: [] },
      version: 0,
    });
    assert.equal((await h().request('u0', 'PUT', url, doc, ifMatch(0))).statusCode, 200);
    const stale = await h().request('u0', 'PUT', url, { items: [] }, ifMatch(0));
    assert.equal(stale.statusCode, 412);
    assert.deepEqual(await readSection(h(), 'documents'), {
      section: 'documents',
      value: doc,
      version: 1,
    });
    const audit = await h()
      .store.db.selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', 'acme')
      .where('type', '=', 'settings.changed')
      .where('subject', '=', 'documents')
      .execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(JSON.parse(audit[0]!.before!), { items: [] });
    assert.deepEqual(JSON.parse(audit[0]!.after!), doc);
    assert.equal(audit[0]!.actor, 'user:u0');
  });

  test('blocked numbers are normalised, and the next outbound decision applies them', async () => {
    const before = await readSection<{ numbers: string[] }>(h(), 'blocked-numbers');
    assert.deepEqual(before.value.numbers, ['+19005550000']);
    assert.equal(await outboundAllowed(h(), 'u4', '+14155550199'), true);
    assert.equal(await outboundAllowed(h(), 'u0', '+14155550199'), true);

    const put = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/blocked-numbers',
      { numbers: ['+19005550000', '(415) 555-0199', '+1 415 555 0199'] },
      ifMatch(before.version),
    );
    assert.equal(put.statusCode, 200, put.body);
    const saved = json<Section<{ numbers: string[] }>>(put);
    assert.deepEqual(saved.value.numbers, ['+19005550000', '+14155550199']);
    assert.equal(saved.version, before.version + 1);
    assert.deepEqual(await readSection(h(), 'blocked-numbers'), saved);
    assert.equal(await outboundAllowed(h(), 'u4', '+14155550199'), false);
    assert.equal(await outboundAllowed(h(), 'u0', '+14155550199'), false, 'administrators too');

    const stale = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/blocked-numbers',
      { numbers: [] },
      ifMatch(before.version),
    );
    assert.equal(stale.statusCode, 412);
    assert.equal(await outboundAllowed(h(), 'u4', '+14155550199'), false);

    const invalid = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/blocked-numbers',
      { numbers: ['+19005550000', 'call me'] },
      ifMatch(saved.version),
    );
    assert.equal(invalid.statusCode, 400);
    assert.match(errorOf(invalid).message, /numbers\[1\]/);

    const restored = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/blocked-numbers',
      { numbers: ['+19005550000'] },
      ifMatch(saved.version),
    );
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(await outboundAllowed(h(), 'u4', '+14155550199'), true);
  });

  test('the recordings folder: access codes must name directory items; the next decision applies the list', async () => {
    const url = '/api/v1/settings/recordings-folder';
    const before = await readSection(h(), 'recordings-folder');
    assert.deepEqual(before, {
      section: 'recordings-folder',
      value: { entries: [{ accessCode: 'everyone', access: 'read' }] },
      version: 0,
    });
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), true);

    for (const accessCode of ['user:nobody', 'departmentTree:99', 'group:g1', 'people']) {
      const response = await h().request(
        'u0',
        'PUT',
        url,
        {
          entries: [
            { accessCode: 'everyone', access: 'read' },
            { accessCode, access: 'none' },
          ],
        },
        ifMatch(0),
      );
      assert.equal(response.statusCode, 400, accessCode);
      assert.ok(errorOf(response).message.includes(accessCode), errorOf(response).message);
    }
    const entries = [
      { accessCode: 'everyone', access: 'read' },
      { accessCode: 'user:u4', access: 'none' },
    ];
    const put = await h().request('u0', 'PUT', url, { entries }, ifMatch(0));
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(await readSection(h(), 'recordings-folder'), {
      section: 'recordings-folder',
      value: { entries },
      version: 1,
    });
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), false);
    assert.equal(await listenAllowed(h(), 'u10', 'u10'), true);

    const audit = await h()
      .store.db.selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', 'acme')
      .where('type', '=', 'recordingsFolder.changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(audit.before!), before.value);
    assert.deepEqual(JSON.parse(audit.after!), { entries });

    const stale = await h().request('u0', 'PUT', url, before.value, ifMatch(0));
    assert.equal(stale.statusCode, 412);
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), false);
    const restored = await h().request('u0', 'PUT', url, before.value, ifMatch(1));
    assert.equal(restored.statusCode, 200);
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), true);
  });

  test('the recordings folder falls under SPEC §8: a non-administrator editor may narrow it, never open it to anyone it shuts out, themselves included (issue 10.4)', async () => {
    const url = '/api/v1/settings/recordings-folder';
    // u4: a Manager (recording.listen own) who may also administer permissions.
    await grant(h(), { 'telephonySettings.modify': 'any' }, ['user:u4']);
    const save = async (as: string, entries: { accessCode: string; access: string }[]) => {
      const { version } = await readSection(h(), 'recordings-folder');
      return h().request(as, 'PUT', url, { entries }, ifMatch(version));
    };
    const shut = [
      { accessCode: 'everyone', access: 'read' },
      { accessCode: 'user:u4', access: 'none' },
      { accessCode: 'department:4', access: 'none' },
    ];
    assert.equal((await save('u0', shut)).statusCode, 200);
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), false);
    assert.equal(await listenAllowed(h(), 'u6', 'u6'), false);

    for (const [entries, gained] of [
      [[shut[0]!, shut[2]!], ['u4']],
      [
        [shut[0]!, shut[1]!],
        ['u11', 'u5', 'u6'],
      ],
      [[{ accessCode: 'user:u4', access: 'read' }], ['u4']],
    ] as const) {
      const response = await save('u4', [...entries]);
      assert.equal(response.statusCode, 403, `${JSON.stringify(entries)}: ${response.body}`);
      assert.equal(errorOf(response).code, 'escalation');
      const { users } = errorOf(response) as unknown as { users: string[] };
      assert.deepEqual([...users].sort(), gained);
    }
    assert.deepEqual((await readSection(h(), 'recordings-folder')).value, { entries: shut });
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), false, 'still shut out');

    // Narrowing is always allowed; so is a list that opens nothing (an extra read where a none wins).
    const narrower = [...shut, { accessCode: 'user:u10', access: 'none' }];
    assert.equal((await save('u4', narrower)).statusCode, 200);
    assert.equal(await listenAllowed(h(), 'u10', 'u10'), false);
    const same = [...narrower, { accessCode: 'user:u6', access: 'read' }];
    const sameResponse = await save('u4', same);
    assert.equal(sameResponse.statusCode, 200, sameResponse.body);
    assert.equal(await listenAllowed(h(), 'u6', 'u6'), false);

    // An account administrator may open it again.
    const restored = await save('u0', [{ accessCode: 'everyone', access: 'read' }]);
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(await listenAllowed(h(), 'u4', 'u4'), true);
    await grant(h(), null);
  });

  test('queues name existing users; voice menus name existing queues, users and menus', async () => {
    const queues = '/api/v1/settings/queues';
    const ivr = '/api/v1/settings/ivr';
    const queue = {
      id: 'sales-q',
      name: 'Sales',
      memberIds: ['u4', 'u10'],
      strategy: 'round-robin',
    };
    const ghost = await h().request(
      'u0',
      'PUT',
      queues,
      { items: [{ ...queue, memberIds: ['u4', 'ghost'] }] },
      ifMatch(0),
    );
    assert.equal(ghost.statusCode, 400);
    assert.match(errorOf(ghost).message, /ghost/);
    assert.equal(
      (await h().request('u0', 'PUT', queues, { items: [queue] }, ifMatch(0))).statusCode,
      200,
    );

    const menu = (options: unknown[]) => ({
      menus: [{ id: 'main', name: 'Main', greeting: 'Welcome to Acme', options }],
    });
    const unknownQueue = await h().request(
      'u0',
      'PUT',
      ivr,
      menu([{ digit: '1', action: 'queue', target: 'nope' }]),
      ifMatch(0),
    );
    assert.equal(unknownQueue.statusCode, 400);
    assert.match(errorOf(unknownQueue).message, /nope/);
    const twice = await h().request(
      'u0',
      'PUT',
      ivr,
      menu([
        { digit: '1', action: 'user', target: 'u4' },
        { digit: '1', action: 'user', target: 'u10' },
      ]),
      ifMatch(0),
    );
    assert.equal(twice.statusCode, 400);
    const good = menu([
      { digit: '1', action: 'queue', target: 'sales-q' },
      { digit: '2', action: 'user', target: 'u4' },
      { digit: '0', action: 'menu', target: 'main' },
      { digit: '#', action: 'voicemail', target: null },
    ]);
    const saved = await h().request('u0', 'PUT', ivr, good, ifMatch(0));
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(json<Section>(saved).value, good);

    const removeUsed = await h().request('u0', 'PUT', queues, { items: [] }, ifMatch(1));
    assert.equal(removeUsed.statusCode, 409);
    assert.equal(errorOf(removeUsed).code, 'conflict');
    assert.equal((await readSection(h(), 'queues')).version, 1);
  });

  test('the default caller ID must be a rented number', async () => {
    const general = await readSection(h(), 'general');
    const response = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/general',
      { recordCalls: false, defaultCallerIdNumber: '+16285550999', language: 'en' },
      ifMatch(general.version),
    );
    assert.equal(response.statusCode, 400);
    assert.match(errorOf(response).message, /\+16285550999/);
  });

  test('a schema refusal names, per field, the keyword that refused, the limit missed and the format expected', async () => {
    interface Field {
      path: string;
      message: string;
      keyword?: string;
      limit?: number;
      format?: string;
    }
    const refusal = async (section: string, body: unknown) => {
      const { version } = await readSection(h(), section);
      const response = await h().request(
        'u0',
        'PUT',
        `/api/v1/settings/${section}`,
        body,
        ifMatch(version),
      );
      assert.equal(response.statusCode, 400, response.body);
      const { fields } = json<{ error: { fields: Field[] } }>(response).error;
      // The documented pair is kept, the validator's words included, for clients that word nothing.
      for (const field of fields) assert.ok(field.path !== '' && field.message !== '');
      return fields.map(({ path, keyword, limit, format }) => ({ path, keyword, limit, format }));
    };
    const at = (path: string, keyword: string, more: { limit?: number; format?: string } = {}) => ({
      path,
      keyword,
      limit: more.limit,
      format: more.format,
    });
    assert.deepEqual(
      await refusal('documents', {
        items: [
          { id: 'a b', name: '', url: 'ftp://example.com/x' },
          { id: 'd', name: 'x'.repeat(201), url: 'not a url' },
        ],
      }),
      [
        at('body.items.0.id', 'pattern', { format: 'id' }),
        at('body.items.0.name', 'minLength', { limit: 1 }),
        at('body.items.0.url', 'pattern', { format: 'httpUrl' }),
        at('body.items.1.name', 'maxLength', { limit: 200 }),
        at('body.items.1.url', 'pattern', { format: 'httpUrl' }),
        at('body.items.1.url', 'format', { format: 'uri' }),
      ],
    );
    // A value that fits none of a union's alternatives: each alternative's refusal, then anyOf.
    assert.deepEqual(
      await refusal('general', {
        recordCalls: true,
        defaultCallerIdNumber: '4155550100',
        language: 'english',
      }),
      [
        at('body.defaultCallerIdNumber', 'pattern', { format: 'e164' }),
        at('body.defaultCallerIdNumber', 'type'),
        at('body.defaultCallerIdNumber', 'anyOf'),
        at('body.language', 'pattern', { format: 'languageTag' }),
      ],
    );
    assert.deepEqual(await refusal('retention', { recordingsDays: 36_501 }), [
      at('body.recordingsDays', 'maximum', { limit: 36_500 }),
      at('body.recordingsDays', 'type'),
      at('body.recordingsDays', 'anyOf'),
    ]);
  });

  test('malformed section bodies are refused with 400 and change nothing', async () => {
    const cases: [string, unknown][] = [
      ['general', { recordCalls: 'yes', defaultCallerIdNumber: null, language: 'en' }],
      ['general', { recordCalls: true, defaultCallerIdNumber: null, language: 'en', extra: 1 }],
      ['general', { recordCalls: true, language: 'en' }],
      ['general', { recordCalls: true, defaultCallerIdNumber: '4155550100', language: 'en' }],
      ['blocked-numbers', { numbers: '+19005550000' }],
      ['blocked-numbers', { numbers: [19005550000] }],
      ['documents', { items: [{ id: 'd', name: 'D', url: 'not a url' }] }],
      ['documents', { items: [{ id: 'd', name: 'D', url: 'ftp://example.com/x' }] }],
      [
        'documents',
        {
          items: [
            { id: 'd', name: 'D', url: 'https://example.com/1' },
            { id: 'd', name: 'E', url: 'https://example.com/2' },
          ],
        },
      ],
      ['queues', { items: [{ id: 'q', name: 'Q', memberIds: [], strategy: 'random' }] }],
      [
        'ivr',
        {
          menus: [
            {
              id: 'm',
              name: 'M',
              greeting: '',
              options: [{ digit: '10', action: 'menu', target: 'm' }],
            },
          ],
        },
      ],
      [
        'ivr',
        {
          menus: [
            {
              id: 'm',
              name: 'M',
              greeting: '',
              options: [{ digit: '1', action: 'dial', target: null }],
            },
          ],
        },
      ],
      ['recordings-folder', { entries: [{ accessCode: 'everyone', access: 'write' }] }],
      ['recordings-folder', { entries: [{ accessCode: 'everyone', access: 'read', why: 'x' }] }],
    ];
    const versions = new Map<string, number>();
    for (const section of SECTIONS)
      versions.set(section, (await readSection(h(), section)).version);
    for (const [section, body] of cases) {
      const response = await h().request(
        'u0',
        'PUT',
        `/api/v1/settings/${section}`,
        body,
        ifMatch(versions.get(section)!),
      );
      assert.equal(
        response.statusCode,
        400,
        `${section} ${JSON.stringify(body)}: ${response.body}`,
      );
      assert.equal(errorOf(response).code, 'invalid_request');
    }
    for (const section of SECTIONS)
      assert.equal((await readSection(h(), section)).version, versions.get(section), section);
  });
});
