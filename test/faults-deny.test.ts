import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { type App, buildApp } from '../src/api/app.js';
import { type Services, createServices } from '../src/api/services.js';
import {
  type Store,
  isStoreUnavailable,
  markStoreError,
  openStore,
} from '../src/store/database.js';
import { PLAYBACK_SESSION_MS } from '../src/telephony/recordings/listening.js';
import { signRecordingUrl } from '../src/telephony/recordings/signed-urls.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { wav } from './faults-harness.js';
import { START, seedAccount } from './http.js';

/**
 * Every error path denies: with the store failing under a route — unreachable (503) or
 * broken (500) — the check route, the PBX hook, outbound calls, recording playback and
 * signed URLs answer an error, never "allowed", never audio, never a URL.
 */

/** The tables a query touches. */
function tablesOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) tablesOf(item, found);
  } else if (node !== null && typeof node === 'object') {
    const table = node as { kind?: string; table?: { identifier?: { name?: string } } };
    const name = table.table?.identifier?.name;
    if (table.kind === 'TableNode' && name !== undefined) found.add(name);
    for (const value of Object.values(node)) tablesOf(value, found);
  }
  return found;
}

/** Makes every query that touches one of `tables` throw `error`, while armed. */
class FaultInjector implements KyselyPlugin {
  #armed: { tables: readonly string[]; error: () => Error } | undefined;

  arm(tables: readonly string[], error: () => Error): void {
    this.#armed = { tables, error };
  }

  disarm(): void {
    this.#armed = undefined;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const armed = this.#armed;
    if (armed !== undefined) {
      const touched = tablesOf(args.node);
      if (armed.tables.some((table) => touched.has(table))) throw armed.error();
    }
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** How the store fails, and the answer that failure must give. */
const FAILURES = [
  {
    name: 'unreachable',
    // Marked as the driver marks what it raises: the injector throws before the driver.
    error: () => markStoreError(new Error('Connection terminated unexpectedly')),
    status: 503,
    code: 'unavailable',
  },
  {
    name: 'locked',
    error: () =>
      markStoreError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    status: 503,
    code: 'unavailable',
  },
  {
    name: 'broken',
    error: () => Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }),
    status: 500,
    code: 'internal_error',
  },
] as const;

describeOnEachDialect('faults: every error path denies', (dialect) => {
  const faults = new FaultInjector();
  let app: App;
  let store: Store;
  let drop: () => Promise<void>;
  let dataDir: string;
  let tokens: Record<string, string>;
  let signedUrl: string;
  let services: Services;
  // Plays are audited once per playback session: a test of the audit path moves the clock
  // past the session, so that its play begins one (in whole seconds: URLs expire on one).
  let now = START;
  const nextSession = () => {
    now += PLAYBACK_SESSION_MS + 1000;
  };

  before(async () => {
    const database = freshDatabase(dialect);
    drop = database.drop;
    store = await openStore(database.url);
    dataDir = mkdtempSync(join(tmpdir(), 'callgate-deny-'));
    tokens = await seedAccount(store, 'acme', START);
    services = createServices(
      { ...store, db: store.db.withPlugin(faults) },
      {
        dataDir,
        secretKey: Buffer.alloc(32, 7),
        now: () => now,
        rateLimits: false,
      },
    );
    app = await buildApp(services);
    const uploaded = await as('app', 'PUT', '/api/v1/calls/call-u4/recording', wav(2048, 4), {
      'content-type': 'audio/wav',
    });
    assert.equal(uploaded.statusCode, 204, uploaded.body);
    const issued = await as('u0', 'POST', '/api/v1/calls/call-u4/recording/url');
    signedUrl = (JSON.parse(issued.body) as { url: string }).url;
  });

  after(async () => {
    await app?.close();
    await store?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function as(
    who: string | null,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: { ...(who === null ? {} : { authorization: `Bearer ${tokens[who]}` }), ...headers },
      ...(body === undefined
        ? {}
        : { payload: Buffer.isBuffer(body) ? body : (body as Record<string, unknown>) }),
    });
  }

  const json = (response: LightMyRequestResponse) =>
    JSON.parse(response.body) as Record<string, unknown>;

  /**
   * `request` answers `healthy` with the store working; with queries on `tables` failing,
   * each kind of failure gives its error, and nothing that grants anything.
   */
  function deniesWhenFailing(
    name: string,
    tables: readonly string[],
    request: () => Promise<LightMyRequestResponse>,
    healthy: (response: LightMyRequestResponse) => boolean,
  ): void {
    test(`${name}, with ${tables.join(', ')} failing`, async () => {
      assert.ok(healthy(await request()), 'the request works while the store does');
      for (const failure of FAILURES) {
        faults.arm(tables, failure.error);
        let response;
        try {
          response = await request();
        } finally {
          faults.disarm();
        }
        const what = `${failure.name}: ${response.statusCode} ${response.body.slice(0, 200)}`;
        assert.equal(response.statusCode, failure.status, what);
        assert.match(String(response.headers['content-type']), /^application\/json/, what);
        const body = json(response);
        assert.deepEqual(Object.keys(body), ['error'], what);
        assert.equal((body.error as { code: string }).code, failure.code, what);
        if (failure.status === 503) assert.equal(response.headers['retry-after'], '1', what);
      }
      assert.ok(healthy(await request()), 'the request works again once the store does');
    });
  }

  const allowed = (response: LightMyRequestResponse) =>
    response.statusCode === 200 && json(response).allowed === true;

  const checkCall = () =>
    as('u0', 'POST', '/api/v1/permissions/check', {
      userId: 'u0',
      permission: 'recording.listen',
      callId: 'call-u4',
    });
  deniesWhenFailing('the check route about a call', ['calls'], checkCall, allowed);
  // The policy is cached: its version check must still fail closed, not fall back to it.
  deniesWhenFailing('the check route', ['accounts'], checkCall, allowed);
  deniesWhenFailing('the check route', ['tokens'], checkCall, allowed);

  const pbx = (to: string) => () =>
    as('app', 'GET', `/api/v1/pbx/authorize?from=100&to=${encodeURIComponent(to)}`);
  deniesWhenFailing('the PBX hook', ['accounts'], pbx('+14155550123'), allowed);
  deniesWhenFailing('the PBX hook', ['tokens'], pbx('+14155550123'), allowed);
  // A refusal is audited; an audit that cannot be written is an error, not a green light.
  deniesWhenFailing(
    'the PBX hook refusing a blocked number',
    ['audit_log'],
    pbx('+19005550000'),
    (response) => response.statusCode === 200 && json(response).allowed === false,
  );

  deniesWhenFailing(
    'an outbound call',
    ['calls'],
    () => as('u0', 'POST', '/api/v1/calls/outbound', { to: '+14155550123' }),
    (response) => response.statusCode === 201,
  );

  const play = () => as('u0', 'GET', '/api/v1/calls/call-u4/recording');
  const audio = (response: LightMyRequestResponse) =>
    (response.statusCode === 200 || response.statusCode === 206) &&
    response.headers['content-type'] === 'audio/wav';
  deniesWhenFailing('playing a recording', ['recordings'], play, audio);
  // Every read claims its playback session, or it is refused: no session, no audio.
  deniesWhenFailing('playing a recording', ['playback_sessions'], play, audio);
  // A read that begins a session is audited, whatever its range: no audit entry, no audio.
  const beginSession = (range?: string) => () => {
    nextSession();
    return as('u0', 'GET', '/api/v1/calls/call-u4/recording', undefined, range ? { range } : {});
  };
  for (const range of [undefined, 'bytes=1-', 'bytes=-100'])
    deniesWhenFailing(
      `playing a recording (${range ?? 'whole'}) that begins a playback session`,
      ['audit_log'],
      beginSession(range),
      audio,
    );

  deniesWhenFailing(
    'issuing a signed recording URL',
    ['recordings'],
    () => as('u0', 'POST', '/api/v1/calls/call-u4/recording/url'),
    (response) => response.statusCode === 200 && typeof json(response).url === 'string',
  );
  // Signed afresh for each request, in a new session: the clock moves past the first URL's expiry.
  const followFreshUrl = () => {
    nextSession();
    const issued = new URL(signedUrl, 'http://x').searchParams;
    const url = signRecordingUrl(services.secrets, {
      account: 'acme',
      call: 'call-u4',
      user: 'u0',
      rec: issued.get('rec')!,
      exp: Math.floor(now / 1000) + 60,
      download: false,
    });
    return as(null, 'GET', url);
  };
  for (const tables of [['accounts'], ['calls'], ['audit_log'], ['playback_sessions']])
    deniesWhenFailing('following a signed recording URL', tables, followFreshUrl, audio);
});

describe('faults: which store errors mean "retry later"', () => {
  // As the store raises them: marked by its driver.
  const coded = (code: string, message = code) =>
    markStoreError(Object.assign(new Error(message), { code }));
  test('connection failures, shutdowns and locks are unavailable', () => {
    const unavailable = [
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      coded('ECONNRESET', 'read ECONNRESET'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P03', 'the database system is starting up'),
      coded('08006', 'connection failure'),
      coded('53300', 'sorry, too many clients already'),
      coded('SQLITE_BUSY', 'database is locked'),
      coded('SQLITE_BUSY_SNAPSHOT'),
      coded('SQLITE_LOCKED'),
      markStoreError(new Error('Connection terminated unexpectedly')),
      markStoreError(new Error('timeout exceeded when trying to connect')),
      markStoreError(new Error('Client has encountered a connection error and is not queryable')),
      markStoreError(new AggregateError([coded('ECONNREFUSED')], 'connect failed')),
      new Error('wrapped', { cause: coded('ECONNREFUSED') }),
    ];
    for (const error of unavailable) assert.ok(isStoreUnavailable(error), error.message);
  });
  test('refusals by the database and bugs are not', () => {
    const others = [
      coded('23505', 'duplicate key value violates unique constraint'),
      coded('42P01', 'relation does not exist'),
      coded('SQLITE_CONSTRAINT_PRIMARYKEY'),
      coded('SQLITE_IOERR', 'disk I/O error'),
      coded('SQLITE_CORRUPT'),
      new TypeError('Cannot read properties of undefined'),
      'ECONNREFUSED',
      undefined,
      // The same codes from anything but the store: a client hanging up is no outage.
      Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
    ];
    for (const error of others) assert.equal(isStoreUnavailable(error), false, String(error));
  });
});
