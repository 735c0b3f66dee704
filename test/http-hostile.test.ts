import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { openStore } from '../src/store/database.js';
import { listAudit } from '../src/store/audit.js';
import { importCalls } from '../src/telephony/calls.js';
import { COMPANY } from './fixtures.js';
import {
  INJECTIONS,
  type RequestParts,
  type RouteInfo,
  WAV,
  assertCatalogueError,
  changedParts,
  digestData,
  pathOf,
  queryOf,
  routesOf,
  send,
  validExamples,
} from './hostile.js';
import { START, UNLIMITED, describeHttp, json, seedAccount, sleep } from './http.js';
import type { RateLimits } from '../src/api/rate-limits.js';

/**
 * Hostile ids, filters and credentials (issue 6.4): injection and traversal payloads in
 * every path parameter and query filter of every route, tokens that must not work (expired,
 * revoked, another account's, a deactivated user's, the operator's on account routes),
 * tampered and replayed signed recording URLs, and the rate limits.
 */

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** What marks the other account's data: none of it may reach an acme response. */
const RIVAL_MARKERS = ['rival-secret-call', '+14155559999', 'Account rival'];

type ErrorBody = { error: { code: string; message: string } };
const codeOf = (response: LightMyRequestResponse) => json<ErrorBody>(response).error.code;

/** The actor a route is meant for, so that a request reaches its handler. */
function actorFor(route: RouteInfo): string | null {
  const access = route.access;
  if (access?.kind === 'operator') return 'operator';
  if (access?.kind === 'account') return access.scope === 'telephony' ? 'u0' : 'app';
  return null;
}

function url(route: RouteInfo, parts: RequestParts): string {
  return `${pathOf(route, parts.params)}${queryOf(parts.query)}`;
}

function assertNoRivalData(response: LightMyRequestResponse, what: string): void {
  for (const marker of RIVAL_MARKERS)
    assert.ok(!response.body.includes(marker), `${what}: the other account's ${marker} leaked`);
}

describeHttp('hostile ids, filters and credentials', (h) => {
  let routes: RouteInfo[] = [];
  let examples = new Map<string, RequestParts>();
  let rival: Record<string, string> = {};
  /** The calls u4 (a Manager: own calls only) may see. */
  let visibleToU4 = new Set<string>();

  test('setup: a rival account with its own marked call, recordings on acme calls, acme-only items', async () => {
    rival = await seedAccount(h().store, 'rival', START);
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        const record = (id: string, phoneNumber: string) => ({
          where: '[0]',
          record: {
            id,
            userId: 'u4',
            direction: 'inbound' as const,
            phoneNumber,
            startedAt: new Date(START - 3_600_000).toISOString(),
            durationSec: 7,
            status: 'answered' as const,
          },
        });
        await importCalls(
          trx,
          'rival',
          [record('rival-secret-call', '+14155559999')],
          'operator',
          START,
        );
        await importCalls(
          trx,
          'acme',
          [record('acme-only-call', '+14155550101')],
          'operator',
          START,
        );
      });
    for (const [app, call] of [
      ['app', 'call-u4'],
      ['app', 'call-u10'],
      ['app', 'acme-only-call'],
      [rival.app!, 'call-u4'],
    ] as const) {
      const upload = await send(h(), app, 'PUT', `/api/v1/calls/${call}/recording`, {
        body: WAV,
        headers: { 'content-type': 'audio/wav' },
      });
      assert.equal(upload.statusCode, 204, upload.body);
    }
    const role = await h().request('u0', 'POST', '/api/v1/roles', {
      id: 'acme-only-role',
      name: 'Acme only',
      permissions: json<{ permissions: Record<string, string> }[]>(
        await h().request('u0', 'GET', '/api/v1/roles'),
      )[0]!.permissions,
    });
    assert.equal(role.statusCode, 201, role.body);
    routes = routesOf(h().app);
    examples = await validExamples(h(), routes);
    const mine = json<{ items: { id: string }[] }>(
      await h().request('u4', 'GET', '/api/v1/calls?limit=500'),
    );
    visibleToU4 = new Set(mine.items.map((c) => c.id));
    assert.deepEqual([...visibleToU4].sort(), ['acme-only-call', 'call-u4']);
  });

  test('SQL injection and path traversal in every path parameter of every route: 400, 404 for well-formed ids, 414 (or 404) when overlong; data unchanged, nothing of another account', async (t) => {
    const before = await digestData(h());
    let sent = 0;
    for (const route of routes.filter((r) => r.params.length > 0)) {
      const example = examples.get(route.key)!;
      for (const name of route.params) {
        for (const payload of INJECTIONS) {
          const parts = { ...example, params: { ...example.params, [name]: payload } };
          const path = url(route, parts);
          const what = `${route.method} ${path.slice(0, 200)}`;
          const response = await send(h(), actorFor(route), route.method, path, parts);
          sent++;
          assertNoRivalData(response, what);
          assert.ok(
            !response.body.includes('root:x:0:0'),
            `${what}: served a file outside the app`,
          );
          if (['.', '..'].includes(payload) && response.statusCode < 400) {
            // A dot segment is removed before routing: `/rest/..` is `/`, the web app's page.
            assert.match(String(response.headers['content-type']), /^text\/html/, what);
            continue;
          }
          if (route.url.startsWith('/rest/')) {
            // An incoming webhook's path is its credential, and Bitrix24 checks credentials
            // before it looks the method up: a wrong one is 401 (SPEC §12), an unknown method
            // with good credentials 404 ERROR_METHOD_NOT_FOUND.
            assertCatalogueError(response, route.method, what);
            assert.ok(
              [400, 401, 404, 414].includes(response.statusCode),
              `${what}: ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
            continue;
          }
          if (route.url.endsWith('*')) {
            // Static files: a name that is not there is not found. `.` and `..` name the
            // static folder and the docs page above it, and nothing further up.
            const allowed = ['.', '..'].includes(payload)
              ? [200, 301, 302, 404]
              : [301, 302, 400, 403, 404, 414];
            assert.ok(allowed.includes(response.statusCode), `${what}: ${response.statusCode}`);
            continue;
          }
          const code = assertCatalogueError(response, route.method, what);
          // `.` and `..` are dot segments: removed from the path before routing, so the id
          // goes missing (400) rather than naming nothing (404).
          // An overlong id is refused by the router (414); with the web app built its
          // catch-all static route takes the path instead, and finds no such file (404).
          const expected =
            payload.length > 100
              ? undefined
              : ID.test(payload) &&
                  !['.', '..'].includes(payload) &&
                  name !== 'number' &&
                  name !== 'tokenId'
                ? 404
                : undefined;
          if (expected !== undefined)
            assert.equal(response.statusCode, expected, `${what}: ${response.body.slice(0, 200)}`);
          else
            assert.ok(
              (payload.length > 100 ? [404, 414] : [400, 404]).includes(response.statusCode),
              `${what}: ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
          if (response.statusCode === 404 && code !== undefined)
            assert.equal(code, 'not_found', what);
        }
      }
    }
    assert.deepEqual(changedParts(before, await digestData(h())), [], 'data changed');
    t.diagnostic(`${sent} requests`);
  });

  test('SQL injection in every query filter of every route: refused, or answered with nothing matched; no data changed but the refusals the PBX hook audits; nothing out of scope or of another account', async (t) => {
    const before = await digestData(h());
    const mark = (await listAudit(h().store.db, 'acme', 1))[0]!.id;
    let sent = 0;
    let refusedCalls = 0;
    for (const route of routes.filter((r) => r.query.length > 0)) {
      const example = examples.get(route.key)!;
      // u4 (own calls only) too where the answer lists calls: nothing out of scope may show.
      const actors =
        route.method === 'GET' && route.url.startsWith('/api/v1/calls')
          ? [actorFor(route), 'u4']
          : [actorFor(route)];
      for (const key of route.query) {
        for (const payload of INJECTIONS) {
          for (const actor of actors) {
            const parts = { ...example, query: { ...example.query, [key]: payload } };
            const path = url(route, parts);
            const what = `${route.method} ${path.slice(0, 200)} as ${actor}`;
            const response = await send(h(), actor, route.method, path, parts);
            sent++;
            assert.ok(response.statusCode < 500, `${what}: ${response.body.slice(0, 200)}`);
            assertNoRivalData(response, what);
            if (response.statusCode >= 400) {
              assertCatalogueError(response, route.method, what);
              continue;
            }
            // The PBX hook audits each refusal it answers (SPEC §11), HEAD included.
            if (route.url === '/api/v1/pbx/authorize') refusedCalls++;
            if (route.method === 'HEAD') continue;
            assert.ok(
              matchedNothing(route, response) || foldsToWhatItFound(route, key, payload, response),
              `${what}: an injected filter matched ${response.body.slice(0, 300)}`,
            );
            // Any call named in an answer to u4 is one u4 may see (or the payload's own text).
            if (actor === 'u4') {
              for (const id of response.body.match(/(?:call-[A-Za-z0-9]+|acme-only-call)/g) ?? [])
                assert.ok(
                  visibleToU4.has(id) || payload.includes(id),
                  `${what}: ${id} is out of scope`,
                );
            }
          }
        }
      }
    }
    const after = await digestData(h());
    const audited = (await listAudit(h().store.db, 'acme', sent + 10)).filter((e) => e.id > mark);
    assert.deepEqual(
      audited.filter((e) => e.type !== 'outboundCall.refused'),
      [],
      'only refused calls are audited',
    );
    // Refusals of a caller the hook could not name are answered without an audit entry.
    assert.ok(audited.length <= refusedCalls, `${audited.length} audited, ${refusedCalls} refused`);
    assert.deepEqual(
      changedParts(before, after),
      audited.length === 0
        ? []
        : [
            `audit_log (${before.audit_log!.rows} → ${before.audit_log!.rows + audited.length} rows)`,
          ],
    );
    t.diagnostic(`${sent} requests, ${refusedCalls} refused calls answered by the PBX hook`);
  });

  test('NUL characters in bodies, query strings and ids are refused with 400 on both databases (PostgreSQL text cannot hold them), and change nothing', async () => {
    const before = await digestData(h());
    const manager = json<{ id: string; permissions: Record<string, string> }[]>(
      await h().request('u0', 'GET', '/api/v1/roles'),
    ).find((r) => r.id === 'manager')!;
    const cases: [string, 'GET' | 'POST' | 'PUT', string, unknown][] = [
      ['app', 'GET', '/api/v1/pbx/authorize?from=104&to=%00', undefined],
      ['app', 'GET', '/api/v1/pbx/authorize?from=10%004&to=%2B14155550101', undefined],
      ['u0', 'GET', '/api/v1/audit-log?actor=operator%00', undefined],
      ['u0', 'GET', '/api/v1/calls?cursor=%00', undefined],
      ['u0', 'GET', '/api/v1/calls/call-u4%00', undefined],
      ['u0', 'POST', '/api/v1/calls/outbound', { to: '+1415555\u00000101' }],
      ['u0', 'POST', '/api/v1/roles', { name: 'Nul\u0000role', permissions: manager.permissions }],
      ['u0', 'POST', '/api/v1/me/tokens', { label: '\u0000' }],
      [
        'u0',
        'POST',
        '/api/v1/permissions/check',
        { permission: 'outboundCall.perform', phoneNumber: '\u0000' },
      ],
      ['operator', 'POST', '/api/v1/accounts', { name: 'Nul\u0000', plan: 'basic' }],
    ];
    for (const [actor, method, path, body] of cases) {
      const response = await h().request(actor, method, path, body);
      assert.equal(response.statusCode, 400, `${method} ${path}: ${response.body.slice(0, 200)}`);
      assert.equal(codeOf(response), 'invalid_request', path);
    }
    assert.deepEqual(changedParts(before, await digestData(h())), []);
  });

  /** Every account route, sent as `token` with its valid example: each must answer 401. */
  async function assertRefusedEverywhere(token: string, why: string): Promise<number> {
    let sent = 0;
    for (const route of routes.filter((r) => r.access?.kind === 'account')) {
      const example = examples.get(route.key)!;
      const response = await send(h(), token, route.method, url(route, example), example);
      sent++;
      assert.equal(
        response.statusCode,
        401,
        `${why}: ${route.key} answered ${response.statusCode} ${response.body.slice(0, 200)}`,
      );
      if (route.method !== 'HEAD') assert.equal(codeOf(response), 'unauthenticated', route.key);
    }
    return sent;
  }

  test('an expired token, a revoked token and the operator token are refused (401) on every account route, and change nothing', async () => {
    const before = await digestData(h());
    const expiring = json<{ token: string }>(
      await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
        userId: 'u0',
        ttlSeconds: 60,
      }),
    ).token;
    assert.equal((await h().request(expiring, 'GET', '/api/v1/me')).statusCode, 200);
    const personal = json<{ token: string; id: string }>(
      await h().request('u0', 'POST', '/api/v1/me/tokens', { label: 'to revoke' }),
    );
    assert.equal((await h().request(personal.token, 'GET', '/api/v1/roles')).statusCode, 200);
    assert.equal(
      (await h().request('u0', 'DELETE', `/api/v1/me/tokens/${personal.id}`)).statusCode,
      204,
    );
    const minted = await digestData(h());

    // Expiry is exact: at expiresAt the token is already dead.
    h().clock.now += 60_000;
    try {
      await assertRefusedEverywhere(expiring, 'expired');
    } finally {
      h().clock.now = START;
    }
    await assertRefusedEverywhere(personal.token, 'revoked');
    await assertRefusedEverywhere('operator', 'operator token');
    assert.deepEqual(changedParts(minted, await digestData(h())), []);
    // Only the setup wrote: the tokens it minted and revoked, and their audit entries.
    assert.deepEqual(
      changedParts(before, minted).map((p) => p.split(' ')[0]),
      ['audit_log', 'tokens'],
    );
  });

  test("a deactivated user's token, session and signed URL are refused; a token minted for an inactive user never works", async () => {
    const directory = (active: boolean) => ({
      ...COMPANY,
      users: COMPANY.users.map((u) =>
        u.id === 'u10' ? { ...u, email: 'u10@example.com', active } : u,
      ),
    });
    const importAs = async (active: boolean) => {
      const response = await h().request(
        'operator',
        'PUT',
        '/api/v1/accounts/acme/directory',
        directory(active),
      );
      assert.equal(response.statusCode, 200, response.body);
    };
    await importAs(true);
    const password = await h().request(
      'operator',
      'PUT',
      '/api/v1/accounts/acme/users/u10/password',
      {
        password: 'a long enough password',
      },
    );
    assert.equal(password.statusCode, 204, password.body);
    const signIn = await h().request(null, 'POST', '/api/v1/session', {
      accountId: 'acme',
      email: 'u10@example.com',
      password: 'a long enough password',
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const signed = json<{ url: string }>(
      await h().request('u10', 'POST', '/api/v1/calls/call-u10/recording/url'),
    );
    assert.equal((await h().request(null, 'GET', signed.url)).statusCode, 200);
    assert.equal(
      (await send(h(), null, 'GET', '/api/v1/me', { headers: { cookie } })).statusCode,
      200,
    );

    await importAs(false);
    try {
      await assertRefusedEverywhere(h().tokens.u10!, 'deactivated user');
      const session = await send(h(), null, 'GET', '/api/v1/me', { headers: { cookie } });
      assert.equal(session.statusCode, 401);
      assert.equal(codeOf(session), 'unauthenticated');
      const replay = await h().request(null, 'GET', signed.url);
      assert.equal(replay.statusCode, 404, replay.body);
      assert.equal(codeOf(replay), 'not_found');
      // u8 was never active: a token the operator mints for them is dead on arrival.
      const u8 = await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
        userId: 'u8',
      });
      if (u8.statusCode === 201)
        await assertRefusedEverywhere(json<{ token: string }>(u8).token, 'inactive user');
      else assert.equal(u8.statusCode, 404);
    } finally {
      await importAs(true);
    }
    assert.equal((await h().request('u10', 'GET', '/api/v1/me')).statusCode, 200, 'active again');
  });

  test("another account's tokens reach none of acme's items: 404 on every route with an id, 401 on acme's operator routes; acme's data unchanged", async () => {
    const before = await digestData(h());
    let sent = 0;
    for (const route of routes.filter((r) => r.params.length > 0)) {
      const access = route.access;
      const example = examples.get(route.key)!;
      const params = { ...example.params };
      if (route.url.startsWith('/api/v1/roles/')) params.id = 'acme-only-role';
      else if (route.url.startsWith('/api/v1/calls/')) params.id = 'acme-only-call';
      else if (access?.kind !== 'operator') continue;
      const parts = { ...example, params };
      for (const actor of [rival.u0!, rival.app!]) {
        const response = await send(h(), actor, route.method, url(route, parts), parts);
        sent++;
        const what = `${route.key} with a rival token`;
        assertNoRivalData(response, what);
        // The rival's user token lacks calls.write: refused for that before any lookup.
        const expected =
          access?.kind === 'operator'
            ? 401
            : actor === rival.u0 && access?.kind === 'account' && access.scope === 'calls.write'
              ? 403
              : 404;
        assert.equal(response.statusCode, expected, `${what}: ${response.body.slice(0, 200)}`);
      }
    }
    assert.ok(sent > 20, `${sent} requests`);
    assert.deepEqual(changedParts(before, await digestData(h())), []);
  });

  test('tampered signed recording URLs are refused in every part; a replay after expiry is refused to the millisecond', async () => {
    const issue = async (download: boolean) =>
      new URL(
        json<{ url: string }>(
          await h().request(
            'u4',
            'POST',
            `/api/v1/calls/call-u4/recording/url${download ? '?download=1' : ''}`,
          ),
        ).url,
        'http://x',
      );
    const play = await issue(false);
    const download = await issue(true);
    const other = new URL(
      json<{ url: string }>(
        await h().request(rival.u4!, 'POST', '/api/v1/calls/call-u4/recording/url'),
      ).url,
      'http://x',
    );
    assert.equal((await h().request(null, 'GET', play.pathname + play.search)).statusCode, 200);
    const get = (u: URL) => h().request(null, 'GET', u.pathname + u.search);
    const withParam = (base: URL, name: string, value: string | null, append = false) => {
      const copy = new URL(base);
      if (value === null) copy.searchParams.delete(name);
      else if (append) copy.searchParams.append(name, value);
      else copy.searchParams.set(name, value);
      return copy;
    };
    const p = (name: string) => play.searchParams.get(name)!;
    const sig = p('sig');
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const exp = Number(p('exp'));
    const unauthenticated: [string, URL][] = [
      ['signature, first character', withParam(play, 'sig', flip(sig, 0))],
      ['signature, last character', withParam(play, 'sig', flip(sig, sig.length - 1))],
      ['signature, truncated', withParam(play, 'sig', sig.slice(0, -1))],
      ['signature, doubled', withParam(play, 'sig', sig + sig)],
      ['signature of the download URL', withParam(play, 'sig', download.searchParams.get('sig'))],
      ["signature of another account's URL", withParam(play, 'sig', other.searchParams.get('sig'))],
      [
        'signature, case swapped',
        withParam(
          play,
          'sig',
          sig.replace(/[a-z]/, (c) => c.toUpperCase()),
        ),
      ],
      ['expiry, one second later', withParam(play, 'exp', String(exp + 1))],
      ['expiry, one second earlier', withParam(play, 'exp', String(exp - 1))],
      ['expiry, far future', withParam(play, 'exp', '99999999999')],
      ['expiry, 0', withParam(play, 'exp', '0')],
      ['user, the administrator', withParam(play, 'user', 'u0')],
      ['user, a colleague', withParam(play, 'user', 'u10')],
      ['user, other case', withParam(play, 'user', 'U4')],
      ['recording, another tag', withParam(play, 'rec', '0123456789abcdef')],
      [
        'recording, one digit off',
        withParam(play, 'rec', flip(p('rec'), 0).replace('A', '0').replace('B', '1')),
      ],
      ['account', withParam(play, 'account', 'rival')],
      ['call', withParam(play, 'call', 'call-u10')],
      ['download added', withParam(play, 'download', '1')],
      ['download removed', withParam(download, 'download', null)],
    ];
    for (const [what, tampered] of unauthenticated) {
      if (tampered.search === play.search) continue;
      const response = await get(tampered);
      assert.equal(response.statusCode, 401, `${what}: ${response.body.slice(0, 200)}`);
      assert.equal(codeOf(response), 'unauthenticated', what);
    }
    const malformed: [string, URL][] = [
      ...['account', 'call', 'user', 'rec', 'exp', 'sig'].map(
        (name) => [`${name} missing`, withParam(play, name, null)] as [string, URL],
      ),
      ['user given twice', withParam(play, 'user', 'u0', true)],
      ['sig given twice', withParam(play, 'sig', sig, true)],
      ['an extra parameter', withParam(play, 'admin', '1')],
      ['expiry, negative', withParam(play, 'exp', '-1')],
      ['expiry, not a number', withParam(play, 'exp', 'never')],
      ['recording tag, upper case', withParam(play, 'rec', p('rec').toUpperCase())],
      ['download=0', withParam(play, 'download', '0')],
      ['user, injection', withParam(play, 'user', "u4' OR 1=1 --")],
      ['call, traversal', withParam(play, 'call', '../../etc/passwd')],
    ];
    for (const [what, tampered] of malformed) {
      if (tampered.search === play.search) continue;
      const response = await get(tampered);
      assert.equal(response.statusCode, 400, `${what}: ${response.body.slice(0, 200)}`);
      assert.equal(codeOf(response), 'invalid_request', what);
    }
    // Replays: good until the last millisecond before exp, refused from exp on.
    try {
      h().clock.now = exp * 1000 - 1;
      assert.equal((await get(play)).statusCode, 200);
      assert.equal((await get(download)).statusCode, 200);
      for (const later of [exp * 1000, exp * 1000 + 1, exp * 1000 + 86_400_000]) {
        h().clock.now = later;
        for (const u of [play, download]) {
          const replay = await get(u);
          assert.equal(replay.statusCode, 401, `${later - exp * 1000} ms after expiry`);
          assert.match(json<ErrorBody>(replay).error.message, /expired/);
        }
      }
    } finally {
      h().clock.now = START;
    }
  });
});

/** A 200 to a request whose filter was hostile must be an answer in which nothing matched. */
/**
 * The directory search folds accents (SPEC-less, issue 13: "jose" finds "José"), so "u4"
 * with a combining accent finds u4 by design. It matched nothing it should not when every
 * item found has an id, a name word or a phone number that starts with the payload once
 * folded.
 */
function foldsToWhatItFound(
  route: RouteInfo,
  key: string,
  payload: string,
  response: LightMyRequestResponse,
): boolean {
  const searches = ['/api/v1/directory/search', '/api/v1/crm-clients/search'];
  if (!searches.includes(route.url) || key !== 'q') return false;
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
  const folded = fold(payload);
  // Text that looks like a phone number is searched as its digits, in the numbers of the
  // test company (matched for u0, who may administer permissions) or the clients' own.
  const digits =
    /\d/.test(folded) && /^[+\d\s().-]+$/.test(folded) ? folded.replace(/\D/g, '') : null;
  const phones = (id: string) =>
    Object.values(COMPANY.users.find((u) => u.id === id)?.phones ?? {}).flatMap((p) =>
      typeof p === 'string' ? [p.replace(/\D/g, '')] : [],
    );
  const items = json<{ items: { id: string; name: string; phones?: string[] }[] }>(response).items;
  return items.every(
    (item) =>
      fold(item.id).startsWith(folded) ||
      fold(item.name)
        .split(/[^\p{L}\p{N}]+/u)
        .some((word) => word.startsWith(folded)) ||
      (digits !== null &&
        (item.phones?.map((p) => p.replace(/\D/g, '')) ?? phones(item.id)).some((p) =>
          p.startsWith(digits),
        )),
  );
}

function matchedNothing(route: RouteInfo, response: LightMyRequestResponse): boolean {
  // The CSV exports: a header line alone.
  if (route.url === '/api/v1/audit-log/export' || route.url === '/api/v1/calls/export.csv') {
    const lines = response.body.split('\n').filter((line) => line !== '');
    return lines.length === 0 || (lines.length === 1 && lines[0]!.startsWith('id,'));
  }
  const body = json<Record<string, unknown>>(response);
  if (Array.isArray(body.items)) return body.items.length === 0;
  if (typeof body.totals === 'object' && body.totals !== null)
    return (body.totals as { count: number }).count === 0;
  if (route.url === '/api/v1/pbx/authorize') return body.allowed === false;
  return false;
}

/** An app with small limits and a clock the test moves, on an in-memory database. */
async function limitedApp(limits: Partial<RateLimits>) {
  const store = await openStore(':memory:');
  const clock = { now: START };
  const app = await buildApp(
    createServices(store, {
      secretKey: Buffer.alloc(32, 3),
      dataDir: '/nonexistent',
      operatorToken: 'operator-secret',
      now: () => clock.now,
      rateLimits: { ...UNLIMITED, ...limits },
    }),
  );
  const tokens = await seedAccount(store, 'acme', clock.now);
  const get = (
    token: string | null,
    path = '/api/v1/me',
    remoteAddress = '203.0.113.1',
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'GET',
      url: path,
      remoteAddress,
      headers: { ...headers, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    });
  return {
    app,
    store,
    clock,
    tokens,
    get,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** A 429 in the catalogue's shape, with Retry-After in whole seconds. */
function assertLimited(response: LightMyRequestResponse, retryAfter: number, what: string): void {
  assert.equal(response.statusCode, 429, `${what}: ${response.body.slice(0, 200)}`);
  assert.equal(response.headers['retry-after'], String(retryAfter), what);
  assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
  assert.equal(assertCatalogueError(response, 'GET', what), 'rate_limited');
}

test('rate limit per token: 429 with Retry-After in seconds, from any address, until the window passes; a limited write writes nothing', async () => {
  const t = await limitedApp({ perToken: 2, windowMs: 2_000 });
  try {
    const token = t.tokens.u0!;
    assert.equal((await t.get(token)).statusCode, 200);
    assert.equal((await t.get(token, '/api/v1/roles', '198.51.100.7')).statusCode, 200);
    // Two requests a 2 s window, none left: wait for the window, from this address or any other.
    assertLimited(await t.get(token), 2, 'third request');
    assertLimited(await t.get(token, '/api/v1/calls', '198.51.100.9'), 2, 'another address');
    assert.equal((await t.get(t.tokens.u4!)).statusCode, 200, 'another token is not limited');
    const tokensBefore = await t.store.db.selectFrom('tokens').select('id').execute();
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { authorization: `Bearer ${token}` },
      payload: { label: 'limited' },
    });
    assertLimited(write, 2, 'a write');
    assert.equal(
      (await t.store.db.selectFrom('tokens').select('id').execute()).length,
      tokensBefore.length,
    );
    await sleep(2_100);
    assert.equal((await t.get(token)).statusCode, 200, 'served again once the window passed');
  } finally {
    await t.close();
  }
});

test('rate limit per address: whatever the token (fresh, forged, none, operator) or route (public, signed URL, unknown), 429 until it refills; X-Forwarded-For does not escape it', async () => {
  const t = await limitedApp({ perAddress: 3, windowMs: 2_000 });
  try {
    const address = '192.0.2.10';
    assert.equal((await t.get(t.tokens.u4!, '/api/v1/me', address)).statusCode, 200);
    assert.equal((await t.get(t.tokens.u5!, '/api/v1/me', address)).statusCode, 200);
    assert.equal(
      (await t.get(`cg_${'A'.repeat(12)}.${'A'.repeat(43)}`, '/api/v1/me', address)).statusCode,
      401,
    );
    const refused: [string | null, string, Record<string, string>][] = [
      [t.tokens.u6!, '/api/v1/me', {}],
      [null, '/healthz', {}],
      [
        null,
        '/api/v1/recordings/signed?account=acme&call=c&user=u&rec=0123456789abcdef&exp=1&sig=x',
        {},
      ],
      [null, '/api/v1/nowhere', {}],
      ['operator-secret', '/api/v1/me', {}],
      [t.tokens.u7!, '/api/v1/me', { 'x-forwarded-for': '203.0.113.99' }],
      [t.tokens.u7!, '/api/v1/me', { 'x-real-ip': '203.0.113.98', forwarded: 'for=203.0.113.97' }],
    ];
    for (const [token, path, headers] of refused)
      assertLimited(
        await t.get(token, path, address, headers),
        2,
        `${path} ${JSON.stringify(headers)}`,
      );
    assert.equal(
      (await t.get(t.tokens.u4!, '/api/v1/me', '192.0.2.11')).statusCode,
      200,
      'another address',
    );
    await sleep(2_100);
    assert.equal((await t.get(t.tokens.u4!, '/api/v1/me', address)).statusCode, 200, 'refilled');
  } finally {
    await t.close();
  }
});
