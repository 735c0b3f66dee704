import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import qs from 'qs';
import { METHODS } from '../src/bitrix/methods.js';
import { PERMISSION_KEYS } from '../src/engine/catalogue.js';
import { decide } from '../src/engine/decide.js';
import { mayAdministerPermissions } from '../src/engine/effective.js';
import { listAudit } from '../src/store/audit.js';
import {
  DIAL_SUFFIXES,
  INJECTIONS,
  RANGE_HEADERS,
  RawBody,
  type RequestParts,
  type RouteInfo,
  WAV,
  assertCatalogueError,
  changedParts,
  companyWith,
  digestData,
  pathOf,
  queryOf,
  routesOf,
  send,
  validExamples,
  wellFormed,
} from './hostile.js';
import { COMPANY, assign } from './fixtures.js';
import { type Harness, describeHttp, grant, json } from './http.js';

/**
 * Property-based fuzzing of every registered route (issue 6.4). Three parts per database:
 *
 * 1. Hostile requests that must change nothing: reads by anyone, and writes made refusable
 *    by construction — each write carries one "poison" (no or a forged token, a token
 *    without the scope or the permission, a malformed path parameter, an unknown body field,
 *    a body that is not an object, broken JSON, an unsupported content type, an oversize
 *    body, a garbage If-Match, or dryRun) on top of random mutations of a valid request. So
 *    every table must read the same afterwards, and a write that answers 2xx is a bug.
 * 2. Range fuzzing of a real recording, whose only allowed write is the audit log's
 *    "played" entry: checked entry by entry against a model of RFC 9110 single ranges.
 * 3. Valid top-ups by an administrator: the ledger, the audit log and the balance must move
 *    by exactly what was sent, and nothing else.
 */

const FUZZ_RUNS = 5_000;
const RANGE_RUNS = 300;
const TOP_UP_RUNS = 60;
const WRITE_RUNS = 500;
const BITRIX_RUNS = 1_500;
const PROBE_RUNS = 1_000;
const DIAL_RUNS = 150;

/**
 * Writes that would lock the fuzzer's own actors out for the rest of the run (revoking
 * u0's token, replacing the directory, moving the account to the read-only free plan).
 */
const LOCKOUTS = new Set([
  'DELETE /api/v1/me/tokens/:tokenId',
  'PUT /api/v1/accounts/:accountId/directory',
  'PATCH /api/v1/accounts/:accountId',
]);

const FORGED = `cg_AAAAAAAAAAAA.${'A'.repeat(43)}`;
const ACTORS = ['u0', 'u4', 'u9', 'app', 'operator', null, FORGED] as const;

/** `arbitrary` in one case out of `oneIn`, otherwise null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');

const hostileText = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 80, unit: 'binary' }),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
);

/** A path parameter that no route's pattern accepts: ids, phone numbers and token ids alike. */
const badParam = fc
  .tuple(hostileText, fc.constantFrom("'", '"', ';', ' ', '<', '/', '\u0000', '%', '\u00e9'))
  .map(([text, bad]) => `${text.slice(0, 30)}${bad}`);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    '',
    [],
    {},
    '@@DEEP_ARRAY@@',
    '@@DEEP_OBJECT@@',
    '@@PROTO@@',
    '@@LONG@@',
    '@@MULTI_MB@@',
  ),
  hostileText,
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileText, { maxLength: 3 }),
);

type BodyOp =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'replace'; value: unknown }
  | { kind: 'wrap' };

const bodyOp: fc.Arbitrary<BodyOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      key: fc.string({ maxLength: 12 }),
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), value: hostileValue }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
);

type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value);

/** The places a mutation may land: the top-level fields and those one level down. */
function slots(body: unknown): [Container, string | number][] {
  if (!isContainer(body)) return [];
  const top = Object.keys(body).map(
    (key) => [body, Array.isArray(body) ? Number(key) : key] as [Container, string | number],
  );
  const below = top.flatMap(([container, key]) => {
    const child = (container as Record<string | number, unknown>)[key];
    return isContainer(child)
      ? Object.keys(child).map(
          (k) => [child, Array.isArray(child) ? Number(k) : k] as [Container, string | number],
        )
      : [];
  });
  return [...top, ...below];
}

function mutateBody(example: unknown, ops: readonly BodyOp[]): unknown {
  if (Buffer.isBuffer(example)) {
    // Audio: mutations cut or replace the bytes.
    return ops.length === 0 ? example : example.subarray(0, ops.length * 7);
  }
  let body: unknown = structuredClone(example);
  for (const op of ops) {
    const places = slots(body);
    if (op.kind === 'replace') body = op.value;
    else if (op.kind === 'wrap') body = [body];
    else if (op.kind === 'add') {
      if (isContainer(body) && !Array.isArray(body)) body[op.key] = op.value;
    } else if (places.length > 0) {
      const [container, key] = places[op.at % places.length]!;
      if (op.kind === 'set') (container as Record<string | number, unknown>)[key] = op.value;
      else if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
    }
  }
  return body;
}

const QUERY_KEYS = [
  'limit',
  'cursor',
  'from',
  'to',
  'userId',
  'viewAs',
  'direction',
  'groupBy',
  'dryRun',
  'type',
  'actor',
  'download',
  'format',
  'country',
  'account',
  'call',
  'user',
  'rec',
  'exp',
  'sig',
  '__proto__',
  'constructor',
];

type QueryOp = { kind: 'set' | 'append' | 'delete'; key: string; value: string };
const queryOp: fc.Arbitrary<QueryOp> = fc.record({
  kind: fc.constantFrom('set' as const, 'append' as const, 'delete' as const),
  key: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) },
    fc.string({ maxLength: 8 }),
  ),
  value: hostileText,
});

const RAW_QUERY_TAILS = [
  '&%',
  '&a=%zz',
  '&%E0%A4%A',
  '&__proto__[admin]=1',
  '&constructor[prototype][admin]=1',
  `&${'a=1&'.repeat(1000)}`,
  '&limit=1&limit=2',
  '&&&==&',
  '&exp=1e999',
  ';limit=1',
  '&limit[]=1',
  '&limit[$gt]=0',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'text/html',
  'audio/wav',
  'audio/x-unknown; codecs=opus',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  ';;;',
  '',
];

const RANGES = RANGE_HEADERS;

const EXTRA_HEADERS: readonly [string, string][] = [
  ['cookie', `cg_session=${'A'.repeat(43)}`],
  ['cookie', 'cg_session=../../x; cg_session=y'],
  ['x-csrf-token', 'x'],
  ['x-forwarded-for', '10.0.0.1, 127.0.0.1'],
  ['content-encoding', 'gzip'],
  ['content-encoding', 'br, deflate'],
  ['accept', 'application/xml'],
  ['accept-encoding', 'gzip, br'],
  ['if-range', '"nope"'],
  ['authorization', 'Basic dTA6cGFzc3dvcmQ='],
  ['authorization', `Bearer ${'cg_'.repeat(200)}`],
  ['authorization', 'Bearer  '],
  ['x-http-method-override', 'DELETE'],
  ['expect', '100-continue'],
];

const POISONS = [
  'anonymous',
  'forged',
  'wrongScope',
  'unprivileged',
  'badParam',
  'extraField',
  'notObject',
  'brokenJson',
  'unsupportedType',
  'tooLarge',
  'badIfMatch',
  'dryRun',
  'unsigned',
] as const;
type Poison = (typeof POISONS)[number];

const JSON_LIMIT = 1024 * 1024;

/** The poisons that make a write to `route` refusable, whatever else the request holds. */
function poisonsFor(route: RouteInfo): Poison[] {
  const access = route.access;
  const guarded = access?.kind === 'account' || access?.kind === 'operator';
  const audio = route.method === 'PUT' && route.url.endsWith('/recording');
  const hasBody = route.jsonBody || audio;
  const applies: Record<Poison, boolean> = {
    anonymous: guarded,
    forged: guarded,
    wrongScope:
      access?.kind === 'operator' || (access?.kind === 'account' && access.scope !== 'telephony'),
    unprivileged: access?.kind === 'account' && access.permission !== null,
    badParam: route.params.length > 0 && !route.params.includes('*'),
    extraField: route.jsonBody,
    notObject: route.jsonBody,
    brokenJson: route.jsonBody,
    unsupportedType: hasBody,
    tooLarge: hasBody && (route.bodyLimit ?? JSON_LIMIT) <= JSON_LIMIT,
    badIfMatch: route.ifMatch,
    dryRun: route.query.includes('dryRun'),
    unsigned: route.query.includes('sig'),
  };
  return POISONS.filter((poison) => applies[poison]);
}

/** The actor a route is meant for: its requests then reach the handler. */
function privileged(route: RouteInfo): string | null {
  const access = route.access;
  if (access?.kind === 'operator') return 'operator';
  if (access?.kind === 'account') return access.scope === 'telephony' ? 'u0' : 'app';
  return null;
}

interface Generated {
  route: RouteInfo;
  poison: Poison | null;
  actor: string | null;
  path: string;
  parts: RequestParts;
  pathMutated: boolean;
}

function generator(
  routes: readonly RouteInfo[],
  examples: Map<string, RequestParts>,
  maxBytes: number,
  poisoned = true,
) {
  return fc.constantFrom(...routes).chain((route) => {
    const poisons = route.writes && poisoned ? poisonsFor(route) : [];
    return fc
      .record({
        poison: poisons.length === 0 ? fc.constant(null) : fc.constantFrom(...poisons),
        actor: fc.oneof(
          { weight: 3, arbitrary: fc.constant(privileged(route)) },
          { weight: 2, arbitrary: fc.constantFrom(...ACTORS) },
        ),
        bodyOps: fc.array(bodyOp, { maxLength: 3 }),
        queryOps: fc.array(queryOp, { maxLength: 3 }),
        queryTail: sometimes(fc.constantFrom(...RAW_QUERY_TAILS), 8),
        paramOps: fc.array(fc.tuple(fc.nat(), hostileText, fc.boolean()), { maxLength: 2 }),
        pathTail: sometimes(
          fc.constantFrom('/', '//', '/..', '/%2e%2e/%2e%2e/etc/passwd', '/x'),
          10,
        ),
        contentType: sometimes(fc.constantFrom(...CONTENT_TYPES), 3),
        ifMatch: sometimes(
          fc.oneof(
            fc.constantFrom('"1"', 'W/"1"', '*', '"999999999"', '"-1"', '1,2', 'x'.repeat(100)),
            fc.string({ maxLength: 30 }),
          ),
          3,
        ),
        range: sometimes(
          fc.oneof(
            fc.constantFrom(...RANGES),
            fc.tuple(fc.nat(100_000), fc.nat(100_000)).map(([a, b]) => `bytes=${a}-${b}`),
          ),
          3,
        ),
        extra: sometimes(fc.constantFrom(...EXTRA_HEADERS), 4),
        flavour: fc.nat(),
        junk: fc.string({ maxLength: 20 }),
        bad: badParam,
      })
      .map((g): Generated => {
        const example = examples.get(route.key)!;
        const params = { ...example.params };
        const names = Object.keys(params);
        let pathMutated = false;
        let raw = false;
        for (const [at, text, asRaw] of g.paramOps) {
          if (names.length === 0) break;
          params[names[at % names.length]!] = text;
          raw ||= asRaw;
          pathMutated = true;
        }
        // No prototype: the keys __proto__ and constructor are sent like any other.
        const query = Object.assign(
          Object.create(null) as Record<string, string | string[]>,
          example.query,
        );
        for (const op of g.queryOps) {
          if (op.kind === 'delete') delete query[op.key];
          else if (op.kind === 'set') query[op.key] = op.value;
          else query[op.key] = [...[query[op.key] ?? []].flat(), op.value];
        }
        const headers: Record<string, string> = { ...example.headers };
        if (g.contentType !== null) headers['content-type'] = g.contentType;
        if (g.ifMatch !== null) headers['if-match'] = printable(g.ifMatch);
        if (g.range !== null) headers.range = g.range;
        if (g.extra !== null) headers[g.extra[0]] = g.extra[1];
        let body =
          route.jsonBody || example.body !== undefined
            ? mutateBody(example.body, g.bodyOps)
            : undefined;
        let actor = g.actor;
        switch (g.poison) {
          case 'anonymous':
            actor = null;
            break;
          case 'forged':
            actor = FORGED;
            break;
          case 'wrongScope':
            actor = 'u0';
            break;
          case 'unprivileged':
            actor = 'u9';
            break;
          case 'badParam': {
            const name = names[g.flavour % names.length]!;
            params[name] = g.bad;
            raw = false;
            pathMutated = true;
            break;
          }
          case 'extraField':
            body =
              isContainer(body) && !Array.isArray(body)
                ? { ...body, [`zz-unknown-${g.junk}`]: g.junk }
                : { [`zz-unknown-${g.junk}`]: body ?? null };
            break;
          case 'notObject':
            body = [[], 1, 'text', null, '@@DEEP_ARRAY@@', [body ?? null]][g.flavour % 6];
            break;
          case 'brokenJson':
            body = new RawBody(`${JSON.stringify(body ?? null)},`);
            headers['content-type'] = 'application/json';
            break;
          case 'unsupportedType':
            body = new RawBody(`name=${encodeURIComponent(g.junk)}`);
            headers['content-type'] = [
              'application/x-www-form-urlencoded',
              'application/xml',
              'multipart/form-data; boundary=x',
              'image/png',
            ][g.flavour % 4]!;
            break;
          case 'tooLarge':
            if (Buffer.isBuffer(example.body)) {
              body = Buffer.concat([WAV, Buffer.alloc(maxBytes + 1 - WAV.length + 1)]);
              headers['content-type'] = 'audio/wav';
            } else {
              body = new RawBody(`{"x":"${'x'.repeat((route.bodyLimit ?? JSON_LIMIT) + 1)}"}`);
              headers['content-type'] = 'application/json';
            }
            break;
          case 'badIfMatch':
            headers['if-match'] = `x${printable(g.junk)}`;
            break;
          case 'dryRun':
            query.dryRun = g.flavour % 2 === 0 ? '1' : 'true';
            break;
          case 'unsigned':
            delete query.sig;
            break;
          case null:
            break;
        }
        // A poison about who asks must not be undone by a header that says otherwise.
        if (['anonymous', 'forged', 'wrongScope', 'unprivileged'].includes(g.poison ?? '')) {
          delete headers.authorization;
          delete headers.cookie;
        }
        let path = pathOf(route, params, raw);
        if (g.pathTail !== null) {
          path += g.pathTail;
          pathMutated = true;
        }
        const search = queryOf(
          Object.fromEntries(
            Object.entries(query).map(([k, v]) => [
              wellFormed(k),
              Array.isArray(v) ? v.map(wellFormed) : wellFormed(v),
            ]),
          ),
        );
        const tail = g.queryTail ?? '';
        return {
          route,
          poison: g.poison,
          actor,
          path: `${path}${search === '' && tail !== '' ? '?' : search}${tail}`,
          parts: { params, query, body, headers },
          pathMutated,
        };
      });
  });
}

/** What a request refused for who it is must answer, before anything else is looked at. */
function expectedRefusal(g: Generated): { status: number; code: string } | undefined {
  if (g.pathMutated) return undefined;
  const kind = g.route.access?.kind;
  if (g.poison === 'anonymous' || g.poison === 'forged')
    return { status: 401, code: 'unauthenticated' };
  if (g.poison === 'wrongScope')
    return kind === 'operator'
      ? { status: 401, code: 'unauthenticated' }
      : { status: 403, code: 'scope_missing' };
  if (g.poison === 'unprivileged') return { status: 403, code: 'permission_denied' };
  return undefined;
}

describeHttp('hostile input', (h) => {
  test(`fuzz: ${FUZZ_RUNS.toLocaleString('en')} generated requests to every route per database (${(2 * FUZZ_RUNS).toLocaleString('en')} per run) — no 5xx, catalogue errors, every poisoned write refused, no data changed`, async (t) => {
    const routes = routesOf(h().app);
    assert.ok(routes.length > 50, `only ${routes.length} routes`);
    const examples = await validExamples(h(), routes);
    for (const route of routes) {
      if (route.writes)
        assert.notDeepEqual(poisonsFor(route), [], `${route.key}: no way to make it refusable`);
    }
    // u9 (in no department, no role) holds nothing: the "unprivileged" poison relies on it.
    const u9 = json<{ permissions: Record<string, { level: string }> }>(
      await h().request('u9', 'GET', '/api/v1/me'),
    );
    assert.deepEqual(new Set(Object.values(u9.permissions).map((p) => p.level)), new Set(['none']));

    const before = await digestData(h());
    const tally = new Map<string, number>();
    const seen = new Set<string>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        generator(routes, examples, h().services.config.maxRecordingBytes),
        async (g) => {
          const what = `${g.route.key} as ${String(g.actor).slice(0, 20)} poison ${g.poison}: ${g.route.method} ${g.path.slice(0, 300)}`;
          const response = await send(h(), g.actor, g.route.method, g.path, g.parts);
          sent++;
          seen.add(g.route.key);
          const key = `${g.poison ?? (g.route.read ? 'read' : 'none')} → ${response.statusCode}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          assert.ok(
            response.statusCode < 500,
            `${what} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
          assert.ok(
            !response.body.includes('root:x:0:0'),
            `${what}: a file outside the app was served`,
          );
          if (g.route.writes && g.poison !== 'dryRun')
            assert.ok(
              response.statusCode >= 400,
              `${what}: a poisoned write answered ${response.statusCode} ${response.body.slice(0, 300)}`,
            );
          if (response.statusCode >= 400) {
            const code = assertCatalogueError(response, g.route.method, what);
            const expected = expectedRefusal(g);
            if (expected !== undefined) {
              assert.equal(
                response.statusCode,
                expected.status,
                `${what}: ${response.body.slice(0, 200)}`,
              );
              if (code !== undefined) assert.equal(code, expected.code, what);
            }
          }
        },
      ),
      { numRuns: FUZZ_RUNS, includeErrorInReport: true },
    );
    assert.equal(sent, FUZZ_RUNS);
    assert.deepEqual(changedParts(before, await digestData(h())), [], 'data changed');
    const unseen = routes.filter((r) => !seen.has(r.key)).map((r) => r.key);
    assert.deepEqual(unseen, [], 'routes the fuzzer never reached');
    t.diagnostic(
      [...tally]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}: ${n}`)
        .join('; '),
    );
  });

  test(`Bitrix24 surface: ${BITRIX_RUNS.toLocaleString('en')} generated calls per database — methods, FILTER/SORT/ORDER/start, batch, as a query, a form or JSON, by any caller — no 5xx, Bitrix24's errors, no data changed`, async () => {
    const pathOf = async (userId: string) => {
      const made = await h().request(userId, 'POST', '/api/v1/me/webhooks', {
        scopes: ['telephony', 'user'],
      });
      return new URL(json<{ url: string }>(made).url).pathname;
    };
    const bases = [
      await pathOf('u0'),
      await pathOf('u4'),
      await pathOf('u9'),
      `/rest/1/${'A'.repeat(55)}/`,
      '/rest/',
    ];
    const fields = [
      'ID',
      'CALL_ID',
      'PORTAL_USER_ID',
      'PHONE_NUMBER',
      'CALL_TYPE',
      'CALL_DURATION',
      'CALL_START_DATE',
      'CALL_FAILED_CODE',
      'COST',
      'COST_CURRENCY',
      'CRM_ENTITY_TYPE',
      'CRM_ENTITY_ID',
      'PORTAL_NUMBER',
      'NOPE',
      'id',
      '__proto__',
      '',
    ];
    const operators = ['', '=', '!', '!=', '>', '>=', '<', '<=', '%', '!%', '><', '!><', '?', '>>'];
    // Text as a client can send it: lone surrogates do not survive URL encoding.
    const text = hostileText.map(wellFormed);
    const scalar = fc.oneof(
      text,
      fc.integer(),
      fc.double(),
      fc.constantFrom<unknown>(
        '2026-11-02T10:00:00Z',
        '1e999',
        '-1',
        '9'.repeat(40),
        '',
        null,
        true,
      ),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 3 }),
    );
    const filter = fc.dictionary(
      fc.tuple(fc.constantFrom(...operators), fc.constantFrom(...fields)).map(([op, f]) => op + f),
      value,
      { maxKeys: 4 },
    );
    const method = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(...Object.keys(METHODS), 'VOXIMPLANT.STATISTIC.GET.json'),
      },
      {
        weight: 1,
        // `.` and `..` are dot segments, not names: removed before routing (`/rest/..` is
        // the web app's page), as test/http-hostile.test.ts checks.
        arbitrary: text
          .map((t) => encodeURIComponent(t).slice(0, 60) || 'x')
          .filter((name) => name !== '.' && name !== '..'),
      },
    );
    const command = fc
      .tuple(fc.constantFrom(...Object.keys(METHODS), 'nope'), filter)
      .map(([m, f]) => `${m}?${qs.stringify({ FILTER: f })}`);
    const params = fc.record(
      {
        FILTER: filter,
        filter: filter,
        SORT: fc.oneof(fc.constantFrom(...fields), text),
        ORDER: fc.oneof(
          fc.constantFrom('ASC', 'desc', 'up'),
          fc.dictionary(fc.constantFrom(...fields), fc.constantFrom('ASC', 'DESC', 'x'), {
            maxKeys: 2,
          }),
        ),
        start: fc.oneof(
          fc.integer(),
          fc.constantFrom('-1', '50', '1e9', 'x', '99999999999999999999'),
        ),
        USER_ID: value,
        // voximplant.sip.* and line.outgoing.set ids (no connection exists; no line is this).
        CONFIG_ID: value,
        REG_ID: value,
        LINE_ID: value,
        full: fc.constantFrom('true', 'Y', '0'),
        halt: fc.constantFrom(0, 1, 'x'),
        cmd: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 6 }), command, { maxKeys: 5 }),
          fc.array(command, { maxLength: 60 }),
          value,
        ),
        auth: fc.constantFrom(h().appToken, FORGED, '', 'x'),
        // telephony.externalcall.* and externalLine.*: hostile values that cannot write —
        // no TYPE is valid, no CALL_ID was registered, no NUMBER is a line's — so the reads
        // (searchCrmEntities, externalLine.get) and every check before a write are fuzzed.
        TYPE: fc.constantFrom('0', '6', 'x', '', '1.0', ' 1', '-1'),
        CALL_ID: value,
        PHONE_NUMBER: value,
        USER_PHONE_INNER: value,
        LINE_NUMBER: value,
        CALL_START_DATE: value,
        DURATION: value,
        STATUS_CODE: value,
        FILENAME: value,
        FILE_CONTENT: value,
        NUMBER: fc.constantFrom('', ' ', 'x'.repeat(41), 'a b'),
        NAME: value,
        CRM_AUTO_CREATE: value,
      },
      { requiredKeys: [] },
    );
    const before = await digestData(h());
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        method,
        params,
        fc.constantFrom('query', 'form', 'json'),
        async (base, name, given, transport) => {
          const encoded = qs.stringify(given, { allowDots: false });
          const path = `${base}${name}`;
          const response =
            transport === 'query'
              ? await h().app.inject({ method: 'GET', url: `${path}?${encoded}` })
              : await h().app.inject({
                  method: 'POST',
                  url: path,
                  headers: {
                    'content-type':
                      transport === 'form'
                        ? 'application/x-www-form-urlencoded'
                        : 'application/json',
                  },
                  payload: transport === 'form' ? encoded : JSON.stringify(given),
                });
          const what = `${transport} ${path.slice(0, 120)} ${encoded.slice(0, 300)}`;
          const key = `${response.statusCode}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          assert.ok(
            response.statusCode < 500 || response.statusCode === 503,
            `${what} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
          assert.notEqual(response.statusCode, 503, `${what}: ${response.body.slice(0, 300)}`);
          if (response.statusCode >= 400) assertCatalogueError(response, 'POST', what);
          else {
            const body = json<{ result?: unknown; time?: unknown }>(response);
            assert.ok('result' in body && typeof body.time === 'object', what);
          }
        },
      ),
      { numRuns: BITRIX_RUNS, includeErrorInReport: true },
    );
    assert.deepEqual(changedParts(before, await digestData(h())), [], 'data changed');
    assert.ok((tally.get('200') ?? 0) > 0, JSON.stringify([...tally]));
  });

  test(`Range fuzz: ${RANGE_RUNS} plays of a real recording per database — bytes, Content-Range and 416 as RFC 9110 says; the audit log gains exactly one entry per playback session, whatever the ranges, nothing else changes`, async () => {
    const upload = await send(h(), 'app', 'PUT', '/api/v1/calls/call-u4/recording', {
      body: WAV,
      headers: { 'content-type': 'audio/wav' },
    });
    assert.equal(upload.statusCode, 204, upload.body);
    const meta = json<{ sha256: string }>(
      await h().request('u4', 'GET', '/api/v1/calls/call-u4/recording/meta'),
    );
    const etag = `"${meta.sha256}"`;
    const size = WAV.length;
    const before = await digestData(h());
    const mark = (await listAudit(h().store.db, 'acme', 1))[0]!.id;
    const expectedAudit: [string, string][] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('u4', 'u0', 'u10', 'u9'),
        fc.option(
          fc.oneof(
            fc.constantFrom(...RANGES),
            fc.tuple(fc.nat(size + 10), fc.nat(size + 10)).map(([a, b]) => `bytes=${a}-${b}`),
            fc.nat(size + 10).map((a) => `bytes=${a}-`),
            fc.nat(size + 10).map((n) => `bytes=-${n}`),
            fc.string({ maxLength: 20 }).map(printable),
          ),
          { freq: 5 },
        ),
        sometimes(fc.constantFrom(etag, '"nope"', 'Wed, 21 Oct 2015 07:28:00 GMT'), 3),
        fc.option(fc.constantFrom('1', '0', 'true', 'false', 'yes', ''), { freq: 2 }),
        async (actor, range, ifRange, download) => {
          const headers: Record<string, string> = {};
          // An empty header is not sent at all.
          if (range !== null && range !== '') headers.range = range;
          if (ifRange !== null) headers['if-range'] = ifRange;
          const url = `/api/v1/calls/call-u4/recording${download === null ? '' : `?download=${download}`}`;
          const response = await send(h(), actor, 'GET', url, { headers });
          const what = `${actor} range ${range} if-range ${ifRange} download ${download}`;
          const expected = model(
            actor,
            download,
            (ifRange === null || ifRange === etag) && range !== '' ? range : null,
            size,
          );
          assert.equal(
            response.statusCode,
            expected.status,
            `${what}: ${response.body.slice(0, 200)}`,
          );
          if (!('start' in expected)) {
            assertCatalogueError(response, 'GET', what);
            if (expected.status === 416)
              assert.equal(response.headers['content-range'], `bytes */${size}`, what);
            return;
          }
          const { start, end } = expected;
          assert.ok(
            response.rawPayload.equals(WAV.subarray(start, end + 1)),
            `${what}: wrong bytes`,
          );
          assert.equal(response.headers['content-length'], String(end - start + 1), what);
          if (expected.status === 206)
            assert.equal(response.headers['content-range'], `bytes ${start}-${end}/${size}`, what);
          // Any bytes served count, from byte 0 or not; the clock stands still, so each
          // (user, play or download) is one playback session, audited at its first read.
          const downloaded = download === '1' || download === 'true';
          const entry: [string, string] = [
            downloaded ? 'recording.downloaded' : 'recording.played',
            `user:${actor}`,
          ];
          if (!expectedAudit.some(([type, who]) => type === entry[0] && who === entry[1]))
            expectedAudit.push(entry);
        },
      ),
      { numRuns: RANGE_RUNS, includeErrorInReport: true },
    );
    const after = await digestData(h());
    const added = (await listAudit(h().store.db, 'acme', RANGE_RUNS + 10))
      .filter((e) => e.id > mark)
      .reverse();
    assert.deepEqual(
      added.map((e) => [e.type, e.actor]),
      expectedAudit,
    );
    assert.deepEqual(
      changedParts(before, after),
      expectedAudit.length === 0
        ? []
        : [
            `audit_log (${before.audit_log!.rows} → ${before.audit_log!.rows + expectedAudit.length} rows)`,
            `playback_sessions (${before.playback_sessions!.rows} → ${before.playback_sessions!.rows + expectedAudit.length} rows)`,
          ],
    );
  });

  test(`scope probing: ${PROBE_RUNS} viewAs, callId and ranged-read requests per database by users of every scope — no 5xx, no call outside the asker's own scope, no data change but one audit entry per playback session`, async () => {
    // u7 may administer permissions (telephonySettings.modify = any) but is no account
    // administrator; u2 heads Sales (department), u1 sees any call, the rest are Managers.
    await grant(
      h(),
      { 'telephonySettings.modify': 'any' },
      ['user:u7'],
      [assign('head-of-department', 'user:u2'), assign('chief-executive', 'user:u1')],
    );
    for (const callId of ['call-u4', 'call-u6', 'call-u10', 'call-u2', 'call-none']) {
      const stored = await send(h(), 'app', 'PUT', `/api/v1/calls/${callId}/recording`, {
        body: WAV,
        headers: { 'content-type': 'audio/wav' },
      });
      assert.equal(stored.statusCode, 204, stored.body);
    }
    const { db } = h().store;
    const { policy } = await h().services.policies.get(db, 'acme', h().clock.now);
    const calls = await db
      .selectFrom('calls')
      .select(['id', 'user_id'])
      .where('account_id', '=', 'acme')
      .execute();
    const owners = new Map(calls.map((c) => [c.id, c.user_id]));
    const reaches = (user: string, permission: 'callStats.view' | 'recording.listen', id: string) =>
      owners.has(id) &&
      decide(policy, { userId: user, permission, targetUserId: owners.get(id)! }).allowed;
    const userIds = COMPANY.users.map((u) => u.id);
    const callIds = [...owners.keys()];
    const PROBERS = ['u0', 'u1', 'u2', 'u4', 'u7', 'u9', 'u10', 'app'] as const;
    const userOfActor = (actor: string) => (actor === 'app' ? 'u0' : actor);

    const before = await digestData(h());
    const sessionsBefore = new Set(
      (await db.selectFrom('playback_sessions').selectAll().execute()).map(
        (r) => `${r.user_id} ${r.call_id} ${r.kind}`,
      ),
    );
    const mark = (await listAudit(db, 'acme', 1))[0]!.id;
    const served = new Set<string>();
    const probeText = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...userIds, ...callIds) },
      { weight: 1, arbitrary: hostileText },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROBERS),
        fc.constantFrom('list', 'stats', 'check', 'details', 'play', 'url'),
        probeText,
        probeText,
        fc.constantFrom(...PERMISSION_KEYS),
        fc.option(
          fc.oneof(
            fc.constantFrom(...RANGE_HEADERS),
            fc.nat(20_000).map((n) => `bytes=${n}-`),
            fc.nat(20_000).map((n) => `bytes=-${n}`),
          ),
          { freq: 4 },
        ),
        fc.boolean(),
        async (actor, shape, subject, target, permission, range, download) => {
          const asker = userOfActor(actor);
          const admin = asker === 'u0';
          let response;
          switch (shape) {
            case 'list':
            case 'stats':
              response = await send(
                h(),
                actor,
                'GET',
                `/api/v1/calls${shape === 'stats' ? '/stats?groupBy=user&' : '?limit=500&'}${queryOf({ viewAs: wellFormed(subject) }).slice(1)}`,
                { headers: {} },
              );
              if (response.statusCode === 200 && subject !== asker)
                assert.ok(
                  admin,
                  `${actor} saw through ${subject}'s eyes: ${response.body.slice(0, 200)}`,
                );
              break;
            case 'check':
              response = await send(h(), actor, 'POST', '/api/v1/permissions/check', {
                body: { userId: subject, permission, callId: target },
                headers: {},
              });
              if (response.statusCode === 200)
                assert.ok(
                  reaches(asker, 'callStats.view', target),
                  `${actor} learned of ${target}: ${response.body}`,
                );
              break;
            case 'details':
              response = await send(
                h(),
                actor,
                'GET',
                `/api/v1/calls/${encodeURIComponent(wellFormed(subject))}`,
                { headers: {} },
              );
              if (response.statusCode === 200)
                assert.ok(reaches(asker, 'callStats.view', subject), `${actor} read ${subject}`);
              break;
            case 'play':
            case 'url': {
              const path = `/api/v1/calls/${encodeURIComponent(wellFormed(subject))}/recording`;
              response =
                shape === 'play'
                  ? await send(h(), actor, 'GET', `${path}${download ? '?download=1' : ''}`, {
                      headers: range === null ? {} : { range },
                    })
                  : await send(h(), actor, 'POST', `${path}/url`, { headers: {} });
              if (response.statusCode < 300) {
                assert.ok(
                  reaches(asker, 'recording.listen', subject),
                  `${actor} got ${subject}'s recording`,
                );
                if (shape === 'play')
                  served.add(`${asker} ${subject} ${download ? 'downloaded' : 'played'}`);
              }
              break;
            }
          }
          const what = `${actor} ${shape} ${JSON.stringify([subject, target, permission, range, download])} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          assert.ok(response.statusCode < 500, what);
          if (response.statusCode >= 400) {
            assertCatalogueError(response, 'GET', what);
            if (
              shape === 'check' &&
              response.statusCode !== 400 &&
              !reaches(asker, 'callStats.view', target) &&
              (subject === asker || mayAdministerPermissions(policy, asker))
            )
              assert.equal(response.statusCode, 404, what);
          }
          // Any call named in an answer is one the asker sees, or text the request itself
          // sent echoed back (a check about user "call-u3" names that unknown user): an echo
          // tells nothing. Whether a 200 reveals the call asked about is asserted above.
          const audio = String(response.headers['content-type'] ?? '').startsWith('audio/');
          if (!audio)
            for (const id of response.body.match(/call-[A-Za-z0-9]+/g) ?? [])
              assert.ok(
                reaches(asker, 'callStats.view', id) || subject.includes(id) || target.includes(id),
                `${what}: ${id} is out of scope`,
              );
          if (shape === 'stats' && response.statusCode === 200) {
            const stats = json<{ totals: { count: number }; groups: { key: string | null }[] }>(
              response,
            );
            const visible = callIds.filter((id) => reaches(asker, 'callStats.view', id));
            assert.ok(stats.totals.count <= visible.length, what);
            for (const group of stats.groups)
              assert.ok(
                visible.some((id) => owners.get(id) === group.key),
                `${what}: group ${group.key}`,
              );
          }
        },
      ),
      { numRuns: PROBE_RUNS, includeErrorInReport: true },
    );
    const added = (await listAudit(db, 'acme', PROBE_RUNS + 10)).filter((e) => e.id > mark);
    const audited = added.map(
      (e) => `${e.actor.replace(/^user:/, '')} ${e.subject} ${e.type.replace(/^recording\./, '')}`,
    );
    const expected = [...served].filter((key) => !sessionsBefore.has(key));
    assert.deepEqual(
      [...audited].sort(),
      expected.sort(),
      'one audit entry per new playback session, nothing else',
    );
    assert.deepEqual(
      changedParts(before, await digestData(h())),
      expected.length === 0
        ? []
        : [
            `audit_log (${before.audit_log!.rows} → ${before.audit_log!.rows + expected.length} rows)`,
            `playback_sessions (${before.playback_sessions!.rows} → ${before.playback_sessions!.rows + expected.length} rows)`,
          ],
    );
    await grant(h(), null);
  });

  test(`valid top-ups: ${TOP_UP_RUNS} random amounts per database — exactly that many ledger entries and audit events, the balance moves by their sum, nothing else changes`, async () => {
    const balance = async () =>
      json<{ balance: number }>(await h().request('u0', 'GET', '/api/v1/balance?limit=1')).balance;
    const start = await balance();
    const before = await digestData(h());
    let cents = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.boolean(),
        async (amountCents, withCurrency) => {
          const amount = amountCents / 100;
          const response = await h().request('u0', 'POST', '/api/v1/balance/top-ups', {
            amount,
            ...(withCurrency && { currency: 'USD' }),
          });
          assert.equal(response.statusCode, 201, response.body);
          assert.equal(json<{ amount: number; kind: string }>(response).amount, amount);
          cents += amountCents;
        },
      ),
      { numRuns: TOP_UP_RUNS },
    );
    assert.equal(Math.round((await balance()) * 100), Math.round(start * 100) + cents);
    const after = await digestData(h());
    assert.deepEqual(changedParts(before, after), [
      `audit_log (${before.audit_log!.rows} → ${before.audit_log!.rows + TOP_UP_RUNS} rows)`,
      `balance_ledger (${before.balance_ledger!.rows} → ${before.balance_ledger!.rows + TOP_UP_RUNS} rows)`,
    ]);
  });

  test(`unpoisoned writes: ${WRITE_RUNS.toLocaleString('en')} mutated valid writes per database by the actors they are meant for — whatever they change, no 5xx and every error from the catalogue`, async () => {
    // Last in the suite: these may succeed and change the account.
    const routes = routesOf(h().app).filter((r) => r.writes && !LOCKOUTS.has(r.key));
    const examples = await validExamples(h(), routes);
    const tally = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        generator(routes, examples, h().services.config.maxRecordingBytes, false),
        async (g) => {
          const what = `${g.route.key} as ${String(g.actor).slice(0, 20)}: ${g.route.method} ${g.path.slice(0, 300)}`;
          const response = await send(h(), g.actor, g.route.method, g.path, g.parts);
          tally.set(response.statusCode, (tally.get(response.statusCode) ?? 0) + 1);
          assert.ok(
            response.statusCode < 500,
            `${what} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
          if (response.statusCode >= 400) assertCatalogueError(response, g.route.method, what);
        },
      ),
      { numRuns: WRITE_RUNS, includeErrorInReport: true },
    );
    // Some writes got through: the mutations leave valid requests often enough to matter.
    const succeeded = [...tally].filter(([status]) => status < 300).reduce((n, [, k]) => n + k, 0);
    assert.ok(succeeded > 0, JSON.stringify([...tally]));
  });

  test(`dial strings with suffixes: ${DIAL_RUNS} generated per database — refused on every surface (check, outbound, PBX hook) with rule invalidNumber, whatever the base number's class`, async () => {
    const bases = [
      '+14155550101', // a CRM client
      '4155550102', // a CRM client, national
      '+1 (415) 555-0004', // an employee
      '+14155550199', // other
      '+19005550000', // blocked
      '+442079460000', // abroad
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(fc.constantFrom(...DIAL_SUFFIXES), { minLength: 1, maxLength: 3 }),
        fc.stringMatching(/^[0-9]{0,6}$/),
        async (base, suffixes, tail) => {
          // The routes take up to 40 characters; the first suffix always fits whole.
          const to = `${base}${suffixes.join('')}${tail}`.slice(0, 40);
          const checked = json(
            await h().request('u0', 'POST', '/api/v1/permissions/check', {
              permission: 'outboundCall.perform',
              phoneNumber: to,
            }),
          );
          assert.deepEqual(
            [checked.allowed, checked.rule, checked.classification],
            [false, 'invalidNumber', 'invalid'],
            to,
          );
          const placed = await h().request('u0', 'POST', '/api/v1/calls/outbound', { to });
          assert.equal(placed.statusCode, 403, `${to}: ${placed.body}`);
          const hook = json(
            await h().request(
              'app',
              'GET',
              `/api/v1/pbx/authorize?${new URLSearchParams({ from: '104', to }).toString()}`,
            ),
          );
          assert.deepEqual([hook.allowed, hook.rule], [false, 'invalidNumber'], to);
        },
      ),
      { numRuns: DIAL_RUNS },
    );
  });
});

type Expected =
  { status: 200 | 206; start: number; end: number } | { status: 400 | 403 | 404 | 416 };

/** What GET .../recording must answer: RFC 9110 §14 single byte ranges, the rest refused. */
function model(
  actor: string,
  download: string | null,
  range: string | null,
  size: number,
): Expected {
  // The access gate runs first, then validation, then the handler's scope check.
  if (actor === 'u9') return { status: 403 };
  if (download !== null && !['1', '0', 'true', 'false'].includes(download)) return { status: 400 };
  if (actor === 'u10') return { status: 404 };
  if (range === null) return { status: 200, start: 0, end: size - 1 };
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (match === null) return { status: 416 };
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Number(last);
    if (last === '' || suffix === 0) return { status: 416 };
    return { status: 206, start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return { status: 416 };
  return { status: 206, start, end };
}

const CHURN_RUNS = 25;
/** Users the churn removes and brings back: referenced by no department head or workgroup. */
const CHURNED = ['u9', 'u10', 'u11'] as const;

type ChurnStep =
  | { readonly kind: 'issue'; readonly user: string; readonly personal: boolean }
  | { readonly kind: 'remove' | 'reuse'; readonly user: string };

/** A credential the run issued, to whom, and to which of the id's holders. */
interface Issued {
  readonly user: string;
  readonly holder: number;
  readonly what: string;
  readonly present: (h: Harness) => Promise<number>;
}

describeHttp('directory churn', (h) => {
  test(`directory removals followed by re-use of the id: ${CHURN_RUNS} runs per database — every token, session and password of an earlier holder stays dead; the current holder's work`, async () => {
    const PASSWORD = 'churned user password';
    let addresses = 0;
    const step: fc.Arbitrary<ChurnStep> = fc.oneof(
      fc.record({
        kind: fc.constant('issue' as const),
        user: fc.constantFrom(...CHURNED),
        personal: fc.boolean(),
      }),
      fc.record({
        kind: fc.constantFrom('remove' as const, 'reuse' as const),
        user: fc.constantFrom(...CHURNED),
      }),
    );
    const importDirectory = async (present: Set<string>, returns: Map<string, number>) => {
      const response = await h().request(
        'operator',
        'PUT',
        '/api/v1/accounts/acme/directory',
        companyWith(CHURNED, present, returns),
      );
      assert.equal(response.statusCode, 200, response.body);
    };
    const signIn = (user: string) =>
      h().app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { accountId: 'acme', email: `${user}@example.com`, password: PASSWORD },
        // One address each: the sign-in limits count failures, and these are meant to fail.
        remoteAddress: `10.77.${++addresses >> 8}.${addresses & 255}`,
      });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const present = new Set<string>(CHURNED);
        // Which holder of each id this is: a re-use makes the next one.
        const holder = new Map<string, number>(CHURNED.map((u) => [u, 0]));
        await importDirectory(present, holder);
        const issued: Issued[] = [];
        // Setting a password ends the sessions the old one opened: once per holder, then.
        const withPassword = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'remove' && present.has(s.user)) {
            present.delete(s.user);
            await importDirectory(present, holder);
          } else if (s.kind === 'reuse' && !present.has(s.user)) {
            present.add(s.user);
            holder.set(s.user, holder.get(s.user)! + 1);
            await importDirectory(present, holder);
            // The earlier holder's password is gone with them: it opens nothing now.
            const stale = await signIn(s.user);
            assert.ok([401, 429].includes(stale.statusCode), `${s.user}: ${stale.statusCode}`);
          } else if (s.kind === 'issue' && present.has(s.user)) {
            const minted = await h().request('operator', 'POST', '/api/v1/accounts/acme/tokens', {
              userId: s.user,
            });
            assert.equal(minted.statusCode, 201, minted.body);
            let token = json<{ token: string }>(minted).token;
            if (s.personal) {
              const personal = await h().request(token, 'POST', '/api/v1/me/tokens', {});
              assert.equal(personal.statusCode, 201, personal.body);
              token = json<{ token: string }>(personal).token;
            }
            const key = `${s.user}#${holder.get(s.user)}`;
            if (!withPassword.has(key)) {
              const password = await h().request(
                'operator',
                'PUT',
                `/api/v1/accounts/acme/users/${s.user}/password`,
                { password: PASSWORD },
              );
              assert.equal(password.statusCode, 204, password.body);
              withPassword.add(key);
            }
            const session = await signIn(s.user);
            assert.equal(session.statusCode, 200, session.body);
            const cookie = String(session.headers['set-cookie']).split(';')[0]!;
            const now = holder.get(s.user)!;
            issued.push(
              {
                user: s.user,
                holder: now,
                what: s.personal ? 'personal token' : 'token',
                present: async (hh) => (await hh.request(token, 'GET', '/api/v1/me')).statusCode,
              },
              {
                user: s.user,
                holder: now,
                what: 'session',
                present: async (hh) =>
                  (
                    await hh.app.inject({
                      method: 'GET',
                      url: '/api/v1/me',
                      headers: { cookie },
                    })
                  ).statusCode,
              },
            );
          }
          for (const credential of issued) {
            const live =
              present.has(credential.user) && holder.get(credential.user) === credential.holder;
            const status = await credential.present(h());
            assert.equal(
              status,
              live ? 200 : 401,
              `${credential.what} of ${credential.user} (holder ${credential.holder}, now ${present.has(credential.user) ? `holder ${holder.get(credential.user)}` : 'removed'}) after ${JSON.stringify(steps)}`,
            );
          }
        }
      }),
      { numRuns: CHURN_RUNS, includeErrorInReport: true },
    );
  });
});
