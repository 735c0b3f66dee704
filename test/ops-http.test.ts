import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../src/api/app.js';
import { type ServiceOptions, createServices } from '../src/api/services.js';
import { openStore } from '../src/store/database.js';
import { setPassword } from '../src/telephony/credentials.js';
import { UNLIMITED, json, seedAccount } from './http.js';

const METRICS_TOKEN = 'metrics-token-for-tests';

/** An app on an in-memory database with the demo-like company of test/fixtures.ts. */
async function opsApp(options: Partial<ServiceOptions> = {}, logLines?: string[]) {
  const store = await openStore(':memory:');
  const services = createServices(store, {
    secretKey: Buffer.alloc(32, 5),
    dataDir: '/nonexistent',
    metricsToken: METRICS_TOKEN,
    rateLimits: UNLIMITED,
    ...options,
  });
  const app = await buildApp(
    services,
    logLines === undefined
      ? {}
      : {
          logger: { level: 'info', stream: { write: (line: string) => void logLines.push(line) } },
        },
  );
  const tokens = await seedAccount(store, 'acme', Date.now());
  return {
    app,
    store,
    services,
    tokens,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

const scrape = async (app: Awaited<ReturnType<typeof opsApp>>['app']) => {
  const response = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  return response.body;
};

/** The value of one sample of the exposition text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test('GET /metrics: closed without the metrics token; decisions, hook answers, HTTP requests, policy cache and rate-limit refusals move', async () => {
  const t = await opsApp({ rateLimits: { ...UNLIMITED, perToken: 3 } });
  try {
    assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    assert.equal(
      (
        await t.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: `Bearer ${t.tokens.u0}` },
        })
      ).statusCode,
      401,
      'a user token is not the metrics token',
    );
    const before = await scrape(t.app);
    const check = await t.app.inject({
      method: 'POST',
      url: '/api/v1/permissions/check',
      headers: { authorization: `Bearer ${t.tokens.u4}` },
      payload: { permission: 'recording.listen' },
    });
    assert.equal(check.statusCode, 200, check.body);
    const hook = await t.app.inject({
      method: 'GET',
      url: '/api/v1/pbx/authorize?from=104&to=%2B14155550101',
      headers: { authorization: `Bearer ${t.tokens.app}` },
    });
    assert.equal(hook.statusCode, 200, hook.body);
    for (let i = 0; i < 4; i++)
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${t.tokens.u5}` },
      });
    const after = await scrape(t.app);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    assert.equal(
      moved('callgate_decisions_total', { permission: 'recording.listen', outcome: 'allowed' }),
      1,
    );
    assert.equal(moved('callgate_pbx_hook_answers_total', { outcome: 'allowed' }), 1);
    assert.equal(
      moved('callgate_http_requests_total', {
        route: '/api/v1/permissions/check',
        status: '200',
      }),
      1,
    );
    assert.equal(moved('callgate_http_request_duration_seconds_count', { route: '/api/v1/me' }), 4);
    assert.ok(moved('callgate_policy_cache_total', { result: 'hit' }) >= 4);
    assert.ok(sample(after, 'callgate_policy_compile_seconds_count') >= 1);
    // The one account's policy is held, its estimate within the default budget.
    assert.equal(sample(after, 'callgate_policy_cache_accounts'), 1);
    const held = sample(after, 'callgate_policy_cache_bytes', { of: 'held' });
    assert.ok(held > 0 && held < sample(after, 'callgate_policy_cache_bytes', { of: 'budget' }));
    // Without a replica every read a replica could serve is the primary's: none counted.
    assert.equal(sample(after, 'callgate_read_routing_total', { to: 'replica' }), 0);
    assert.equal(sample(after, 'callgate_rate_limited_total', { limit: 'token' }), 1);
    assert.match(after, /callgate_emergency_calls_total 0/);
    assert.match(after, /callgate_recording_sweep_runs_total/);
  } finally {
    await t.close();
  }
});

test('GET /readyz: 503 while migrations are pending or the database is unreachable; /healthz stays liveness', async () => {
  const t = await opsApp();
  try {
    assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    await sql`delete from kysely_migration where name = (select max(name) from kysely_migration)`.execute(
      t.store.db,
    );
    const pending = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(pending.statusCode, 503);
    assert.match(json<{ reason: string }>(pending).reason, /migrations pending/);
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  } finally {
    await t.close();
  }
  // A closed store is an unreachable database.
  const down = await opsApp();
  await down.store.close();
  assert.equal((await down.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
  assert.equal((await down.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);
  await down.app.close();
});

test('batch checks: up to 1,000 questions answered in order, errors in place, counted as one request', async () => {
  const t = await opsApp({ rateLimits: { ...UNLIMITED, perToken: 7, windowMs: 60_000 } });
  try {
    const ask = (token: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/permissions/check',
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
    const items = [
      { userId: 'u4', permission: 'recording.listen', callId: 'call-u10' },
      { userId: 'u4', permission: 'recording.listen', callId: 'call-u5' },
      { userId: 'u6', permission: 'outboundCall.perform', phoneNumber: '+14155550101' },
      { userId: 'u4', permission: 'recording.listen', callId: 'no-such-call' },
      { userId: 'u4', permission: 'no.such' },
    ];
    const answer = await ask(t.tokens.u0!, { items });
    assert.equal(answer.statusCode, 200, answer.body);
    const body = json<{ items: { allowed?: boolean; error?: { code: string } }[] }>(answer);
    assert.equal(body.items.length, 5);
    // The same answers as five single checks, in order.
    for (const [i, item] of items.entries()) {
      const single = await ask(t.tokens.u0!, item);
      if (single.statusCode === 200) assert.deepEqual(body.items[i], json(single), `item ${i}`);
      else
        assert.equal(
          body.items[i]!.error?.code,
          json<{ error: { code: string } }>(single).error.code,
          `item ${i}`,
        );
    }
    // Seven requests a token: u4 asks six single questions, then a batch of 1,000 is the seventh.
    const many = Array.from({ length: 1000 }, () => ({ permission: 'callStats.view' }));
    for (let i = 0; i < 6; i++)
      assert.equal((await ask(t.tokens.u4!, { permission: 'callStats.view' })).statusCode, 200);
    const big = await ask(t.tokens.u4!, { items: many });
    assert.equal(big.statusCode, 200, 'a batch is one request: the seventh of seven allowed');
    assert.equal(json<{ items: unknown[] }>(big).items.length, 1000);
    assert.equal((await ask(t.tokens.u4!, { items: many })).statusCode, 429);
    const tooMany = await ask(t.tokens.u5!, { items: [...many, many[0]!] });
    assert.equal(tooMany.statusCode, 400);
    // A user asking about another user inside a batch is refused in place, not wholesale.
    const mixed = await ask(t.tokens.u5!, {
      items: [{ permission: 'callStats.view' }, { userId: 'u4', permission: 'callStats.view' }],
    });
    const mixedItems = json<{ items: { allowed?: boolean; error?: { code: string } }[] }>(
      mixed,
    ).items;
    assert.equal(mixedItems[0]!.allowed, true);
    assert.equal(mixedItems[1]!.error?.code, 'permission_denied');
  } finally {
    await t.close();
  }
});

test('the PBX hook: its own per-token limit, and emergency calls never limited (SPEC §5)', async () => {
  const t = await opsApp({
    rateLimits: { ...UNLIMITED, pbxPerToken: 2, perAddress: 4 },
    // Stands in for h/outbound's emergency-number detection.
    isEmergencyCall: (_state, query) => query.to === '911',
  });
  try {
    const hook = (to: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/pbx/authorize?from=104&to=${encodeURIComponent(to)}`,
        headers: { authorization: `Bearer ${t.tokens.app}` },
      });
    assert.equal((await hook('+14155550101')).statusCode, 200);
    assert.equal((await hook('+14155550101')).statusCode, 200);
    const limited = await hook('+14155550101');
    assert.equal(limited.statusCode, 429);
    assert.equal(json<{ error: { code: string } }>(limited).error.code, 'rate_limited');
    for (let i = 0; i < 10; i++)
      assert.equal((await hook('911')).statusCode, 200, 'an emergency call is always answered');
    const scraped = await scrape(t.app);
    assert.equal(sample(scraped, 'callgate_emergency_calls_total'), 10);
  } finally {
    await t.close();
  }
});

test('the PBX hook with the real emergency-number detection: 911 of a US account passes a spent limit, and is counted', async () => {
  const t = await opsApp({ rateLimits: { ...UNLIMITED, pbxPerToken: 1 } });
  try {
    const hook = (to: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/pbx/authorize?from=104&to=${encodeURIComponent(to)}`,
        headers: { authorization: `Bearer ${t.tokens.app}` },
      });
    assert.equal((await hook('+14155550101')).statusCode, 200);
    assert.equal((await hook('+14155550101')).statusCode, 429);
    const emergency = await hook('911');
    assert.equal(emergency.statusCode, 200, emergency.body);
    assert.deepEqual(
      [
        json<{ allowed: boolean; rule: string }>(emergency).allowed,
        json<{ rule: string }>(emergency).rule,
      ],
      [true, 'emergencyNumber'],
    );
    const scraped = await scrape(t.app);
    assert.equal(sample(scraped, 'callgate_emergency_calls_total'), 1);
    assert.equal(
      sample(scraped, 'callgate_pbx_hook_answers_total', {
        rule: 'emergencyNumber',
        outcome: 'allowed',
      }),
      1,
    );
  } finally {
    await t.close();
  }
});

test('the session cookie is Secure when the client connection is HTTPS: X-Forwarded-Proto from a trusted proxy only (issue 10, item 11)', async () => {
  const t = await opsApp({ trustProxy: ['10.0.0.0/8'] });
  try {
    await t.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ email: 'u4@example.com' })
        .where('account_id', '=', 'acme')
        .where('id', '=', 'u4')
        .execute();
      await setPassword(trx, 'acme', 'u4', 'a long enough password', Date.now());
    });
    const signIn = (remoteAddress: string, headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress,
        headers,
        payload: { accountId: 'acme', email: 'u4@example.com', password: 'a long enough password' },
      });
    const cookieOf = (response: Awaited<ReturnType<typeof signIn>>) => {
      assert.equal(response.statusCode, 200, response.body);
      return String(response.headers['set-cookie']);
    };
    assert.match(cookieOf(await signIn('10.1.2.3', { 'x-forwarded-proto': 'https' })), /; Secure/);
    assert.doesNotMatch(cookieOf(await signIn('10.1.2.3', {})), /; Secure/, 'plain HTTP');
    assert.doesNotMatch(
      cookieOf(await signIn('203.0.113.5', { 'x-forwarded-proto': 'https' })),
      /; Secure/,
      'an untrusted client cannot claim HTTPS',
    );
  } finally {
    await t.close();
  }
});

test('logs: one JSON line per request at info, with route, status and time, no secrets', async () => {
  const lines: string[] = [];
  const t = await opsApp({}, lines);
  try {
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${t.tokens.u4}` },
    });
    const requests = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request');
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.level, 30);
    assert.equal(requests[0]!.route, '/api/v1/me');
    assert.equal(requests[0]!.status, 200);
    assert.equal(typeof requests[0]!.ms, 'number');
    assert.ok(!lines.join('\n').includes(t.tokens.u4!), 'no token in the logs');
  } finally {
    await t.close();
  }
});

test('the per-address limit counts an IPv6 /64 as one address', async () => {
  const t = await opsApp({ rateLimits: { ...UNLIMITED, perAddress: 2, windowMs: 60_000 } });
  try {
    const from = (remoteAddress: string) =>
      t.app.inject({ method: 'GET', url: '/healthz', remoteAddress });
    assert.equal((await from('2001:db8:1:2::1')).statusCode, 200);
    assert.equal((await from('2001:db8:1:2::ffff')).statusCode, 200);
    assert.equal((await from('2001:db8:1:2:abcd::9')).statusCode, 429, 'the same /64');
    assert.equal((await from('2001:db8:1:3::1')).statusCode, 200, 'another /64');
  } finally {
    await t.close();
  }
});
