import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../src/api/server.js';
import { generateDemoWav } from '../src/telephony/demo-audio.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { START, seedAccount } from './http.js';

/**
 * A whole session against the real server, with its real logger (at the most verbose
 * level) writing into a buffer; then every secret that went over the wire is looked for in
 * the log lines. One hit fails the test.
 */
const OPERATOR = `op-${randomBytes(18).toString('base64url')}`;
const KEY = randomBytes(32);
const PASSWORD = `pw-${randomBytes(12).toString('base64url')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('base64url')}`;
const SIP_SECRET = `sip-${randomBytes(12).toString('base64url')}`;

describeOnEachDialect('no secret in the logs', (dialect) => {
  const lines: string[] = [];
  /** Every secret value seen in the session. */
  const secrets = new Map<string, string>();
  let server: RunningServer;
  let drop: () => Promise<void>;
  let dataDir: string;
  let seeded: Record<string, string> = {};

  before(async () => {
    process.env.LOG_LEVEL = 'trace';
    process.env.CALLGATE_OPERATOR_TOKEN = OPERATOR;
    process.env.CALLGATE_SECRET_KEY = KEY.toString('base64');
    // LOGGER reads LOG_LEVEL when the module loads.
    const { startServer } = await import('../src/api/server.js');
    const database = freshDatabase(dialect);
    drop = database.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'callgate-logs-'));
    server = await startServer({
      db: database.url,
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logStream: { write: (line) => void lines.push(line) },
      prepare: async (services) => {
        seeded = await seedAccount(services.store, 'acme', START);
        await services.store.db
          .updateTable('users')
          .set({ email: 'u4@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u4')
          .execute();
      },
    });
    secrets.set('operator token', OPERATOR);
    secrets.set('secret key (base64)', KEY.toString('base64'));
    secrets.set('secret key (hex)', KEY.toString('hex'));
    secrets.set('password', PASSWORD);
    secrets.set('wrong password', WRONG_PASSWORD);
    secrets.set('SIP secret', SIP_SECRET);
    for (const [who, token] of Object.entries(seeded)) addToken(`seeded token of ${who}`, token);
  });
  after(async () => {
    await server.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function addToken(name: string, token: string): void {
    secrets.set(name, token);
    // The secret half alone, too: a log that cut the token at the dot would still leak it.
    secrets.set(`${name} (secret part)`, token.split('.')[1]!);
  }

  async function call(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      raw?: Buffer;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
  }

  async function expectStatus(response: Response, status: number): Promise<unknown> {
    const text = await response.text();
    assert.equal(response.status, status, `${response.url}: ${text}`);
    return text === '' || !response.headers.get('content-type')?.includes('json')
      ? text
      : JSON.parse(text);
  }

  test('a full session: sign-in, tokens, SIP secrets, signed URLs, the PBX hook, errors', async () => {
    const admin = seeded.u0!;
    // The operator sets a password; the user signs in with it (and once with a wrong one).
    await expectStatus(
      await call('PUT', '/api/v1/accounts/acme/users/u4/password', {
        token: OPERATOR,
        body: { password: PASSWORD },
      }),
      204,
    );
    const signInBody = (password: string) => ({
      accountId: 'acme',
      email: 'u4@example.com',
      password,
    });
    await expectStatus(
      await call('POST', '/api/v1/session', { body: signInBody(WRONG_PASSWORD) }),
      401,
    );
    const signedIn = await call('POST', '/api/v1/session', { body: signInBody(PASSWORD) });
    const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const { csrfToken } = (await expectStatus(signedIn, 200)) as { csrfToken: string };
    secrets.set('session cookie', cookie.split('=')[1]!);
    secrets.set('CSRF token', csrfToken);
    await expectStatus(await call('GET', '/api/v1/session', { headers: { cookie } }), 200);

    // A personal token made with the session, then used as a bearer.
    await expectStatus(
      await call('POST', '/api/v1/me/tokens', { headers: { cookie }, body: {} }),
      403,
    );
    const minted = (await expectStatus(
      await call('POST', '/api/v1/me/tokens', {
        headers: { cookie, 'x-csrf-token': csrfToken },
        body: { label: 'logs' },
      }),
      201,
    )) as { token: string };
    addToken('personal token', minted.token);
    await expectStatus(await call('GET', '/api/v1/me', { token: minted.token }), 200);
    // The operator mints one too.
    const operatorMinted = (await expectStatus(
      await call('POST', '/api/v1/accounts/acme/tokens', {
        token: OPERATOR,
        body: { userId: 'u4' },
      }),
      201,
    )) as { token: string };
    addToken('operator-minted token', operatorMinted.token);
    await expectStatus(
      await call('GET', '/api/v1/me/tokens', { token: operatorMinted.token }),
      200,
    );

    // A SIP secret set and read back.
    const saved = (await expectStatus(
      await call('PUT', '/api/v1/users/u4/telephony-settings', {
        token: admin,
        headers: { 'if-match': '0' },
        body: { device: 'sip', sipLogin: 'u4-desk', sipSecret: SIP_SECRET, callerIdNumber: null },
      }),
      200,
    )) as { sipSecret: string };
    assert.equal(saved.sipSecret, SIP_SECRET);
    const read = (await expectStatus(
      await call('GET', '/api/v1/users/u4/telephony-settings', { token: admin }),
      200,
    )) as { sipSecret: string };
    assert.equal(read.sipSecret, SIP_SECRET);

    // A recording, a signed URL for it, followed as is, changed, and without its signature.
    await expectStatus(
      await call('PUT', '/api/v1/calls/call-u4/recording', {
        token: seeded.app!,
        headers: { 'content-type': 'audio/wav' },
        raw: generateDemoWav(1),
      }),
      204,
    );
    const { url } = (await expectStatus(
      await call('POST', '/api/v1/calls/call-u4/recording/url', { token: minted.token }),
      200,
    )) as { url: string };
    const signature = new URL(url, server.url).searchParams.get('sig')!;
    secrets.set('URL signature', signature);
    await expectStatus(await call('GET', url), 200);
    await expectStatus(
      await call('GET', url.replace(/sig=[^&]+/, `sig=${signature.slice(1)}A`)),
      401,
    );
    await expectStatus(
      await call('GET', url.replace(/&exp=/, '&exp=1').replace(/&?sig=[^&]+/, '')),
      400,
    );

    // The PBX hook, allowed and refused.
    const hook = (to: string) =>
      call('GET', `/api/v1/pbx/authorize?from=u4&to=${encodeURIComponent(to)}`, {
        token: seeded.app!,
      });
    await expectStatus(await hook('+14155550101'), 200);
    await expectStatus(await hook('not a number'), 200);

    // Errors: a forged token, no token, a token lacking the scope, a missing call, a bad body.
    const forged = `${minted.token.slice(0, -4)}AAAA`;
    secrets.set('forged token', forged);
    await expectStatus(await call('GET', '/api/v1/me', { token: forged }), 401);
    await expectStatus(
      await call('GET', '/api/v1/me', { token: `cg_nope.${'x'.repeat(43)}` }),
      401,
    );
    await expectStatus(await call('GET', '/api/v1/me'), 401);
    await expectStatus(
      await call('GET', '/api/v1/pbx/authorize?from=u4&to=1', { token: minted.token }),
      403,
    );
    await expectStatus(await call('GET', '/api/v1/calls/nope', { token: minted.token }), 404);
    await expectStatus(
      await call('PATCH', '/api/v1/accounts/acme', { token: minted.token, body: { name: 'X' } }),
      401,
    );
    await expectStatus(
      await call('PUT', '/api/v1/users/u4/telephony-settings', {
        token: admin,
        headers: { 'if-match': '1' },
        body: {
          device: 'sip',
          sipLogin: 'u4',
          sipSecret: SIP_SECRET,
          callerIdNumber: null,
          extra: SIP_SECRET,
        },
      }),
      400,
    );
    // Tokens and signatures put where they do not belong: in the query string.
    await call('GET', `/api/v1/me?token=${minted.token}&access_token=${minted.token}`);
    await call('GET', `/api/v1/calls?sig=${signature}&password=${PASSWORD}&secret=${SIP_SECRET}`, {
      token: minted.token,
    });
    // A Bitrix24 webhook (its secret in the path) and a token in /rest/?auth=, used and refused.
    const webhook = (await expectStatus(
      await call('POST', '/api/v1/me/webhooks', {
        token: minted.token,
        body: { scopes: ['telephony'] },
      }),
      201,
    )) as { id: string; url: string };
    const webhookSecret = /\/rest\/\d+\/([^/]+)\/$/.exec(webhook.url)![1]!;
    secrets.set('webhook secret', webhookSecret);
    const restPath = new URL(webhook.url).pathname;
    await expectStatus(await call('GET', `${restPath}voximplant.statistic.get?FILTER[>ID]=0`), 200);
    await expectStatus(await call('POST', `${restPath}no.such.method`, { body: {} }), 404);
    await expectStatus(await call('GET', `${restPath.slice(0, -5)}AAAA/user.current`), 401);
    await expectStatus(await call('GET', `/rest/user.current?auth=${minted.token}`), 200);
    await expectStatus(await call('POST', '/rest/user.current', { body: { auth: forged } }), 401);
    await expectStatus(
      await call('DELETE', `/api/v1/me/webhooks/${webhook.id}`, { token: minted.token }),
      204,
    );
    await expectStatus(await call('GET', `${restPath}user.current`), 401);
    // Signing out ends the session.
    await expectStatus(
      await call('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': csrfToken } }),
      204,
    );
    await expectStatus(await call('GET', '/api/v1/session', { headers: { cookie } }), 401);
  });

  test('the log lines hold none of the secrets', () => {
    // The session above ran to its end and collected its secrets.
    assert.ok(
      secrets.has('URL signature') && secrets.has('forged token'),
      [...secrets.keys()].join(),
    );
    const log = lines.join('');
    // The capture works: requests were logged (one line each), URLs included, signatures replaced.
    assert.ok(lines.length > 30, `only ${lines.length} log lines`);
    assert.match(log, /"url":"\/api\/v1\/recordings\/signed\?[^"]*sig=\[redacted\]/);
    assert.match(log, /"status":401/);
    const leaks = [...secrets].filter(([, value]) => log.includes(value));
    const context = leaks.map(([name, value]) => {
      const at = log.indexOf(value);
      return `${name}: …${log.slice(Math.max(0, at - 200), at + value.length + 40)}…`;
    });
    assert.deepEqual(context, []);
  });
});
