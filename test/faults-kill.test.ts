import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type Store, openStore } from '../src/store/database.js';
import { POSTGRES_URL, describeOnEachDialect, freshDatabase } from './databases.js';
import {
  type FaultCompany,
  type ServerProcess,
  type Outcome,
  type Tracked,
  call,
  fileDigest,
  listFiles,
  seedFaultCompany,
  send,
  sha256,
  sleep,
  startServerProcess,
  wav,
} from './faults-harness.js';

/**
 * SIGKILL in the middle of a write, then a restart on the same database and data directory:
 * each operation is in the database whole or not at all, its audit entry is there exactly
 * when its data is, an acknowledged write survives, and no recording file is half-written,
 * temporary or unnamed by a row.
 */

/** Where a killed request stood: answered before the kill, cut while sending, cut while the server worked. */
type Landing = 'answered' | 'sending' | 'inside';

function landingOf(tracked: Tracked): Landing {
  if (tracked.answered()) return 'answered';
  return tracked.bodySent() ? 'inside' : 'sending';
}

function tally(landings: readonly Landing[]): string {
  const count = (kind: Landing) => landings.filter((l) => l === kind).length;
  return `${landings.length} trials: ${count('inside')} killed after the request was sent and before its answer, ${count('sending')} while sending, ${count('answered')} after the answer`;
}

const countOf = (rows: { n: unknown }[]): number => Number(rows[0]?.n ?? 0);

describeOnEachDialect('faults: SIGKILL in the middle of a write', (dialect) => {
  let store: Store;
  let dbUrl: string;
  let drop: () => Promise<void>;
  let dataDir: string;
  let company: FaultCompany;
  let server: ServerProcess;
  const applicationName = `cg_faults_${process.pid}_${dialect}`;

  before(async () => {
    const database = freshDatabase(dialect);
    drop = database.drop;
    // On PostgreSQL the server's connections carry a name, so a test can wait for the killed
    // server's backends to end (and with them its open transactions) before it looks.
    dbUrl =
      dialect === 'postgres' ? `${database.url}&application_name=${applicationName}` : database.url;
    dataDir = mkdtempSync(join(tmpdir(), 'callgate-faults-'));
    store = await openStore(database.url);
    company = await seedFaultCompany(store, 2_000, 20);
    server = await startServerProcess(dbUrl, dataDir);
  });

  after(async () => {
    await server?.kill();
    await store?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Until the killed server's PostgreSQL backends are gone: its transactions are over. */
  async function deadServerSettled(): Promise<void> {
    if (dialect !== 'postgres') return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      for (let i = 0; i < 200; i++) {
        const { rows } = await client.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        if (Number(rows[0]?.n) === 0) return;
        await sleep(25);
      }
      throw new Error('the killed server still has PostgreSQL backends after 5 s');
    } finally {
      await client.end();
    }
  }

  /**
   * One signed-in request, so the next trial's kill falls in its operation and not in the
   * first request's loading of the account's policy.
   */
  async function warmUp(): Promise<void> {
    const answer = await call(server, 'GET', '/api/v1/role-assignments', company.adminToken);
    assert.equal(answer.status, 200, answer.body);
  }

  const auditCount = async (type: string, subject?: string) =>
    countOf(
      await store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_id', '=', 'acme')
        .where('type', '=', type)
        .$if(subject !== undefined, (qb) => qb.where('subject', '=', subject!))
        .execute(),
    );

  /** Every recording row has its whole file, every file has its row, nothing is temporary. */
  async function assertRecordingsConsistent(context: string): Promise<void> {
    const rows = await store.db
      .selectFrom('recordings')
      .innerJoin('calls', (join) =>
        join
          .onRef('calls.account_id', '=', 'recordings.account_id')
          .onRef('calls.id', '=', 'recordings.call_id'),
      )
      .select([
        'recordings.call_id',
        'recordings.storage_key',
        'recordings.size_bytes',
        'recordings.sha256',
        'calls.recording_ref',
      ])
      .where('recordings.account_id', '=', 'acme')
      .execute();
    const root = join(dataDir, 'recordings');
    const files = listFiles(root);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.part')),
      [],
      `${context}: temporary upload files left`,
    );
    assert.deepEqual(
      [...files].sort(),
      rows.map((r) => r.storage_key).sort(),
      `${context}: files and recording rows differ`,
    );
    for (const row of rows) {
      assert.equal(row.recording_ref, row.storage_key, `${context}: call ${row.call_id} ref`);
      assert.deepEqual(
        fileDigest(join(root, row.storage_key)),
        { size: row.size_bytes, sha256: row.sha256 },
        `${context}: the file of ${row.call_id} is not the one recorded`,
      );
    }
  }

  // ——— The three operations, each with what "all or none" means for it ———————————————

  const INGEST_SIZE = 10_000;
  const ingestBody = (prefix: string) =>
    JSON.stringify({
      items: Array.from({ length: INGEST_SIZE }, (_, i) => ({
        id: `${prefix}-${i}`,
        userId: `u${i % 1_000}`,
        direction: i % 2 === 0 ? 'inbound' : 'outbound',
        phoneNumber: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
        startedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
        durationSec: i % 900,
        status: 'answered',
        cost: 0.01,
        currency: 'USD',
      })),
    });
  const ingest = (prefix: string) =>
    send(server, 'POST', '/api/v1/calls', {
      token: company.appToken,
      headers: { 'content-type': 'application/json' },
      body: ingestBody(prefix),
    });
  const callsStored = async (prefix: string) =>
    countOf(
      await store.db
        .selectFrom('calls')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_id', '=', 'acme')
        .where('id', 'like', `${prefix}-%`)
        .execute(),
    );

  /** Each save's set is told apart by the expiry its per-user assignments carry. */
  const marker = (trial: number) => Date.UTC(2030, 0, 1 + trial);
  const assignmentItems = (trial: number) => [
    { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
    { roleId: 'manager', accessCode: 'departmentTree:root', expiresAt: null },
    ...Array.from({ length: company.users - 1 }, (_, i) => ({
      roleId: 'head-of-department',
      accessCode: `user:u${i + 1}`,
      expiresAt: new Date(marker(trial)).toISOString(),
    })),
  ];
  const assignmentsVersion = async () =>
    (
      await store.db
        .selectFrom('accounts')
        .select('assignments_version')
        .where('id', '=', 'acme')
        .executeTakeFirstOrThrow()
    ).assignments_version;
  /** The markers of the stored set (exactly one when the set is whole) and its size. */
  const storedAssignments = async () => {
    const rows = await store.db
      .selectFrom('role_assignments')
      .select('expires_at')
      .where('account_id', '=', 'acme')
      .execute();
    const markers = new Set(rows.flatMap((r) => (r.expires_at === null ? [] : [r.expires_at])));
    return { markers: [...markers], size: rows.length };
  };
  const saveAssignments = (trial: number, basedOn: number) =>
    send(server, 'PUT', '/api/v1/role-assignments', {
      token: company.adminToken,
      headers: { 'content-type': 'application/json', 'if-match': `"${basedOn}"` },
      body: JSON.stringify({ items: assignmentItems(trial) }),
    });

  const UPLOAD_BYTES = 256 * 1024;
  /** A slow upload: 16 pieces, 8 ms apart. */
  const upload = (callId: string, audio: Buffer) =>
    send(server, 'PUT', `/api/v1/calls/${callId}/recording`, {
      token: company.appToken,
      headers: { 'content-type': 'audio/wav' },
      body: audio,
      chunks: 16,
      pauseMs: 8,
    });
  const recordingSha = async (callId: string) =>
    (
      await store.db
        .selectFrom('recordings')
        .select('sha256')
        .where('account_id', '=', 'acme')
        .where('call_id', '=', callId)
        .executeTakeFirst()
    )?.sha256;

  const timed = async (tracked: Tracked, expected: number): Promise<number> => {
    const started = performance.now();
    const outcome = await tracked.outcome;
    assert.equal(outcome.kind === 'answered' && outcome.status, expected, JSON.stringify(outcome));
    return performance.now() - started;
  };

  test('SIGKILL during an ingest of 10,000 calls, an assignment save and a slow upload: each is all or nothing', async (t) => {
    await warmUp();
    // Each operation once, undisturbed, says how long it takes here.
    const durations = {
      ingest: await timed(ingest('base'), 201),
      assignments: await timed(saveAssignments(0, await assignmentsVersion()), 200),
      upload: await timed(upload('call-0', wav(UPLOAD_BYTES, 0)), 204),
    };
    let currentMarker = marker(0);
    const landings = {
      ingest: [] as Landing[],
      assignments: [] as Landing[],
      upload: [] as Landing[],
    };
    const applied = { ingest: 0, assignments: 0, upload: 0 };

    const trials = 6;
    // Odd trials run an ingest and an assignment save side by side and kill at a different
    // fraction of each: the kill comes `killAt` ms into the trial, and each starts so that it
    // is a third, all, or five thirds of its undisturbed time old then (side by side they slow
    // each other down, so some commit before the kill and some do not). Even trials run a
    // slow upload alone — on SQLite an open ingest transaction holds the one connection and
    // the upload would never get to write — and kill while its body streams in or just after
    // its last byte, when the server checks, places and commits it.
    const killAt = Math.max(durations.ingest, durations.assignments) * 1.9 + 20;
    const fraction = (k: number, shift: number) => ((((k + shift) % 3) + 0.5) / 3) * 2;
    const startAt = async (t0: number, ms: number, start: () => Tracked): Promise<Tracked> => {
      await sleep(Math.max(0, t0 + ms - performance.now()));
      return start();
    };
    const root = join(dataDir, 'recordings');
    let partsAtKill = 0;
    for (let trial = 1; trial <= trials; trial++) {
      const k = (trial - 1) >> 1;
      const prefix = `kill${trial}`;
      // Uploads replace call-0's recording, or give a call its first.
      const callId = k === 1 ? `call-${trial}` : 'call-0';
      const audio = wav(UPLOAD_BYTES, trial);
      const before = {
        ingestAudit: await auditCount('calls.imported'),
        version: await assignmentsVersion(),
        assignmentAudit: await auditCount('assignments.replaced'),
        sha: await recordingSha(callId),
        uploadAudit: await auditCount('recording.uploaded', callId),
      };
      let ingesting: Tracked | undefined;
      let saving: Tracked | undefined;
      let uploading: Tracked | undefined;
      if (trial % 2 === 1) {
        const t0 = performance.now();
        [ingesting, saving] = await Promise.all([
          startAt(t0, killAt - fraction(k, 0) * durations.ingest, () => ingest(prefix)),
          startAt(t0, killAt - fraction(k, 1) * durations.assignments, () =>
            saveAssignments(trial, before.version),
          ),
        ]);
        await sleep(Math.max(0, t0 + killAt - performance.now()));
      } else {
        const tracked = upload(callId, audio);
        uploading = tracked;
        // Once the server writes the temporary file: at once, or half-way through the body.
        const writing = () => listFiles(root).some((file) => file.endsWith('.part'));
        if (k < 2) {
          while (!writing() && !tracked.answered()) await sleep(2);
          await sleep(k * 60);
        } else {
          while (!tracked.bodySent() && !tracked.answered()) await sleep(1);
        }
      }
      if (ingesting) landings.ingest.push(landingOf(ingesting));
      if (saving) landings.assignments.push(landingOf(saving));
      if (uploading) landings.upload.push(landingOf(uploading));
      await server.kill();
      partsAtKill += listFiles(root).filter((file) => file.endsWith('.part')).length;
      await deadServerSettled();
      server = await startServerProcess(dbUrl, dataDir);
      await warmUp();
      const [ingested, saved, uploaded] = await Promise.all(
        [ingesting, saving, uploading].map((tracked) => Promise.resolve(tracked?.outcome)),
      );
      const acknowledged = (outcome: Outcome | undefined, status: number) =>
        outcome?.kind === 'answered' && outcome.status === status;

      // Ingest: every call of the request, or none; the audit entry iff the calls.
      const stored = await callsStored(prefix);
      assert.ok(stored === 0 || stored === INGEST_SIZE, `trial ${trial}: ${stored} calls stored`);
      if (acknowledged(ingested, 201))
        assert.equal(stored, INGEST_SIZE, `trial ${trial}: ingest lost`);
      assert.equal(
        (await auditCount('calls.imported')) - before.ingestAudit,
        stored === INGEST_SIZE ? 1 : 0,
        `trial ${trial}: the audit log disagrees with the ingested calls`,
      );
      if (stored > 0) applied.ingest++;

      // Assignments: the new set whole or the old one whole; version and audit agree.
      const set = await storedAssignments();
      assert.equal(set.markers.length, 1, `trial ${trial}: a mixed set ${set.markers.join(', ')}`);
      assert.equal(set.size, company.users + 1, `trial ${trial}: ${set.size} assignments`);
      const replaced = set.markers[0] === marker(trial);
      assert.ok(replaced || set.markers[0] === currentMarker, `trial ${trial}: an unknown set`);
      if (acknowledged(saved, 200)) assert.ok(replaced, `trial ${trial}: assignment save lost`);
      assert.equal(await assignmentsVersion(), before.version + (replaced ? 1 : 0));
      assert.equal(
        (await auditCount('assignments.replaced')) - before.assignmentAudit,
        replaced ? 1 : 0,
        `trial ${trial}: the audit log disagrees with the assignments`,
      );
      if (replaced) {
        currentMarker = marker(trial);
        applied.assignments++;
      }

      // Upload: the new recording or the old one, each with its whole file; audit iff new.
      const sha = await recordingSha(callId);
      const uploadedNew = sha === sha256(audio);
      assert.ok(uploadedNew || sha === before.sha, `trial ${trial}: an unknown recording`);
      if (acknowledged(uploaded, 204)) assert.ok(uploadedNew, `trial ${trial}: upload lost`);
      assert.equal(
        (await auditCount('recording.uploaded', callId)) - before.uploadAudit,
        uploadedNew ? 1 : 0,
        `trial ${trial}: the audit log disagrees with the recording`,
      );
      if (uploadedNew) applied.upload++;
      await assertRecordingsConsistent(`trial ${trial}`);
    }
    t.diagnostic(`temporary upload files on disk at the kills: ${partsAtKill}, all swept`);
    assert.ok(partsAtKill > 0, 'no kill caught an upload writing its temporary file');
    for (const op of ['ingest', 'assignments', 'upload'] as const) {
      t.diagnostic(
        `${op} (undisturbed ${Math.round(durations[op])} ms): ${tally(landings[op])}; committed in ${applied[op]}`,
      );
      assert.ok(
        landings[op].includes('inside'),
        `no kill landed inside the ${op}: ${tally(landings[op])}`,
      );
    }
    // The service works after the last restart.
    assert.equal((await ingest('after').outcome).kind, 'answered');
  });

  test('start-up sweep: temporary and unnamed recording files a crash left are removed, recordings kept', async () => {
    await server.kill();
    await deadServerSettled();
    const root = join(dataDir, 'recordings');
    const leftovers = [
      'acme/.upload-00000000-0000-0000-0000-000000000000.part',
      'acme/call-3.11111111-1111-1111-1111-111111111111.wav',
      'gone-account/.upload-22222222-2222-2222-2222-222222222222.part',
    ];
    const kept = listFiles(root);
    assert.ok(kept.length > 0, 'the upload test left recordings to keep');
    for (const file of leftovers) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), wav(1024, 99));
    }
    // A stale upload from long ago, as after a crash that nobody restarted for a while.
    const old = new Date(Date.now() - 86_400_000);
    utimesSync(join(root, leftovers[0]!), old, old);
    server = await startServerProcess(dbUrl, dataDir);
    assert.deepEqual(listFiles(root).sort(), [...kept].sort());
    await assertRecordingsConsistent('after the sweep');
    // The recordings kept still play.
    const [first] = await store.db
      .selectFrom('recordings')
      .select('call_id')
      .where('account_id', '=', 'acme')
      .execute();
    const played = await call(
      server,
      'GET',
      `/api/v1/calls/${first!.call_id}/recording`,
      company.adminToken,
    );
    assert.equal(played.status, 200);
  });

  test('a client that disconnects mid-upload leaves no temporary file and no recording', async () => {
    const root = join(dataDir, 'recordings');
    const callId = 'call-19';
    const tracked = send(server, 'PUT', `/api/v1/calls/${callId}/recording`, {
      token: company.appToken,
      headers: { 'content-type': 'audio/wav' },
      body: wav(256 * 1024, 19),
      chunks: 32,
      pauseMs: 10,
    });
    // Until the server has started writing the temporary file, then go away.
    for (let i = 0; i < 200 && !listFiles(root).some((f) => f.endsWith('.part')); i++)
      await sleep(5);
    assert.ok(
      listFiles(root).some((f) => f.endsWith('.part')),
      'the upload never started',
    );
    tracked.abort();
    assert.equal((await tracked.outcome).kind, 'cut');
    for (let i = 0; i < 200 && listFiles(root).some((f) => f.endsWith('.part')); i++)
      await sleep(10);
    await assertRecordingsConsistent('after the disconnect');
    assert.equal(await auditCount('recording.uploaded', callId), 0);
    // The server is still serving.
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
    const row = await store.db
      .selectFrom('recordings')
      .select('call_id')
      .where('account_id', '=', 'acme')
      .where('call_id', '=', callId)
      .executeTakeFirst();
    assert.equal(row, undefined);
  });
});
