import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { type Store, openStore } from '../src/store/database.js';
import { POSTGRES_URL, freshDatabase } from './databases.js';
import {
  type FaultCompany,
  type Proxy,
  type ServerProcess,
  call,
  listFiles,
  seedFaultCompany,
  send,
  sleep,
  startProxy,
  startServerProcess,
  wav,
} from './faults-harness.js';

/**
 * The database goes away under the running service: every request answers 503 with
 * Retry-After and the catalogue's body — never 500, never an allowed decision — and the
 * service recovers by itself once the database is back.
 */

type Answer = Awaited<ReturnType<typeof call>>;

/** A 503 in the catalogue's shape, with Retry-After, and nothing that reads as "allowed". */
function assertUnavailable(answer: Answer, what: string): void {
  assert.equal(answer.status, 503, `${what}: ${answer.status} ${answer.body}`);
  assert.ok(Number(answer.headers['retry-after']) > 0, `${what}: no Retry-After`);
  const body = JSON.parse(answer.body) as { error?: { code?: string }; allowed?: unknown };
  assert.equal(body.error?.code, 'unavailable', `${what}: ${answer.body}`);
  assert.equal(body.allowed, undefined, `${what}: an error that carries a decision`);
}

const field = (answer: Answer, name: string): unknown =>
  (JSON.parse(answer.body) as Record<string, unknown>)[name];

/** The questions asked of the service, by name, with what each answers when all is well. */
function routes(server: ServerProcess, company: FaultCompany, signedUrl: string) {
  return {
    check: {
      ask: () =>
        call(server, 'POST', '/api/v1/permissions/check', company.adminToken, {
          userId: 'u0',
          permission: 'outboundCall.perform',
          phoneNumber: '+14155550123',
        }),
      healthy: (a: Answer) => a.status === 200 && field(a, 'allowed') === true,
    },
    pbx: {
      ask: () =>
        call(server, 'GET', '/api/v1/pbx/authorize?from=1000&to=%2B14155550123', company.appToken),
      healthy: (a: Answer) => a.status === 200 && field(a, 'allowed') === true,
    },
    calls: {
      ask: () => call(server, 'GET', '/api/v1/calls?limit=5', company.adminToken),
      healthy: (a: Answer) => a.status === 200,
    },
    recording: {
      ask: () => call(server, 'GET', '/api/v1/calls/call-0/recording', company.adminToken),
      healthy: (a: Answer) => a.status === 200 && a.headers['content-type'] === 'audio/wav',
    },
    signedUrl: {
      ask: () =>
        call(server, 'POST', '/api/v1/calls/call-0/recording/url', company.adminToken, undefined),
      healthy: (a: Answer) => a.status === 200 && typeof field(a, 'url') === 'string',
    },
    followSigned: {
      ask: () => call(server, 'GET', signedUrl),
      healthy: (a: Answer) => a.status === 200 && a.headers['content-type'] === 'audio/wav',
    },
    ingest: {
      ask: () =>
        call(server, 'POST', '/api/v1/calls', company.appToken, {
          direction: 'inbound',
          phoneNumber: '+14155550101',
          startedAt: new Date().toISOString(),
          durationSec: 1,
          status: 'answered',
        }),
      healthy: (a: Answer) => a.status === 201,
    },
  };
}

const upload = (server: ServerProcess, token: string, callId: string, audio: Buffer) =>
  send(server, 'PUT', `/api/v1/calls/${callId}/recording`, {
    token,
    headers: { 'content-type': 'audio/wav' },
    body: audio,
  }).outcome;

describe('faults: PostgreSQL cut off under the running service', () => {
  let store: Store;
  let drop: () => Promise<void>;
  let dataDir: string;
  let company: FaultCompany;
  let proxy: Proxy;
  let server: ServerProcess;

  before(async () => {
    const database = freshDatabase('postgres');
    drop = database.drop;
    store = await openStore(database.url);
    company = await seedFaultCompany(store, 50, 5);
    const target = new URL(POSTGRES_URL);
    proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    dataDir = mkdtempSync(join(tmpdir(), 'callgate-outage-'));
    server = await startServerProcess(viaProxy.toString(), dataDir);
  });

  after(async () => {
    await server?.kill();
    await proxy?.close();
    await store?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('cut: 503 with Retry-After on every route, never allowed; back by itself once restored', async (t) => {
    const uploaded = await upload(server, company.appToken, 'call-0', wav(4096, 1));
    assert.equal(uploaded.kind === 'answered' && uploaded.status, 204);
    const issued = await call(
      server,
      'POST',
      '/api/v1/calls/call-0/recording/url',
      company.adminToken,
    );
    assert.equal(issued.status, 200, issued.body);
    const all = routes(server, company, (JSON.parse(issued.body) as { url: string }).url);
    for (const [name, route] of Object.entries(all))
      assert.ok(route.healthy(await route.ask()), `${name} before the cut`);

    // An ingest of 10,000 calls in flight when the connection dies.
    const big = send(server, 'POST', '/api/v1/calls', {
      token: company.appToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        items: Array.from({ length: 10_000 }, (_, i) => ({
          id: `cut-${i}`,
          userId: `u${i % 50}`,
          direction: 'outbound',
          phoneNumber: '+14155550123',
          startedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
          durationSec: 10,
          status: 'answered',
        })),
      }),
    });
    while (!big.bodySent()) await sleep(5);
    await sleep(150);

    await proxy.cut();
    const cutAt = performance.now();
    // Several rounds: the pool's idle connections are dead (first round), then new
    // connections are refused (later rounds); both must answer the same way.
    for (let round = 0; round < 3; round++) {
      for (const [name, route] of Object.entries(all))
        assertUnavailable(await route.ask(), `${name}, round ${round}`);
      const health = await call(server, 'GET', '/healthz');
      assert.equal(health.status, 503);
      // An upload refused mid-outage leaves no file behind.
      const refused = await upload(server, company.appToken, 'call-1', wav(8192, 2));
      assert.equal(refused.kind === 'answered' && refused.status, 503, JSON.stringify(refused));
      await sleep(200);
    }
    const inFlight = await big.outcome;
    assert.ok(
      inFlight.kind === 'answered' && [201, 503].includes(inFlight.status),
      `the ingest in flight: ${JSON.stringify(inFlight)}`,
    );
    assert.ok(server.alive(), `the server died:\n${server.output()}`);
    assert.deepEqual(
      listFiles(join(dataDir, 'recordings')).filter((f) => f.endsWith('.part')),
      [],
    );

    await proxy.restore();
    const restoredAt = performance.now();
    let recovered = false;
    while (!recovered && performance.now() - restoredAt < 10_000) {
      const answer = await all.check.ask();
      recovered = all.check.healthy(answer);
      if (!recovered) {
        // Until the pool has reconnected, only "unavailable" may come back.
        assertUnavailable(answer, 'check while recovering');
        await sleep(100);
      }
    }
    const recoveryMs = performance.now() - restoredAt;
    assert.ok(recovered, 'the service did not recover within 10 s of PostgreSQL coming back');
    for (const [name, route] of Object.entries(all))
      assert.ok(route.healthy(await route.ask()), `${name} after the outage`);
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);

    // The ingest cut mid-way is all there (it committed first) or not at all.
    const stored = Number(
      (
        await store.db
          .selectFrom('calls')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('account_id', '=', 'acme')
          .where('id', 'like', 'cut-%')
          .executeTakeFirstOrThrow()
      ).n,
    );
    assert.ok(stored === 0 || stored === 10_000, `${stored} of the cut ingest's calls`);
    t.diagnostic(
      `outage of ${Math.round(restoredAt - cutAt)} ms; the in-flight ingest answered ${
        inFlight.kind === 'answered' ? inFlight.status : 'nothing'
      } and stored ${stored} calls; recovered ${Math.round(recoveryMs)} ms after PostgreSQL came back`,
    );
  });
});

describe('faults: SQLite locked by another writer', () => {
  test('writes answer 503 with Retry-After, never a decision, then succeed', async () => {
    const database = freshDatabase('sqlite');
    const dataDir = mkdtempSync(join(tmpdir(), 'callgate-locked-'));
    const store = await openStore(database.url);
    const company = await seedFaultCompany(store, 20, 3);
    await store.close();
    const server = await startServerProcess(database.url, dataDir);
    const other = new SQLite(database.url);
    try {
      const all = routes(server, company, '/');
      assert.ok(all.pbx.healthy(await all.pbx.ask()));
      other.prepare('begin immediate').run();
      // Writes wait out the busy timeout (5 s), then give up with 503; reads go on.
      const [ingest, refusedDial] = await Promise.all([
        all.ingest.ask(),
        call(server, 'GET', '/api/v1/pbx/authorize?from=1000&to=nonsense', company.appToken),
        (async () => {
          assert.ok(all.calls.healthy(await all.calls.ask()), 'reads go on under the lock');
          assert.ok(all.pbx.healthy(await all.pbx.ask()), 'an allowed dial writes nothing');
        })(),
      ]);
      assertUnavailable(ingest, 'ingest under the lock');
      // A refusal is audited: under the lock it cannot be, and answers 503, not "allowed".
      assertUnavailable(refusedDial, 'a refused dial under the lock');
      other.prepare('rollback').run();
      assert.ok(all.ingest.healthy(await all.ingest.ask()), 'ingest after the lock');
    } finally {
      other.close();
      await server.kill();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
