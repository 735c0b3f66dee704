import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { openStore } from '../src/store/database.js';
import { runCallgate } from './cli-run.js';
import { runRetentionSweep } from '../src/api/retention.js';
import { listAudit } from '../src/store/audit.js';
import { findRecording } from '../src/store/recordings.js';
import { localRecordingStorage } from '../src/telephony/recording-storage.js';
import { sweepExpiredRecordings } from '../src/telephony/retention.js';
import { describeHttp, json, seedAccount } from './http.js';
import { wav } from './faults-harness.js';

const DAY = 86_400_000;

/**
 * Recording retention (issue 14): a per-account `retention` section, a sweep that deletes
 * recordings past it (never one under legal hold, each batch audited with its ids), and
 * bulk delete with per-call results. On both databases, with the clock moved forward.
 */
describeHttp('recording retention and bulk delete', (h) => {
  const upload = async (callId: string) => {
    const response = await h().request(
      'app',
      'PUT',
      `/api/v1/calls/${callId}/recording`,
      wav(2_000, callId.length),
      {
        'content-type': 'audio/wav',
      },
    );
    assert.equal(response.statusCode, 204, response.body);
  };

  test('retention is forever by default; an administrator sets it in days', async () => {
    const read = await h().request('u0', 'GET', '/api/v1/settings/retention');
    assert.equal(read.statusCode, 200);
    assert.deepEqual(json<{ value: unknown }>(read).value, { recordingsDays: null });
    const bad = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/retention',
      { recordingsDays: 0 },
      { 'if-match': '"0"' },
    );
    assert.equal(bad.statusCode, 400);
    const saved = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/retention',
      { recordingsDays: 30 },
      { 'if-match': '"0"' },
    );
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal((await h().request('u4', 'GET', '/api/v1/settings/retention')).statusCode, 403);
  });

  test('the sweep deletes recordings older than the period, keeps held and newer ones, audits the batch; a dry run deletes nothing', async () => {
    const storage = localRecordingStorage(h().services.config.dataDir);
    const start = h().clock.now;
    await upload('call-u4');
    await upload('call-u10');
    await upload('call-u6');
    const held = await h().request('u0', 'PUT', '/api/v1/calls/call-u10/recording/legal-hold', {
      reason: 'litigation',
    });
    assert.equal(held.statusCode, 200, held.body);
    h().clock.now = start + 20 * DAY;
    await upload('call-u5'); // 20 days younger than the others
    const db = h().store.db;

    h().clock.now = start + 29 * DAY;
    let result = await sweepExpiredRecordings(db, storage, { now: h().clock.now });
    assert.deepEqual(result.accounts[0]?.deleted, [], 'nothing is 30 days old yet');

    h().clock.now = start + 31 * DAY;
    const dry = await sweepExpiredRecordings(db, storage, { now: h().clock.now, dryRun: true });
    assert.deepEqual([...dry.accounts[0]!.deleted].sort(), ['call-u4', 'call-u6']);
    assert.deepEqual(dry.accounts[0]!.held, ['call-u10']);
    assert.ok(await findRecording(db, 'acme', 'call-u4'), 'a dry run deletes nothing');

    result = (await runRetentionSweep(h().services, storage, h().app.log))!;
    assert.deepEqual([...result.accounts[0]!.deleted].sort(), ['call-u4', 'call-u6']);
    assert.equal(await findRecording(db, 'acme', 'call-u4'), undefined);
    assert.equal(await findRecording(db, 'acme', 'call-u6'), undefined);
    assert.ok(await findRecording(db, 'acme', 'call-u10'), 'under legal hold: kept');
    assert.ok(await findRecording(db, 'acme', 'call-u5'), 'younger than the period: kept');
    const gone = await h().request('u0', 'GET', '/api/v1/calls/call-u4/recording');
    assert.equal(gone.statusCode, 404);
    const audit = (await listAudit(db, 'acme')).filter((e) => e.type === 'recordings.expired');
    assert.equal(audit.length, 1, 'one entry for the batch');
    assert.equal(audit[0]!.actor, 'system');
    assert.deepEqual([...(audit[0]!.detail as { callIds: string[] }).callIds].sort(), [
      'call-u4',
      'call-u6',
    ]);
    const again = await sweepExpiredRecordings(db, storage, { now: h().clock.now });
    assert.deepEqual(again.accounts[0]!.deleted, [], 'a second sweep finds nothing more');
    const metrics = await h().services.metrics.registry.getSingleMetricAsString(
      'callgate_recording_sweep_deleted_total',
    );
    assert.match(metrics, /callgate_recording_sweep_deleted_total 2/);
  });

  test('bulk delete: per-call results under the rules of a single delete', async () => {
    await upload('call-u4');
    await upload('call-u2');
    // u3 heads Sales East (u4, u10): no recording.delete at all by default.
    const refused = await h().request('u3', 'POST', '/api/v1/recordings/bulk-delete', {
      callIds: ['call-u4'],
    });
    assert.equal(refused.statusCode, 403);
    const answer = await h().request('u0', 'POST', '/api/v1/recordings/bulk-delete', {
      callIds: ['call-u4', 'call-u10', 'call-u9', 'no-such-call', 'call-u2'],
    });
    assert.equal(answer.statusCode, 200, answer.body);
    const body = json<{ deleted: number; items: { callId: string; status: string }[] }>(answer);
    assert.deepEqual(
      body.items.map((item) => [item.callId, item.status]),
      [
        ['call-u4', 'deleted'],
        ['call-u10', 'legal_hold'],
        ['call-u9', 'not_found'],
        ['no-such-call', 'not_found'],
        ['call-u2', 'deleted'],
      ],
    );
    assert.equal(body.deleted, 2);
    const deletions = (await listAudit(h().store.db, 'acme')).filter(
      (entry) => entry.type === 'recording.deleted',
    );
    assert.deepEqual(deletions.map((entry) => entry.subject).sort(), ['call-u2', 'call-u4']);
    const tooMany = await h().request('u0', 'POST', '/api/v1/recordings/bulk-delete', {
      callIds: Array.from({ length: 1001 }, (_, i) => `c${i}`),
    });
    assert.equal(tooMany.statusCode, 400);
  });
});

test('callgate recordings sweep: a dry run lists, a run deletes and audits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-sweep-'));
  const db = join(dir, 'callgate.db');
  const dataDir = join(dir, 'data');
  try {
    const store = await openStore(db);
    // Stored 30 days before this run: past a 7-day retention.
    const clock = { now: Date.now() - 30 * DAY };
    const services = createServices(store, {
      secretKey: Buffer.alloc(32, 4),
      dataDir,
      rateLimits: false,
      now: () => clock.now,
    });
    const app = await buildApp(services);
    const tokens = await seedAccount(store, 'acme', clock.now);
    const put = (url: string, payload: unknown, token: string, headers = {}) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${token}`, ...headers },
        payload: payload as string,
      });
    for (const callId of ['call-u4', 'call-u6'])
      assert.equal(
        (
          await put(`/api/v1/calls/${callId}/recording`, wav(2_000, 1), tokens.app!, {
            'content-type': 'audio/wav',
          })
        ).statusCode,
        204,
      );
    assert.equal(
      (
        await put('/api/v1/settings/retention', { recordingsDays: 7 }, tokens.u0!, {
          'if-match': '"0"',
        })
      ).statusCode,
      200,
    );
    await app.close();
    await store.close();
    const dry = await runCallgate([
      'recordings',
      'sweep',
      '--db',
      db,
      '--data-dir',
      dataDir,
      '--dry-run',
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /acme: keeps 7 day\(s\); would delete 2 recording\(s\): call-u4, call-u6/,
    );
    const run = await runCallgate([
      'recordings',
      'sweep',
      '--db',
      db,
      '--data-dir',
      dataDir,
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { accounts: { deleted: string[] }[] };
    assert.deepEqual(result.accounts[0]!.deleted, ['call-u4', 'call-u6']);
    const after = await openStore(db);
    try {
      assert.equal(await findRecording(after.db, 'acme', 'call-u4'), undefined);
      const entries = (await listAudit(after.db, 'acme')).filter(
        (entry) => entry.type === 'recordings.expired',
      );
      assert.equal(entries.length, 1);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
