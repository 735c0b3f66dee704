import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { sql } from 'kysely';
import { type App, registeredRoutes } from '../src/api/app.js';
import type { RouteAccess } from '../src/api/access.js';
import { DEFAULT_ROLES } from '../src/engine/defaults.js';
import { BITRIX_ERRORS } from '../src/bitrix/errors.js';
import { ERROR_STATUS } from '../src/errors.js';
import { BALANCE_CURRENCY } from '../src/telephony/balance.js';
import { generateDemoWav } from '../src/telephony/demo-audio.js';
import { COMPANY } from './fixtures.js';
import type { DirectoryDocument } from '../src/directory/schema.js';
import { type Harness, OPERATOR_TOKEN, json } from './http.js';

/**
 * Shared by the hostile-input suites (http-fuzz, http-hostile): the list of routes, a valid
 * request per route to start mutating from, and a digest of all stored data so a suite can
 * prove that nothing it sent changed anything.
 */

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInfo {
  readonly method: Method;
  readonly url: string;
  readonly key: string;
  readonly access: RouteAccess | undefined;
  readonly params: readonly string[];
  readonly query: readonly string[];
  /** The body is JSON validated by a schema (false: no body, or raw audio). */
  readonly jsonBody: boolean;
  readonly bodyLimit: number | undefined;
  /** The route parses If-Match (a headers schema declares it). */
  readonly ifMatch: boolean;
  /** GET and HEAD. */
  readonly read: boolean;
  /** Writes, or reads that write too (the audit log): a data-unchanged run must poison them. */
  readonly writes: boolean;
}

/**
 * Reads that write the audit log when they succeed: the PBX hook records a refused call
 * (SPEC §11), playing a recording records the play.
 */
const READS_THAT_WRITE = new Set([
  '/api/v1/pbx/authorize',
  '/api/v1/calls/:id/recording',
  '/api/v1/recordings/signed',
]);

const keysOf = (schema: unknown): string[] =>
  Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});

/** Every registered route and method, HEAD included, OPTIONS left out (none is registered). */
export function routesOf(app: App): RouteInfo[] {
  return registeredRoutes(app).flatMap((route: RouteOptions) =>
    (Array.isArray(route.method) ? route.method : [route.method])
      .filter((method) => method !== 'OPTIONS')
      .map((method) => {
        const schema = route.schema as Record<string, unknown> | undefined;
        const params = route.url.includes('*')
          ? ['*']
          : [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
        return {
          method: method as Method,
          url: route.url,
          key: `${String(method)} ${route.url}`,
          access: route.config?.access,
          params,
          query: keysOf(schema?.querystring),
          jsonBody: schema?.body !== undefined,
          bodyLimit: route.bodyLimit,
          ifMatch: keysOf(schema?.headers).includes('if-match'),
          read: method === 'GET' || method === 'HEAD',
          // The Bitrix24 methods served today only read, whichever HTTP method carries them;
          // when methods that write arrive, this must poison them like any other write.
          writes:
            route.config?.access?.kind !== 'bitrixRest' &&
            (!(method === 'GET' || method === 'HEAD') || READS_THAT_WRITE.has(route.url)),
        };
      }),
  );
}

/** A request as parts, before it is put together: the unit the suites mutate. */
export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** A JSON value, raw text (already serialised), or audio bytes. */
  body?: unknown;
  headers: Record<string, string>;
}

/** The path of `route` with `params` filled in, each URL-encoded unless `raw`. */
export function pathOf(route: RouteInfo, params: Record<string, string>, raw = false): string {
  const encode = (value: string) =>
    raw ? rawSegment(value) : encodeURIComponent(wellFormed(value));
  return route.url
    .replace(/:([A-Za-z]+)/g, (_, name: string) => encode(params[name] ?? ''))
    .replace('*', () => encode(params['*'] ?? ''));
}

/** Lone surrogates as U+FFFD: no URL can carry them (encodeURIComponent throws). */
export const wellFormed = (text: string): string =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A path segment sent nearly as written: only what cannot be in a request line is escaped. */
const rawSegment = (text: string): string =>
  wellFormed(text).replace(/[^\x21-\x7e]|[#?]/gu, (c) => encodeURIComponent(c));

export function queryOf(query: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export const WAV = generateDemoWav(7);

/**
 * Range headers of every form (RFC 9110 §14.1.2): from byte 0, from inside, open-ended,
 * suffixes short and longer than the file, single bytes, and the malformed and multi-range
 * ones Callgate refuses. A read that serves any byte must be audited (issue 10.3).
 */
export const RANGE_HEADERS: readonly string[] = [
  'bytes=0-',
  'bytes=0-0',
  'bytes=0-99',
  'bytes=1-',
  'bytes=1-1',
  'bytes=100-',
  'bytes=100-199',
  'bytes=-1',
  'bytes=-100',
  `bytes=-${'9'.repeat(12)}`,
  'bytes=-0',
  'bytes=9-1',
  'bytes=abc',
  'bytes=0-1,2-3',
  'bytes=1-,-1',
  'items=0-1',
  'bytes=',
  'bytes=-',
  'bytes=--1',
  'bytes=1--2',
  `bytes=${'9'.repeat(30)}-`,
  'bytes=-1-2',
  'bytes=0x10-20',
  'bytes=1e3-',
  'BYTES=0-1',
  'bytes= 0-1',
  ' bytes=1-2 ',
  'bytes=\t1-',
];

/**
 * A valid request for every route, against the harness company (test/http.ts), read from
 * the account where a value must match what is stored (versions, settings). A route without
 * an example fails here, so a new route cannot slip past the hostile suites unfuzzed.
 */
export async function validExamples(
  h: Harness,
  routes: readonly RouteInfo[],
): Promise<Map<string, RequestParts>> {
  const version = async (url: string): Promise<string> => {
    const response = await h.request('u0', 'GET', url);
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    return String(response.headers.etag);
  };
  const manager = DEFAULT_ROLES.find((r) => r.id === 'manager')!;
  const tokenIdOf = (token: string) => token.slice(3, 15);
  const assignments = json<{ version: number; items: unknown[] }>(
    await h.request('u0', 'GET', '/api/v1/role-assignments'),
  );
  const bySection: Record<string, RequestParts> = {};
  for (const route of routes) {
    const section = /^\/api\/v1\/settings\/([a-z-]+)$/.exec(route.url)?.[1];
    if (section === undefined || route.method !== 'PUT') continue;
    const current = json<{ value: unknown; version: number }>(
      await h.request('u0', 'GET', route.url),
    );
    bySection[route.key] = {
      params: {},
      query: {},
      body: current.value,
      headers: { 'if-match': `"${current.version}"` },
    };
  }
  const none = (): RequestParts => ({ params: {}, query: {}, headers: {} });
  const body = (value: unknown, extra: Partial<RequestParts> = {}): RequestParts => ({
    ...none(),
    body: value,
    ...extra,
  });
  const call = { params: { id: 'call-u4' } };
  const webhook = json<{ id: string; url: string }>(
    await h.request('u0', 'POST', '/api/v1/me/webhooks', { scopes: ['telephony'] }),
  );
  const [, userNumber = '', secret = ''] = /\/rest\/(\d+)\/([^/]+)\/$/.exec(webhook.url) ?? [];
  const bitrixWebhook: RequestParts = {
    ...none(),
    params: { userNumber, secret, method: 'voximplant.statistic.get.json' },
    query: { 'FILTER[>ID]': '1', SORT: 'CALL_START_DATE', ORDER: 'DESC', start: '0' },
  };
  const bitrixToken: RequestParts = {
    ...none(),
    params: { method: 'voximplant.statistic.get' },
    query: { auth: h.appToken, 'FILTER[CALL_TYPE]': '2' },
  };
  const bitrixOther: RequestParts = { ...none(), params: { '*': 'api/1/x/user.current' } };
  const examples: Record<string, RequestParts> = {
    'POST /api/v1/accounts': body({ id: 'fuzz-account', name: 'Fuzz', plan: 'basic' }),
    'PATCH /api/v1/accounts/:accountId': body(
      { name: 'Acme renamed' },
      { params: { accountId: 'acme' } },
    ),
    'PUT /api/v1/accounts/:accountId/directory': body(COMPANY, { params: { accountId: 'acme' } }),
    'POST /api/v1/accounts/:accountId/tokens': body(
      { userId: 'u4', ttlSeconds: 3600 },
      { params: { accountId: 'acme' } },
    ),
    'POST /api/v1/accounts/:accountId/apps': body(
      { id: 'fuzz-app', name: 'Fuzz app', scopes: ['telephony'] },
      { params: { accountId: 'acme' } },
    ),
    'PUT /api/v1/accounts/:accountId/users/:userId/password': body(
      { password: 'correct horse battery' },
      { params: { accountId: 'acme', userId: 'u4' } },
    ),
    'POST /api/v1/me/tokens': body({ label: 'fuzz', ttlSeconds: 600 }),
    'DELETE /api/v1/me/tokens/:tokenId': {
      ...none(),
      params: { tokenId: tokenIdOf(h.tokens.u0!) },
    },
    'POST /api/v1/session': body({
      accountId: 'acme',
      email: 'u4@example.com',
      password: 'a password',
    }),
    'DELETE /api/v1/session': none(),
    'POST /api/v1/roles': body({
      id: 'fuzz-role',
      name: 'Fuzz role',
      permissions: { ...manager.permissions },
    }),
    'PUT /api/v1/roles/:id': body(
      { name: 'Manager', permissions: { ...manager.permissions, 'recording.listen': 'none' } },
      { params: { id: 'manager' }, headers: { 'if-match': await versionOfRole(h, 'manager') } },
    ),
    'DELETE /api/v1/roles/:id': { ...none(), params: { id: 'manager' } },
    'PUT /api/v1/role-assignments': body(
      { items: assignments.items },
      { headers: { 'if-match': `"${assignments.version}"` } },
    ),
    'GET /api/v1/users/:id/effective-permissions': { ...none(), params: { id: 'u4' } },
    'POST /api/v1/permissions/check': body({
      permission: 'recording.listen',
      callId: 'call-u4',
      explain: true,
    }),
    'POST /api/v1/calls': body({
      id: 'fuzz-call',
      userId: 'u4',
      direction: 'inbound',
      phoneNumber: '+14155550101',
      startedAt: '2026-11-02T10:00:00Z',
      durationSec: 5,
      status: 'answered',
      cost: 0.1,
      currency: 'USD',
    }),
    'GET /api/v1/calls': {
      ...none(),
      query: {
        from: '2026-11-01T00:00:00Z',
        to: '2026-12-01T00:00:00Z',
        userId: 'u4',
        viewAs: 'u4',
        direction: 'inbound',
        limit: '10',
      },
    },
    'GET /api/v1/directory/search': { ...none(), query: { q: 'mia ma', kind: 'user', limit: '5' } },
    'GET /api/v1/crm-clients/search': { ...none(), query: { q: 'acme', limit: '5' } },
    'GET /api/v1/calls/export.csv': {
      ...none(),
      query: {
        from: '2026-11-01T00:00:00Z',
        status: 'answered',
        phoneNumber: '+1415',
        sort: '-durationSec',
        viewAs: 'u4',
      },
    },
    'GET /api/v1/calls/stats': {
      ...none(),
      query: { from: '2026-11-01T00:00:00Z', groupBy: 'user', viewAs: 'u4' },
    },
    'GET /api/v1/calls/:id': { ...none(), ...call },
    'PUT /api/v1/calls/:id/recording': body(WAV, {
      ...call,
      headers: { 'content-type': 'audio/wav' },
    }),
    'GET /api/v1/calls/:id/recording': {
      ...none(),
      ...call,
      query: { download: '1' },
      headers: { range: 'bytes=0-99' },
    },
    'GET /api/v1/calls/:id/recording/meta': { ...none(), ...call },
    'POST /api/v1/calls/:id/recording/url': { ...none(), ...call, query: { download: '1' } },
    'GET /api/v1/recordings/signed': {
      ...none(),
      query: {
        account: 'acme',
        call: 'call-u4',
        user: 'u4',
        rec: '0123456789abcdef',
        exp: String(Math.floor(h.clock.now / 1000) + 60),
        sig: 'A'.repeat(43),
      },
    },
    'DELETE /api/v1/calls/:id/recording': { ...none(), ...call },
    'POST /api/v1/recordings/bulk-delete': body({ callIds: [call.params.id] }),
    'PUT /api/v1/calls/:id/recording/legal-hold': body({ reason: 'litigation' }, call),
    'DELETE /api/v1/calls/:id/recording/legal-hold': { ...none(), ...call },
    'POST /api/v1/calls/outbound': body({ to: '+14155550101' }),
    'GET /api/v1/pbx/authorize': {
      ...none(),
      query: { from: '104', to: '+14155550101', line: '+14155550123' },
    },
    'GET /api/v1/users/:id/telephony-settings': { ...none(), params: { id: 'u4' } },
    'PUT /api/v1/users/:id/telephony-settings': body(
      { device: 'sip', sipLogin: 'u4-login', sipSecret: 'sip secret', callerIdNumber: null },
      {
        params: { id: 'u4' },
        headers: { 'if-match': await version('/api/v1/users/u4/telephony-settings') },
      },
    ),
    'GET /api/v1/settings/:section': { ...none(), params: { section: 'no-such-section' } },
    'PUT /api/v1/settings/:section': body({}, { params: { section: 'no-such-section' } }),
    'GET /api/v1/numbers/available': { ...none(), query: { country: 'US', limit: '10' } },
    'POST /api/v1/numbers': body({ number: '+14155550123' }),
    'DELETE /api/v1/numbers/:number': { ...none(), params: { number: '+14155550123' } },
    'PUT /api/v1/numbers/:number/connection': body(
      { host: 'sip.example.com:5060', username: 'acme', password: 'sip password' },
      { params: { number: '+14155550123' } },
    ),
    'GET /api/v1/numbers/:number/access': { ...none(), params: { number: '+14155550123' } },
    'PUT /api/v1/numbers/:number/access': body(
      { accessCodes: ['user:u4', 'department:4'] },
      { params: { number: '+14155550123' }, query: { dryRun: '1' }, headers: { 'if-match': '0' } },
    ),
    'POST /api/v1/number-inventory': body({
      items: [
        { number: '+14155550199', country: 'US', monthlyFee: 1.5, currency: BALANCE_CURRENCY },
      ],
    }),
    'GET /api/v1/balance': { ...none(), query: { limit: '10' } },
    'POST /api/v1/balance/top-ups': body({ amount: 12.34, currency: BALANCE_CURRENCY }),
    'GET /api/v1/audit-log': {
      ...none(),
      query: { type: 'account.created', actor: 'operator', limit: '10' },
    },
    'GET /api/v1/audit-log/export': { ...none(), query: { actor: 'operator', format: 'csv' } },
    'GET /api/v1/me/webhooks': none(),
    'POST /api/v1/me/webhooks': body({ scopes: ['telephony', 'call'] }),
    'DELETE /api/v1/me/webhooks/:id': { ...none(), params: { id: webhook.id } },
    'POST /api/v1/accounts/:accountId/webhooks': body(
      { userId: 'u4', scopes: ['telephony'] },
      { params: { accountId: 'acme' } },
    ),
    'GET /rest/:userNumber/:secret/:method': bitrixWebhook,
    'POST /rest/:userNumber/:secret/:method': bitrixWebhook,
    'GET /rest/:method': bitrixToken,
    'POST /rest/:method': bitrixToken,
    'GET /rest/*': bitrixOther,
    'POST /rest/*': bitrixOther,
    'GET /docs/static/*': { ...none(), params: { '*': 'index.html' } },
    // The built web app's files (when dist/web exists, as under `npm test`).
    'GET /*': { ...none(), params: { '*': 'index.html' } },
    ...bySection,
  };
  const result = new Map<string, RequestParts>();
  const missing: string[] = [];
  for (const route of routes) {
    const getKey = `GET ${route.url}`;
    const example = examples[route.key] ?? (route.method === 'HEAD' ? examples[getKey] : undefined);
    if (example !== undefined) result.set(route.key, example);
    else if (route.jsonBody || route.params.length > 0 || route.query.length > 0)
      missing.push(route.key);
    else result.set(route.key, none());
  }
  assert.deepEqual(missing, [], 'routes without a valid example request in test/hostile.ts');
  return result;
}

async function versionOfRole(h: Harness, id: string): Promise<string> {
  const roles = json<{ id: string; version: number }[]>(
    await h.request('u0', 'GET', '/api/v1/roles'),
  );
  return `"${roles.find((r) => r.id === id)!.version}"`;
}

/** One digest per table (all rows, sorted) and one for the files under the data folder. */
export type DataDigest = Record<string, { readonly rows: number; readonly sha256: string }>;

export async function digestData(h: Harness): Promise<DataDigest> {
  const { db } = h.store;
  const tables =
    h.dialect === 'postgres'
      ? (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
            db,
          )
        ).rows;
  const digest: DataDigest = {};
  for (const { name } of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
      db,
    );
    const lines = rows
      .map((row) =>
        JSON.stringify(
          Object.entries(row).sort(([a], [b]) => a.localeCompare(b)),
          (_, value) => (typeof value === 'bigint' ? String(value) : (value as unknown)),
        ),
      )
      .sort();
    digest[name] = { rows: rows.length, sha256: sha256(lines.join('\n')) };
  }
  const dir = h.services.config.dataDir;
  const files = existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
        .sort()
    : [];
  digest['files:dataDir'] = {
    rows: files.length,
    sha256: sha256(files.map((file) => `${file} ${sha256(readFileSync(file))}`).join('\n')),
  };
  return digest;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The tables (and files) whose digest differs. */
export function changedParts(before: DataDigest, after: DataDigest): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => before[name]?.sha256 !== after[name]?.sha256)
    .map((name) => `${name} (${before[name]?.rows ?? 0} → ${after[name]?.rows ?? 0} rows)`)
    .sort();
}

/**
 * An error answer is JSON in the catalogue's shape, with a catalogue code whose status is
 * the one answered. HEAD answers carry no body, so only their status is checked.
 */
export function assertCatalogueError(
  response: LightMyRequestResponse,
  method: string,
  what: string,
): string | undefined {
  assert.ok(response.statusCode >= 400, what);
  if (method === 'HEAD') return undefined;
  let parsed: {
    error?: { code?: unknown; message?: unknown } | string;
    error_description?: unknown;
  };
  try {
    parsed = JSON.parse(response.body) as typeof parsed;
  } catch {
    assert.fail(`${what}: the error body is not JSON: ${response.body.slice(0, 200)}`);
  }
  if (typeof parsed.error === 'string') {
    // The Bitrix24-compatible surface answers in Bitrix24's shape, from its own mapping.
    assert.equal(
      typeof parsed.error_description,
      'string',
      `${what}: ${response.body.slice(0, 300)}`,
    );
    assert.ok(
      BITRIX_ERRORS.get(parsed.error)?.has(response.statusCode),
      `${what}: Bitrix24 error ${parsed.error} answered with ${response.statusCode}`,
    );
    return undefined;
  }
  const code = parsed.error?.code;
  assert.equal(typeof parsed.error?.message, 'string', `${what}: ${response.body.slice(0, 300)}`);
  assert.ok(
    typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code),
    `${what}: code ${String(code)} is not in the catalogue`,
  );
  assert.equal(
    ERROR_STATUS[code as keyof typeof ERROR_STATUS],
    response.statusCode,
    `${what}: ${code} answered with ${response.statusCode}`,
  );
  return code;
}

/** Raw JSON text swapped in for these string values after serialising: cheap to build, costly to parse. */
export const DEPTH = 10_000;
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '@@DEEP_ARRAY@@': '['.repeat(DEPTH) + ']'.repeat(DEPTH),
  '@@DEEP_OBJECT@@': '{"a":'.repeat(DEPTH) + '0' + '}'.repeat(DEPTH),
  '@@PROTO@@': '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
  '@@LONG@@': JSON.stringify('\u00e9'.repeat(200_000)),
  '@@MULTI_MB@@': JSON.stringify('x'.repeat(3 * 1024 * 1024)),
};

/** JSON text of `value`, with the placeholders above expanded. */
export function serialise(value: unknown): string {
  let text = JSON.stringify(value) ?? 'null';
  for (const [name, raw] of Object.entries(PLACEHOLDERS))
    if (text.includes(name)) text = text.replaceAll(`"${name}"`, () => raw);
  return text;
}

/** Raw text, used as the body as it is (broken JSON, form data). */
export class RawBody {
  constructor(readonly text: string) {}
}

/**
 * Sends `parts` to `route` as `as` (a user id of acme, 'app', 'operator', a raw token, or
 * null for none). JSON bodies go as application/json unless the parts name another type;
 * an empty content-type header sends none.
 */
export function send(
  h: Harness,
  as: string | null,
  method: Method,
  url: string,
  parts: Pick<RequestParts, 'body' | 'headers'>,
  remoteAddress?: string,
): Promise<LightMyRequestResponse> {
  const token =
    as === null
      ? undefined
      : as === 'operator'
        ? OPERATOR_TOKEN
        : as === 'app'
          ? h.appToken
          : (h.tokens[as] ?? as);
  const headers: Record<string, string> = {
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
  let payload: string | Buffer | undefined;
  if (parts.body instanceof RawBody) payload = parts.body.text;
  else if (Buffer.isBuffer(parts.body)) payload = parts.body;
  else if (parts.body !== undefined) {
    payload = serialise(parts.body);
    headers['content-type'] = 'application/json';
  }
  for (const [name, value] of Object.entries(parts.headers)) {
    if (value === '') delete headers[name];
    else headers[name] = value;
  }
  return h.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

/** SQL injection, path traversal, encoding and unicode tricks, and sizes, for ids and filters. */
/**
 * What follows a number in a dial string, for a PBX to dial after the call connects: pauses,
 * extensions, post-dial DTMF (issue 10, item 9). A number with any of them is refused,
 * whatever the base number is.
 */
export const DIAL_SUFFIXES: readonly string[] = [
  ',,,1900',
  ',1900',
  ',,#,1900',
  ';ext=1900',
  ';1900',
  ';isub=12',
  ' ext 1900',
  ' ext. 1900',
  'ext1900',
  ' EXT 1900',
  'x1900',
  ' x 1900',
  'X1900',
  '#1900',
  '*1900',
  'p1900',
  'P1900',
  'w1900',
  'W1900',
];

export const INJECTIONS: readonly string[] = [
  ...DIAL_SUFFIXES.map((suffix) => `+14155550101${suffix}`),
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '"; drop table calls; --',
  "'; delete from audit_log; --",
  "u4' --",
  "call-u4' OR user_id IS NOT NULL --",
  "x' UNION SELECT secret_hash FROM tokens --",
  '1; select pg_sleep(5) --',
  "'||(select count(*) from users)||'",
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%252e%252e%252f',
  '....//....//etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  'call-u4/../call-u6',
  'call-u4%00',
  '%00',
  '\u0000',
  'call-u4\u0000',
  'u4\u0000.json',
  'call-u4\u200b',
  '\uff55\uff14',
  'u\u0034\u0301',
  '\u212a',
  'call\u2010u4',
  '\ud800',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '[]',
  '{}',
  '*',
  '%',
  '%zz',
  ' ',
  '\r\nx-injected: 1',
  'a'.repeat(65),
  'a'.repeat(101),
  'x'.repeat(5000),
];

/**
 * The test company (test/fixtures.ts) with only the `present` ones of `churned` users, each
 * with an email to sign in with and, for an id that came back, a name that says which
 * return it is: the directory documents of "removed, then the id re-used" runs.
 */
export function companyWith(
  churned: readonly string[],
  present: ReadonlySet<string>,
  returns: ReadonlyMap<string, number> = new Map(),
): DirectoryDocument {
  return {
    ...COMPANY,
    users: COMPANY.users
      .filter((u) => !churned.includes(u.id) || present.has(u.id))
      .map((u) =>
        churned.includes(u.id)
          ? {
              ...u,
              email: `${u.id}@example.com`,
              name: `${u.name} (return ${returns.get(u.id) ?? 0})`,
            }
          : u,
      ),
  };
}
