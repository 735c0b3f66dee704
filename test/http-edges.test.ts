import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { buildApp } from '../src/api/app.js';
import { isStoreUnavailable, openStore } from '../src/store/database.js';
import { freshDatabase } from './databases.js';
import { wav } from './faults-harness.js';
import { describeHttp, json } from './http.js';

/** Sends raw bytes to `port`, then either waits for the server to close or hangs up itself. */
function rawRequest(
  port: number,
  bytes: string | Buffer,
  options: { hangUpAfterMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(bytes, () => {
      if (options.hangUpAfterMs !== undefined)
        setTimeout(() => socket.destroy(), options.hangUpAfterMs);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeHttp('answers of a careful server (issue 10, items 12 to 14)', (h) => {
  test('JSON answers to authenticated and session requests say Cache-Control: no-store', async () => {
    for (const [as, url] of [
      ['u4', '/api/v1/me'],
      ['u4', '/api/v1/calls'],
      ['u4', '/api/v1/me/tokens'],
      [null, '/api/v1/me'],
      ['operator', '/api/v1/accounts/acme/tokens'],
    ] as const) {
      const response = await h().request(
        as,
        url.endsWith('/tokens') && as === 'operator' ? 'POST' : 'GET',
        url,
        as === 'operator' ? { userId: 'u4' } : undefined,
      );
      assert.equal(response.headers['cache-control'], 'no-store', `${as} ${url}`);
    }
    // The sign-in answer carries the CSRF token, and a failed one says nothing to keep.
    for (const password of ['wrong password', 'no such password']) {
      const response = await h().app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { accountId: 'acme', email: 'nobody@example.com', password },
      });
      assert.equal(response.headers['cache-control'], 'no-store');
    }
  });

  test('a client that aborts its request body is no database outage: logged at info, never as an error', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await buildApp(h().services, {
      logger: {
        level: 'info',
        stream: {
          write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
        },
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const body = JSON.stringify({
        accountId: 'acme',
        email: 'u4@example.com',
        password: 'x'.repeat(100),
      });
      await rawRequest(
        port,
        `POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
        { hangUpAfterMs: 200 },
      );
      // An upload cut off mid-body, the other way a body is read.
      const audio = wav(64 * 1024, 5);
      await rawRequest(
        port,
        Buffer.concat([
          Buffer.from(
            `PUT /api/v1/calls/call-u6/recording HTTP/1.1\r\nHost: localhost\r\n` +
              `Authorization: Bearer ${h().appToken}\r\nContent-Type: audio/wav\r\n` +
              `Content-Length: ${audio.length}\r\n\r\n`,
          ),
          audio.subarray(0, 1000),
        ]),
        { hangUpAfterMs: 200 },
      );
      // The server notices the hang-ups in its own time: wait for both, a while at most.
      for (let waited = 0; waited < 5_000; waited += 50) {
        if (lines.filter((line) => line.code === 'client_closed').length >= 2) break;
        await sleep(50);
      }
      await sleep(100);
    } finally {
      await app.close();
    }
    const errors = lines.filter((line) => (line.level as number) >= 50);
    assert.deepEqual(errors, [], 'no error is logged');
    assert.ok(
      lines.every((line) => !JSON.stringify(line).includes('unavailable')),
      'nothing says the database is unavailable',
    );
    assert.equal(
      lines.filter((line) => line.code === 'client_closed').length,
      2,
      JSON.stringify(lines),
    );
    assert.equal(
      (await h().request('u0', 'GET', '/api/v1/calls/call-u6/recording')).statusCode,
      404,
      'the cut-off upload left no recording',
    );
  });

  test("Node's own refusals of malformed HTTP answer in the catalogue's shape", async () => {
    const app = await buildApp(h().services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      for (const [request, message] of [
        ['GARBAGE\r\n\r\n', 'the request is not valid HTTP'],
        ['GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'the request is not valid HTTP'],
        [
          `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          'the request headers are too large',
        ],
      ] as const) {
        const answer = await rawRequest(port, request);
        const [head = '', body = ''] = answer.split('\r\n\r\n');
        assert.match(head, /^HTTP\/1\.1 400 /, request.slice(0, 20));
        assert.match(head, /content-type: application\/json/i);
        assert.deepEqual(JSON.parse(body), { error: { code: 'invalid_request', message } });
      }
    } finally {
      await app.close();
    }
  });

  test('/docs cannot be framed', async () => {
    for (const url of ['/docs', '/docs/', '/docs/json']) {
      const response = await h().request(null, 'GET', url);
      assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
    }
  });

  test("a PBX's refusals name the application that asked", async () => {
    const refused = await h().request(
      'app',
      'GET',
      `/api/v1/pbx/authorize?from=104&to=${encodeURIComponent('+19005550000')}`,
    );
    assert.equal(json<{ allowed: boolean }>(refused).allowed, false);
    const audit = json<{ items: { detail: { source: string; appId?: string } }[] }>(
      await h().request('u0', 'GET', '/api/v1/audit-log?type=outboundCall.refused'),
    );
    assert.deepEqual(audit.items[0]?.detail.appId, 'pbx-app');
    assert.equal(audit.items[0]?.detail.source, 'pbx');
  });
});

describe('store errors are told from everything else', () => {
  test('the drivers mark what they raise: SQLite locked, PostgreSQL unreachable', async () => {
    const database = freshDatabase('sqlite');
    const store = await openStore(database.url);
    const other = new SQLite(database.url);
    try {
      other.prepare('begin immediate').run();
      const write = () =>
        store.db
          .insertInto('settings')
          .values({ account_id: 'a', section: 's', value: '{}', version: 1, updated_at: 0 })
          .execute();
      const locked = await write().then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(isStoreUnavailable(locked), String(locked));
    } finally {
      other.prepare('rollback').run();
      other.close();
      await store.close();
      await database.drop();
    }
    // Nothing listens on port 1: the pool's connection error is the store's.
    const unreachable = await openStore('postgres://postgres@127.0.0.1:1/test', { migrate: false });
    try {
      const error = await sql`select 1`.execute(unreachable.db).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(isStoreUnavailable(error), String(error));
    } finally {
      await unreachable.close();
    }
  });

  test('the same codes raised by anything else are not', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'])
      assert.equal(isStoreUnavailable(Object.assign(new Error('aborted'), { code })), false);
  });
});
