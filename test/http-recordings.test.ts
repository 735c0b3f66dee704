import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { DEFAULT_RECORDINGS_FOLDER, type FolderAccessEntry } from '../src/engine/policy.js';
import type { Role } from '../src/engine/roles.js';
import { bumpVersions } from '../src/store/accounts.js';
import { type AuditEntry, listAudit } from '../src/store/audit.js';
import { findCall } from '../src/store/calls.js';
import { replaceRecordingsFolder } from '../src/store/permissions.js';
import { importCalls } from '../src/telephony/calls.js';
import { generateDemoWav, seedDemoRecordings } from '../src/telephony/demo-audio.js';
import { seedDemo } from '../src/telephony/demo.js';
import { exportPermissions, importPermissions } from '../src/telephony/permissions.js';
import { sniffAudioFormat } from '../src/telephony/recordings/format.js';
import { PLAYBACK_SESSION_MS } from '../src/telephony/recordings/listening.js';
import { mintToken } from '../src/telephony/tokens.js';
import { role } from './fixtures.js';
import { type Harness, START, describeHttp, json, seedAccount } from './http.js';

type ErrorBody = { error: { code: string; message: string; [key: string]: unknown } };
const errorOf = (response: LightMyRequestResponse) => json<ErrorBody>(response).error;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

const recordingsDir = (h: Harness) => join(h.services.config.dataDir, 'recordings');
const recordingUrl = (callId: string, suffix = '') => `/api/v1/calls/${callId}/recording${suffix}`;

function upload(
  h: Harness,
  callId: string,
  body: Buffer,
  contentType = 'audio/wav',
  as: string = 'app',
): Promise<LightMyRequestResponse> {
  return h.request(as, 'PUT', recordingUrl(callId), body, { 'content-type': contentType });
}

/** Adds roles and assignments to acme's permissions for the length of `run`, then restores them. */
async function withPermissions(
  h: Harness,
  extra: { roles: Role[]; assignments: { roleId: string; accessCode: string }[] },
  run: () => Promise<void>,
): Promise<void> {
  const { db } = h.store;
  const original = await exportPermissions(db, 'acme');
  const save = (document: unknown) =>
    db.transaction().execute((trx) =>
      importPermissions(trx, 'acme', document, {
        dryRun: false,
        actor: 'operator',
        now: h.clock.now,
      }),
    );
  await save({
    roles: [...original.roles, ...extra.roles],
    assignments: [
      ...original.assignments,
      ...extra.assignments.map((a) => ({ ...a, expiresAt: null })),
    ],
  });
  try {
    await run();
  } finally {
    await save(original);
  }
}

/** Replaces acme's "Recorded calls" folder access list; bumping the version reloads the policy. */
async function setFolder(h: Harness, entries: readonly FolderAccessEntry[]): Promise<void> {
  await h.store.db.transaction().execute(async (trx) => {
    await replaceRecordingsFolder(trx, 'acme', entries);
    await bumpVersions(trx, 'acme');
  });
}

/**
 * Moves the clock past every playback session begun so far, so the next read of each
 * recording begins one. Tests put the clock back to START when done, so the clock this
 * moves to only grows, staying past sessions begun by earlier tests.
 */
let latest = START;
function startNewSessions(h: Harness): void {
  // Whole seconds: signed URLs expire on a second.
  latest = Math.max(latest, h.clock.now) + PLAYBACK_SESSION_MS + 1000;
  h.clock.now = latest;
}

/** Puts the clock back to START, remembering how far it went for startNewSessions. */
function resetClock(h: Harness): void {
  latest = Math.max(latest, h.clock.now);
  h.clock.now = START;
}

/** The audit entries written since `lastId`, oldest first. */
async function auditInOrder(h: Harness, lastId: number): Promise<AuditEntry[]> {
  return (await auditSince(h, lastId)).reverse();
}

async function auditSince(h: Harness, lastId: number): Promise<AuditEntry[]> {
  return (await listAudit(h.store.db, 'acme', 200)).filter((entry) => entry.id > lastId);
}
async function lastAuditId(h: Harness): Promise<number> {
  return (await listAudit(h.store.db, 'acme', 1))[0]?.id ?? 0;
}

describeHttp('recordings', (h) => {
  // Per suite: a test replaces a recording, and each dialect starts from the same audio.
  const AUDIO = {
    'call-u4': generateDemoWav(1),
    'call-u6': generateDemoWav(2),
    'call-u10': generateDemoWav(3),
    'call-none': generateDemoWav(4),
  };

  test('the generated demo audio is a real WAV: 8 kHz 16-bit mono PCM of 3 to 6 seconds', () => {
    for (const seed of [0, 1, 2, 3, 17]) {
      const wav = generateDemoWav(seed);
      assert.equal(sniffAudioFormat(wav), 'wav');
      assert.equal(wav.toString('latin1', 12, 16), 'fmt ');
      assert.equal(wav.readUInt16LE(20), 1, 'PCM');
      assert.equal(wav.readUInt16LE(22), 1, 'mono');
      assert.equal(wav.readUInt32LE(24), 8000);
      assert.equal(wav.readUInt16LE(34), 16);
      assert.equal(wav.readUInt32LE(40), wav.length - 44);
      const seconds = (wav.length - 44) / 16000;
      assert.ok(seconds >= 3 && seconds <= 6, `${seconds} s`);
      assert.ok(
        wav.subarray(44).some((byte) => byte !== 0),
        'not silence',
      );
    }
    assert.notEqual(sha256(generateDemoWav(1)), sha256(generateDemoWav(2)));
    assert.equal(sha256(generateDemoWav(5)), sha256(generateDemoWav(5)));
  });

  test('an application with calls.write uploads recordings; the call points at the stored file', async () => {
    for (const [callId, audio] of Object.entries(AUDIO)) {
      const response = await upload(h(), callId, audio);
      assert.equal(response.statusCode, 204, `${callId}: ${response.body}`);
    }
    const call = await findCall(h().store.db, 'acme', 'call-u4');
    assert.ok(call?.recordingRef, 'calls.recording_ref is set');
    assert.ok(existsSync(join(recordingsDir(h()), call.recordingRef)));
    assert.ok(call.recordingRef.startsWith('acme/'), call.recordingRef);
    const uploaded = (await auditSince(h(), 0)).filter((e) => e.type === 'recording.uploaded');
    assert.equal(uploaded.length, 4);
    assert.equal(uploaded[0]?.actor, 'user:u0');
    assert.deepEqual(uploaded[0]?.detail, { appId: 'pbx-app' });
  });

  test('a user token (no calls.write scope) cannot upload', async () => {
    const response = await upload(h(), 'call-u4', AUDIO['call-u4'], 'audio/wav', 'u4');
    assert.equal(response.statusCode, 403);
    assert.equal(errorOf(response).code, 'scope_missing');
  });

  test('the owner plays their recording: the same bytes, with type, length, ETag and Accept-Ranges', async () => {
    const response = await h().request('u4', 'GET', recordingUrl('call-u4'));
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(response.rawPayload.equals(AUDIO['call-u4']));
    assert.equal(response.headers['content-type'], 'audio/wav');
    assert.equal(response.headers['content-length'], String(AUDIO['call-u4'].length));
    assert.equal(response.headers['accept-ranges'], 'bytes');
    assert.equal(response.headers.etag, `"${sha256(AUDIO['call-u4'])}"`);
    assert.equal(response.headers['content-disposition'], undefined);

    const meta = await h().request('u4', 'GET', recordingUrl('call-u4', '/meta'));
    assert.equal(meta.statusCode, 200);
    assert.deepEqual(json(meta), {
      contentType: 'audio/wav',
      sizeBytes: AUDIO['call-u4'].length,
      sha256: sha256(AUDIO['call-u4']),
      createdAt: new Date(START).toISOString(),
      legalHold: null,
    });
  });

  test("another's call, a call no employee took and an unknown call are all 404 to a Manager", async () => {
    for (const callId of ['call-u10', 'call-none', 'call-nope']) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/meta'],
        ['POST', '/url'],
      ] as const) {
        const response = await h().request('u4', method, recordingUrl(callId, suffix));
        assert.equal(response.statusCode, 404, `${method} ${callId}${suffix}`);
        assert.equal(errorOf(response).code, 'not_found');
      }
    }
    // The administrator reaches every call, and sees that call-u9 has no recording.
    assert.equal((await h().request('u0', 'GET', recordingUrl('call-u10'))).statusCode, 200);
    assert.equal((await h().request('u0', 'GET', recordingUrl('call-none'))).statusCode, 200);
    assert.equal((await h().request('u0', 'GET', recordingUrl('call-u9'))).statusCode, 404);
  });

  test('Range: one range answers 206 with Content-Range; anything else is 416 with bytes */size', async () => {
    const audio = AUDIO['call-u4'];
    const size = audio.length;
    const ranged = (range: string, extra: Record<string, string> = {}) =>
      h().request('u4', 'GET', recordingUrl('call-u4'), undefined, { range, ...extra });

    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=-5', size - 5, size - 1],
      ['bytes=5-', 5, size - 1],
      [`bytes=100-${size + 1000}`, 100, size - 1],
      [`bytes=-${size + 10}`, 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const response = await ranged(range);
      assert.equal(response.statusCode, 206, range);
      assert.equal(response.headers['content-range'], `bytes ${start}-${end}/${size}`, range);
      assert.equal(response.headers['content-length'], String(end - start + 1), range);
      assert.ok(response.rawPayload.equals(audio.subarray(start, end + 1)), range);
    }
    assert.equal((await ranged('bytes=0-9')).rawPayload.length, 10);

    for (const range of [
      'bytes=999999-',
      `bytes=${size}-`,
      'bytes=abc',
      'bytes=0-1,4-5',
      'bytes=9-3',
      'bytes=-0',
      'items=0-9',
      'bytes=-',
    ]) {
      const response = await ranged(range);
      assert.equal(response.statusCode, 416, range);
      assert.equal(response.headers['content-range'], `bytes */${size}`, range);
      assert.equal(errorOf(response).code, 'range_not_satisfiable', range);
    }

    // If-Range naming another version: the range would be of other bytes, so the whole file comes.
    const stale = await ranged('bytes=0-9', { 'if-range': '"0000"' });
    assert.equal(stale.statusCode, 200);
    assert.equal(stale.rawPayload.length, size);
    const current = await ranged('bytes=0-9', { 'if-range': `"${sha256(audio)}"` });
    assert.equal(current.statusCode, 206);
  });

  test('plays and downloads are audited apart, once per playback session whatever the ranges: bytes=1- and bytes=-N included (issue 10.3)', async () => {
    try {
      startNewSessions(h());
      let mark = await lastAuditId(h());
      const whole = AUDIO['call-u4'];
      const get = (as: string, range?: string, download = false) =>
        h().request(
          as,
          'GET',
          recordingUrl('call-u4') + (download ? '?download=1' : ''),
          undefined,
          range === undefined ? {} : { range },
        );
      // A whole file taken in two ranges, neither from byte 0, is still a play.
      const tail = await get('u4', 'bytes=1-');
      assert.equal(tail.statusCode, 206);
      const last = await get('u4', `bytes=-${whole.length}`);
      assert.equal(last.statusCode, 206);
      assert.ok(last.rawPayload.equals(whole), 'bytes=-N served the whole recording');
      assert.equal((await get('u4')).statusCode, 200);
      assert.equal((await get('u4', 'bytes=0-99')).statusCode, 206);
      const downloaded = await get('u4', 'bytes=-10', true);
      assert.equal(downloaded.statusCode, 206);
      assert.equal(
        downloaded.headers['content-disposition'],
        'attachment; filename="recording-call-u4.wav"',
      );
      assert.equal((await get('u4', undefined, true)).statusCode, 200);
      assert.equal((await get('u0', 'bytes=5-')).statusCode, 206);
      let events = await auditInOrder(h(), mark);
      assert.deepEqual(
        events.map((e) => [e.type, e.actor, e.subject]),
        [
          ['recording.played', 'user:u4', 'call-u4'],
          ['recording.downloaded', 'user:u4', 'call-u4'],
          ['recording.played', 'user:u0', 'call-u4'],
        ],
      );

      // A refused read serves nothing and audits nothing, even in a new window.
      startNewSessions(h());
      mark = await lastAuditId(h());
      assert.equal((await get('u4', `bytes=${whole.length}-`)).statusCode, 416);
      assert.equal((await get('u10', 'bytes=1-')).statusCode, 404);
      assert.deepEqual(await auditInOrder(h(), mark), []);
      // The session ends with its window: the next read begins another.
      assert.equal((await get('u4', 'bytes=-1')).statusCode, 206);
      h().clock.now += PLAYBACK_SESSION_MS - 1;
      assert.equal((await get('u4', 'bytes=2-3')).statusCode, 206);
      h().clock.now += 1;
      assert.equal((await get('u4', 'bytes=2-3')).statusCode, 206);
      events = await auditInOrder(h(), mark);
      assert.deepEqual(
        events.map((e) => [e.type, e.actor]),
        [
          ['recording.played', 'user:u4'],
          ['recording.played', 'user:u4'],
        ],
      );

      // A replaced recording is another recording: its first read begins a session.
      mark = await lastAuditId(h());
      const play6 = () =>
        h().request('u6', 'GET', recordingUrl('call-u6'), undefined, { range: 'bytes=10-' });
      assert.equal((await play6()).statusCode, 206);
      const replacement = generateDemoWav(40);
      assert.equal((await upload(h(), 'call-u6', replacement)).statusCode, 204);
      AUDIO['call-u6'] = replacement;
      assert.equal((await play6()).statusCode, 206);
      assert.equal((await play6()).statusCode, 206);
      assert.deepEqual(
        (await auditInOrder(h(), mark)).map((e) => [e.type, e.actor]),
        [
          ['recording.played', 'user:u6'],
          ['recording.uploaded', 'user:u0'],
          ['recording.played', 'user:u6'],
        ],
      );
    } finally {
      resetClock(h());
    }
  });

  test('a playback session is claimed in the database: reads racing on two servers audit it once (issue 10.3)', async () => {
    // A second server over the same database: its own policy cache, token cache and limits.
    const other = await buildApp(
      createServices(h().store, {
        operatorToken: 'another-operator-token',
        dataDir: h().services.config.dataDir,
        secretKey: Buffer.alloc(32, 7),
        maxRecordingBytes: h().services.config.maxRecordingBytes,
        now: () => h().clock.now,
      }),
    );
    try {
      startNewSessions(h());
      const mark = await lastAuditId(h());
      const size = AUDIO['call-u4'].length;
      const reads = Array.from({ length: 12 }, (_, i) => {
        const app = i % 2 === 0 ? h().app : other;
        const start = 1 + ((i * 97) % (size - 1));
        return app.inject({
          method: 'GET',
          url: recordingUrl('call-u4'),
          headers: { authorization: `Bearer ${h().tokens.u4!}`, range: `bytes=${start}-` },
        });
      });
      for (const response of await Promise.all(reads)) assert.equal(response.statusCode, 206);
      assert.deepEqual(
        (await auditInOrder(h(), mark)).map((e) => [e.type, e.actor]),
        [['recording.played', 'user:u4']],
      );
    } finally {
      resetClock(h());
      await other.close();
    }
  });

  test('a head of department plays the calls of their sub-departments, not those of others', async () => {
    await withPermissions(
      h(),
      { roles: [], assignments: [{ roleId: 'head-of-department', accessCode: 'user:u2' }] },
      async () => {
        const own = await h().request('u2', 'GET', recordingUrl('call-u4'));
        assert.equal(own.statusCode, 200, own.body);
        assert.ok(own.rawPayload.equals(AUDIO['call-u4']));
        assert.equal((await h().request('u2', 'GET', recordingUrl('call-u10'))).statusCode, 200);
        const other = await h().request('u2', 'GET', recordingUrl('call-u6'));
        assert.equal(other.statusCode, 404);
      },
    );
    // Back to Manager: the sub-department's call is out of reach again.
    assert.equal((await h().request('u2', 'GET', recordingUrl('call-u4'))).statusCode, 404);
  });

  test('a call the user sees but may not hear is 403 with the permission and the level it needs', async () => {
    const viewer = role('viewer', { 'callStats.view': 'department', 'recording.listen': 'own' });
    await withPermissions(
      h(),
      { roles: [viewer], assignments: [{ roleId: 'viewer', accessCode: 'user:u3' }] },
      async () => {
        const response = await h().request('u3', 'GET', recordingUrl('call-u4'));
        assert.equal(response.statusCode, 403, response.body);
        const error = errorOf(response);
        assert.equal(error.code, 'permission_denied');
        assert.equal(error.permission, 'recording.listen');
        assert.equal(error.requiredLevel, 'department');
        assert.match(error.message, /outside scope own/);
        const url = await h().request('u3', 'POST', recordingUrl('call-u4', '/url'));
        assert.equal(url.statusCode, 403);
        // Out of every scope of u3: still not revealed.
        assert.equal((await h().request('u3', 'GET', recordingUrl('call-u6'))).statusCode, 404);
      },
    );
  });

  test('the folder access list refuses a user on play, download, new and issued signed URLs alike', async () => {
    const issued = await h().request('u4', 'POST', recordingUrl('call-u4', '/url'));
    assert.equal(issued.statusCode, 200);
    const { url } = json<{ url: string }>(issued);
    assert.equal((await h().request(null, 'GET', url)).statusCode, 200);

    await setFolder(h(), [
      { accessCode: 'everyone', access: 'read' },
      { accessCode: 'user:u4', access: 'none' },
    ]);
    try {
      const attempts = [
        await h().request('u4', 'GET', recordingUrl('call-u4')),
        await h().request('u4', 'GET', recordingUrl('call-u4') + '?download=1'),
        await h().request('u4', 'POST', recordingUrl('call-u4', '/url')),
        await h().request(null, 'GET', url),
      ];
      for (const [i, response] of attempts.entries()) {
        assert.equal(response.statusCode, 403, `attempt ${i}: ${response.body}`);
        const error = errorOf(response);
        assert.equal(error.code, 'permission_denied');
        assert.equal(error.permission, 'recording.listen');
        assert.match(error.message, /Recorded calls/);
      }
      // Others still may: the list names u4 only.
      assert.equal((await h().request('u10', 'GET', recordingUrl('call-u10'))).statusCode, 200);
    } finally {
      await setFolder(h(), DEFAULT_RECORDINGS_FOLDER);
    }
    assert.equal((await h().request(null, 'GET', url)).statusCode, 200);
  });

  test('a signed URL plays for its user only, until it expires, and refuses any change to it', async () => {
    startNewSessions(h());
    const issued = await h().request('u4', 'POST', recordingUrl('call-u4', '/url'));
    assert.equal(issued.statusCode, 200);
    const { url, expiresAt } = json<{ url: string; expiresAt: string }>(issued);
    assert.match(url, /^\/api\/v1\/recordings\/signed\?/);
    assert.equal(
      Date.parse(expiresAt),
      h().clock.now + h().services.config.signedUrlTtlSeconds * 1000,
    );

    // Following the URL is a play like any other: its first read begins a session, whatever
    // the range; the reads after it within the session are not audited again.
    const mark = await lastAuditId(h());
    const ranged = await h().request(null, 'GET', url, undefined, { range: 'bytes=10-19' });
    assert.equal(ranged.statusCode, 206);
    assert.equal(ranged.headers['content-range'], `bytes 10-19/${AUDIO['call-u4'].length}`);
    const played = await h().request(null, 'GET', url);
    assert.equal(played.statusCode, 200, played.body);
    assert.ok(played.rawPayload.equals(AUDIO['call-u4']));
    const events = await auditSince(h(), mark);
    assert.deepEqual(
      events.map((e) => [e.type, e.actor, e.detail]),
      [['recording.played', 'user:u4', { via: 'signedUrl', appId: null }]],
    );

    const parsed = new URL(url, 'http://x');
    const changed = (name: string, value: string) => {
      const copy = new URL(parsed);
      copy.searchParams.set(name, value);
      return copy.pathname + copy.search;
    };
    const sig = parsed.searchParams.get('sig')!;
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    for (const tampered of [
      changed('sig', flipped),
      changed('call', 'call-u10'),
      changed('user', 'u10'),
      changed('user', 'u0'),
      changed('exp', String(Number(parsed.searchParams.get('exp')) + 3600)),
      changed('download', '1'),
    ]) {
      const response = await h().request(null, 'GET', tampered);
      assert.equal(response.statusCode, 401, tampered);
      assert.equal(errorOf(response).code, 'unauthenticated');
    }
    const unsigned = new URL(parsed);
    unsigned.searchParams.delete('sig');
    assert.equal(
      (await h().request(null, 'GET', unsigned.pathname + unsigned.search)).statusCode,
      400,
    );

    const download = json<{ url: string }>(
      await h().request('u4', 'POST', recordingUrl('call-u4', '/url') + '?download=1'),
    );
    const downloaded = await h().request(null, 'GET', download.url);
    assert.equal(downloaded.statusCode, 200);
    assert.match(String(downloaded.headers['content-disposition']), /^attachment; filename=/);

    h().clock.now += (h().services.config.signedUrlTtlSeconds + 1) * 1000;
    try {
      const expired = await h().request(null, 'GET', url);
      assert.equal(expired.statusCode, 401);
      assert.match(errorOf(expired).message, /expired/);
    } finally {
      resetClock(h());
    }
  });

  test('a signed URL is for the recording it was issued for: a replaced recording is not served by it', async () => {
    const { url } = json<{ url: string }>(
      await h().request('u10', 'POST', recordingUrl('call-u10', '/url')),
    );
    assert.equal((await h().request(null, 'GET', url)).statusCode, 200);
    const replacement = generateDemoWav(30);
    assert.equal((await upload(h(), 'call-u10', replacement)).statusCode, 204);
    assert.equal((await h().request(null, 'GET', url)).statusCode, 404);
    const now = await h().request('u10', 'GET', recordingUrl('call-u10'));
    assert.ok(now.rawPayload.equals(replacement));
    // The replaced file is gone from disk; only the current one is kept for the call.
    const files = filesUnder(recordingsDir(h())).filter((f) =>
      f.startsWith(join('acme', 'call-u10.')),
    );
    assert.equal(files.length, 1, files.join(', '));
    AUDIO['call-u10'] = replacement;
  });

  test("recording.listen and recording.delete at every level, on u3's own, a sub-department's and another department's call", async () => {
    // u3 heads Sales East (u4 is in it; u6 is in Support). callStats.view any keeps every call
    // visible, so a refusal is a 403, not a 404.
    const levels = ['none', 'own', 'department', 'any'] as const;
    const expected: Record<(typeof levels)[number], boolean[]> = {
      none: [false, false, false],
      own: [true, false, false],
      department: [true, true, false],
      any: [true, true, true],
    };
    const calls = ['call-u3', 'call-u4', 'call-u6'] as const;
    for (const callId of calls) {
      if (!AUDIO[callId as keyof typeof AUDIO])
        assert.equal((await upload(h(), callId, generateDemoWav(9))).statusCode, 204);
    }
    for (const level of levels) {
      const listener = role(`listen-${level}`, {
        'callStats.view': 'any',
        'recording.listen': level,
      });
      await withPermissions(
        h(),
        { roles: [listener], assignments: [{ roleId: listener.id, accessCode: 'user:u3' }] },
        async () => {
          for (const [i, callId] of calls.entries()) {
            const response = await h().request('u3', 'GET', recordingUrl(callId));
            // u3 is a Manager too (departmentTree:1), so their own call is always theirs to hear.
            const allowed = expected[level][i]! || callId === 'call-u3';
            assert.equal(response.statusCode, allowed ? 200 : 403, `listen ${level} ${callId}`);
          }
        },
      );
      const deleter = role(`delete-${level}`, {
        'callStats.view': 'any',
        'recording.delete': level,
      });
      await withPermissions(
        h(),
        { roles: [deleter], assignments: [{ roleId: deleter.id, accessCode: 'user:u3' }] },
        async () => {
          for (const [i, callId] of calls.entries()) {
            const response = await h().request('u3', 'DELETE', recordingUrl(callId));
            assert.equal(
              response.statusCode,
              expected[level][i] ? 204 : 403,
              `delete ${level} ${callId}`,
            );
            if (response.statusCode === 204)
              assert.equal((await upload(h(), callId, generateDemoWav(9))).statusCode, 204);
          }
        },
      );
    }
    // Leave the recordings as the tests below expect them.
    assert.equal((await h().request('u0', 'DELETE', recordingUrl('call-u3'))).statusCode, 204);
    assert.equal((await upload(h(), 'call-u4', AUDIO['call-u4'])).statusCode, 204);
    assert.equal((await upload(h(), 'call-u6', AUDIO['call-u6'])).statusCode, 204);
  });

  test('deleting needs recording.delete reaching the owner; the row, the reference and the file go', async () => {
    // Managers hold recording.delete at none: refused before any call is looked at.
    const manager = await h().request('u4', 'DELETE', recordingUrl('call-u4'));
    assert.equal(manager.statusCode, 403);
    assert.equal(errorOf(manager).permission, 'recording.delete');

    const deleter = role('deleter', { 'recording.delete': 'department' });
    await withPermissions(
      h(),
      { roles: [deleter], assignments: [{ roleId: 'deleter', accessCode: 'user:u3' }] },
      async () => {
        // u6 is in Support, outside every scope of u3: not revealed.
        assert.equal((await h().request('u3', 'DELETE', recordingUrl('call-u6'))).statusCode, 404);
        const before = await findCall(h().store.db, 'acme', 'call-u10');
        const path = join(recordingsDir(h()), before!.recordingRef!);
        assert.ok(existsSync(path));
        const mark = await lastAuditId(h());

        const deleted = await h().request('u3', 'DELETE', recordingUrl('call-u10'));
        assert.equal(deleted.statusCode, 204, deleted.body);
        assert.equal(existsSync(path), false, 'the file is removed');
        assert.equal((await findCall(h().store.db, 'acme', 'call-u10'))?.recordingRef, null);
        assert.equal((await h().request('u0', 'GET', recordingUrl('call-u10'))).statusCode, 404);
        assert.equal((await h().request('u3', 'DELETE', recordingUrl('call-u10'))).statusCode, 404);
        const events = await auditSince(h(), mark);
        assert.deepEqual(
          events.map((e) => [e.type, e.actor, e.subject]),
          [['recording.deleted', 'user:u3', 'call-u10']],
        );
        assert.equal((events[0]?.before as { sha256: string }).sha256, sha256(AUDIO['call-u10']));
      },
    );
  });

  test('a legal hold, set and lifted by administrators only, blocks deleting and replacing', async () => {
    assert.equal((await upload(h(), 'call-u10', AUDIO['call-u10'])).statusCode, 204);
    const hold = recordingUrl('call-u10', '/legal-hold');

    const notAdmin = await h().request('u4', 'PUT', hold, { reason: 'litigation' });
    assert.equal(notAdmin.statusCode, 403);
    assert.equal(errorOf(notAdmin).code, 'permission_denied');
    assert.equal((await h().request('u0', 'PUT', hold, { reason: '' })).statusCode, 400);
    assert.equal(
      (await h().request('u0', 'PUT', recordingUrl('call-u9', '/legal-hold'), { reason: 'x' }))
        .statusCode,
      404,
    );

    const mark = await lastAuditId(h());
    const set = await h().request('u0', 'PUT', hold, { reason: 'litigation 2026-17' });
    assert.equal(set.statusCode, 200, set.body);
    const held = json<{ legalHold: { reason: string; by: string; at: string } }>(set).legalHold;
    assert.deepEqual(held, {
      reason: 'litigation 2026-17',
      by: 'user:u0',
      at: new Date(START).toISOString(),
    });
    const meta = json<{ legalHold: unknown }>(
      await h().request('u10', 'GET', recordingUrl('call-u10', '/meta')),
    );
    assert.deepEqual(meta.legalHold, held);

    const deleter = role('deleter', { 'recording.delete': 'department' });
    await withPermissions(
      h(),
      { roles: [deleter], assignments: [{ roleId: 'deleter', accessCode: 'user:u3' }] },
      async () => {
        for (const as of ['u3', 'u0']) {
          const refused = await h().request(as, 'DELETE', recordingUrl('call-u10'));
          assert.equal(refused.statusCode, 409, as);
          assert.equal(errorOf(refused).code, 'legal_hold');
        }
        const replaced = await upload(h(), 'call-u10', generateDemoWav(40));
        assert.equal(replaced.statusCode, 409);
        assert.equal(errorOf(replaced).code, 'legal_hold');
        // Still the held audio.
        const played = await h().request('u10', 'GET', recordingUrl('call-u10'));
        assert.ok(played.rawPayload.equals(AUDIO['call-u10']));

        assert.equal((await h().request('u4', 'DELETE', hold)).statusCode, 403);
        assert.equal((await h().request('u0', 'DELETE', hold)).statusCode, 204);
        assert.equal((await h().request('u3', 'DELETE', recordingUrl('call-u10'))).statusCode, 204);
      },
    );
    const events = (await auditSince(h(), mark)).filter((e) => e.type.startsWith('legalHold.'));
    assert.deepEqual(
      events.map((e) => [e.type, e.actor]),
      [
        ['legalHold.lifted', 'user:u0'],
        ['legalHold.set', 'user:u0'],
      ],
    );
    assert.deepEqual(events[1]?.before, null);
    assert.deepEqual(events[1]?.after, held);
    assert.deepEqual(events[0]?.before, held);
  });

  test('refused uploads answer 415, 400, 413 or 404 and leave no file behind', async () => {
    const before = filesUnder(recordingsDir(h()));
    const wav = AUDIO['call-u4'];
    const cases: [string, Buffer | string, string, number, string][] = [
      ['call-u4', 'just text', 'text/plain', 415, 'unsupported_media_type'],
      ['call-u4', '{"a":1}', 'application/json', 415, 'unsupported_media_type'],
      ['call-u4', wav, 'audio/x-unknown', 415, 'unsupported_media_type'],
      [
        'call-u4',
        Buffer.from('<html>not audio at all</html>'),
        'audio/wav',
        400,
        'invalid_request',
      ],
      ['call-u4', wav, 'audio/ogg', 400, 'invalid_request'],
      [
        'call-u4',
        Buffer.concat([wav.subarray(0, 44), Buffer.alloc(300 * 1024)]),
        'audio/wav',
        413,
        'payload_too_large',
      ],
      ['call-nope', wav, 'audio/wav', 404, 'not_found'],
    ];
    for (const [callId, body, contentType, status, code] of cases) {
      const response = await upload(h(), callId, Buffer.from(body), contentType);
      assert.equal(response.statusCode, status, `${contentType}: ${response.body}`);
      assert.equal(errorOf(response).code, code, contentType);
    }

    // No Content-Length (a streamed, chunked body): counted while it arrives, refused past the limit.
    const chunks = Array.from({ length: 40 }, (_, i) =>
      i === 0 ? wav.subarray(0, 8 * 1024) : Buffer.alloc(8 * 1024, 1),
    );
    const streamed = await h().app.inject({
      method: 'PUT',
      url: recordingUrl('call-u4'),
      headers: {
        authorization: `Bearer ${h().appToken}`,
        'content-type': 'audio/wav',
        'transfer-encoding': 'chunked',
      },
      payload: Readable.from(chunks),
    });
    assert.equal(streamed.statusCode, 413, streamed.body);
    assert.equal(errorOf(streamed).code, 'payload_too_large');

    assert.deepEqual(filesUnder(recordingsDir(h())), before);
    // And the stored recording is untouched.
    const played = await h().request('u4', 'GET', recordingUrl('call-u4'));
    assert.ok(played.rawPayload.equals(wav));

    // A streamed body within the limit is stored like any other; media type parameters are fine.
    const small = generateDemoWav(50);
    const ok = await h().app.inject({
      method: 'PUT',
      url: recordingUrl('call-u9'),
      headers: {
        authorization: `Bearer ${h().appToken}`,
        'content-type': 'audio/x-wav; rate=8000',
      },
      payload: Readable.from([small.subarray(0, 1000), small.subarray(1000)]),
    });
    assert.equal(ok.statusCode, 204, ok.body);
    const meta = json<{ contentType: string; sha256: string }>(
      await h().request('u0', 'GET', recordingUrl('call-u9', '/meta')),
    );
    assert.deepEqual([meta.contentType, meta.sha256], ['audio/wav', sha256(small)]);
  });

  test('replacing a recording deletes it: the user behind an ingest token needs recording.delete reaching the owner; a first upload needs calls.write only (issue 10.2)', async () => {
    const { db } = h().store;
    await db.transaction().execute((trx) =>
      importCalls(
        trx,
        'acme',
        ['u6', 'u4'].map((userId, i) => ({
          where: `[${i}]`,
          record: {
            id: `call-replace-${userId}`,
            userId,
            direction: 'inbound',
            phoneNumber: '+14155550101',
            startedAt: new Date(START).toISOString(),
            durationSec: 5,
            status: 'answered',
          },
        })),
        'operator',
        START,
      ),
    );
    // The ingest application, acting for u4 (a Manager: recording.delete none, and
    // callStats.view own, so call-replace-u6 is not even visible to u4).
    const forU4 = await db
      .transaction()
      .execute(
        async (trx) =>
          (await mintToken(trx, 'acme', { userId: 'u4', appId: 'pbx-app' }, 'operator', START))
            .token,
      );
    const first = generateDemoWav(70);
    const second = generateDemoWav(71);
    const heard = async (callId: string) =>
      sha256((await h().request('u0', 'GET', recordingUrl(callId))).rawPayload);

    for (const callId of ['call-replace-u6', 'call-replace-u4']) {
      const added = await upload(h(), callId, first, 'audio/wav', forU4);
      assert.equal(added.statusCode, 204, `first upload of ${callId}: ${added.body}`);
    }
    const files = filesUnder(recordingsDir(h()));
    const mark = await lastAuditId(h());
    for (const [callId, requiredLevel] of [
      ['call-replace-u6', 'any'],
      ['call-replace-u4', 'own'],
    ] as const) {
      const replaced = await upload(h(), callId, second, 'audio/wav', forU4);
      assert.equal(replaced.statusCode, 403, `${callId}: ${replaced.body}`);
      assert.deepEqual(
        { ...errorOf(replaced), message: undefined },
        {
          code: 'permission_denied',
          message: undefined,
          permission: 'recording.delete',
          requiredLevel,
        },
      );
      assert.equal(await heard(callId), sha256(first), `${callId} kept its recording`);
    }
    assert.deepEqual(
      (await auditSince(h(), mark)).filter((e) => e.type !== 'recording.played'),
      [],
      'a refused replacement writes nothing (the checks above played the recordings)',
    );
    assert.deepEqual(filesUnder(recordingsDir(h())), files, 'and leaves no file');

    // recording.delete = own: u4 may now replace the recording of their own call only.
    const deleter = role('deleter', { 'recording.delete': 'own' });
    await withPermissions(
      h(),
      { roles: [deleter], assignments: [{ roleId: 'deleter', accessCode: 'user:u4' }] },
      async () => {
        const own = await upload(h(), 'call-replace-u4', second, 'audio/wav', forU4);
        assert.equal(own.statusCode, 204, own.body);
        assert.equal(await heard('call-replace-u4'), sha256(second));
        const other = await upload(h(), 'call-replace-u6', second, 'audio/wav', forU4);
        assert.equal(other.statusCode, 403, other.body);
        assert.equal(await heard('call-replace-u6'), sha256(first));
      },
    );
    // The administrator's application replaces any recording; the audit entry keeps the one replaced.
    const byAdmin = await upload(h(), 'call-replace-u6', second, 'audio/wav');
    assert.equal(byAdmin.statusCode, 204, byAdmin.body);
    const entry = (await auditSince(h(), mark)).find(
      (e) => e.type === 'recording.uploaded' && e.subject === 'call-replace-u6',
    );
    assert.equal((entry?.before as { sha256?: string } | null)?.sha256, sha256(first));
    assert.equal(await heard('call-replace-u6'), sha256(second));
  });

  test("accounts are apart: another account's application cannot reach acme's calls", async () => {
    const other = await seedAccount(h().store, 'other', START);
    await h()
      .store.db.transaction()
      .execute((trx) =>
        importCalls(
          trx,
          'acme',
          [
            {
              where: '[0]',
              record: {
                id: 'call-acme-only',
                userId: 'u4',
                direction: 'inbound',
                phoneNumber: '+14155550101',
                startedAt: new Date(START).toISOString(),
                durationSec: 5,
                status: 'answered',
              },
            },
          ],
          'operator',
          START,
        ),
      );
    const otherApp = other.app!;
    const wav = AUDIO['call-u4'];
    const foreign = await upload(h(), 'call-acme-only', wav, 'audio/wav', otherApp);
    assert.equal(foreign.statusCode, 404);
    assert.equal(errorOf(foreign).code, 'not_found');

    // Both accounts have a call-u4: each keeps its own recording.
    const theirs = generateDemoWav(60);
    assert.equal((await upload(h(), 'call-u4', theirs, 'audio/wav', otherApp)).statusCode, 204);
    assert.ok(
      (await h().request(other.u4!, 'GET', recordingUrl('call-u4'))).rawPayload.equals(theirs),
    );
    assert.ok((await h().request('u4', 'GET', recordingUrl('call-u4'))).rawPayload.equals(wav));
    // A signed URL of one account does not open the other's recording.
    const { url } = json<{ url: string }>(
      await h().request(other.u4!, 'POST', recordingUrl('call-u4', '/url')),
    );
    const moved = url.replace('account=other', 'account=acme');
    assert.equal((await h().request(null, 'GET', moved)).statusCode, 401);
  });

  test('the demo company gets a played recording on every 10th answered call, once', async () => {
    const { db } = h().store;
    await db.transaction().execute((trx) => seedDemo(trx, START, 60));
    const options = { db, dataDir: h().services.config.dataDir, now: START };
    const added = await seedDemoRecordings(options);
    const answered = await db
      .selectFrom('calls')
      .select('id')
      .where('account_id', '=', 'demo')
      .where('status', '=', 'answered')
      .orderBy('id')
      .execute();
    assert.equal(added, Math.ceil(answered.length / 10));
    assert.equal(await seedDemoRecordings(options), 0, 'a second run adds nothing');

    const first = answered[0]!.id;
    const token = await db
      .transaction()
      .execute((trx) => mintToken(trx, 'demo', { userId: 'ada' }, 'operator', START));
    const response = await h().request(token.token, 'GET', recordingUrl(first));
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'audio/wav');
    assert.equal(sniffAudioFormat(response.rawPayload), 'wav');
    assert.equal(
      (await h().request(token.token, 'GET', recordingUrl(answered[1]!.id))).statusCode,
      404,
    );
  });
});
