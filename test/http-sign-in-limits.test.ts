import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setPassword } from '../src/telephony/credentials.js';
import { HashingGate } from '../src/telephony/sign-in-limits.js';
import { wav } from './faults-harness.js';
import { describeHttp, json } from './http.js';

type Error = { error: { code: string; message: string } };

describeHttp('sign-in limits (issue 10, item 7)', (h) => {
  const PASSWORD = 'the right password';
  const signIn = (email: string, password: string, remoteAddress = '192.0.2.1') =>
    h().app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { accountId: 'acme', email, password },
      remoteAddress,
    });

  test('setup: a password for u4', async () => {
    await h()
      .store.db.transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ email: 'u4@example.com' })
          .where('account_id', '=', 'acme')
          .where('id', '=', 'u4')
          .execute();
        await setPassword(trx, 'acme', 'u4', PASSWORD, h().clock.now);
      });
  });

  test('per account and email: a few mistakes are free, then 429 rate_limited with Retry-After, doubling, even for the right password', async () => {
    const { freeFailuresPerEmail } = h().services.config.signInLimits;
    // Each guess from its own address: only the per-email count can be what stops them.
    let address = 0;
    const next = () => `198.51.100.${++address}`;
    for (let i = 0; i <= freeFailuresPerEmail; i++)
      assert.equal((await signIn('U4@example.com', `wrong ${i}`, next())).statusCode, 401);
    const blocked = await signIn('u4@example.com', PASSWORD, next());
    assert.equal(blocked.statusCode, 429, blocked.body);
    assert.equal(json<Error>(blocked).error.code, 'rate_limited');
    assert.equal(blocked.headers['retry-after'], '1');
    assert.equal(blocked.headers['set-cookie'], undefined);
    h().clock.now += 1_000;
    assert.equal((await signIn('u4@example.com', 'wrong again', next())).statusCode, 401);
    assert.equal((await signIn('u4@example.com', PASSWORD, next())).headers['retry-after'], '2');
    h().clock.now += 2_000;
    // Once the wait is over the right password works, and the count starts again.
    assert.equal((await signIn('u4@example.com', PASSWORD, next())).statusCode, 200);
    assert.equal((await signIn('u4@example.com', 'one slip', next())).statusCode, 401);
    assert.equal((await signIn('u4@example.com', PASSWORD, next())).statusCode, 200);
  });

  test('per address: guessing many emails from one address waits too; other addresses do not', async () => {
    const { freeFailuresPerAddress } = h().services.config.signInLimits;
    for (let i = 0; i <= freeFailuresPerAddress; i++)
      assert.equal(
        (await signIn(`nobody${i}@example.com`, 'guess', '203.0.113.7')).statusCode,
        401,
      );
    const blocked = await signIn('u4@example.com', PASSWORD, '203.0.113.7');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers['retry-after'], '1');
    assert.equal((await signIn('u4@example.com', PASSWORD, '203.0.113.8')).statusCode, 200);
  });

  test('a flood of sign-ins from many addresses cannot starve file reads: a recording starts fast', async () => {
    const audio = wav(128 * 1024, 3);
    const uploaded = await h().request('app', 'PUT', '/api/v1/calls/call-u4/recording', audio, {
      'content-type': 'audio/wav',
    });
    assert.equal(uploaded.statusCode, 204, uploaded.body);
    const play = async () => {
      const started = performance.now();
      const response = await h().request('u0', 'GET', '/api/v1/calls/call-u4/recording');
      assert.equal(response.statusCode, 200);
      assert.equal(response.rawPayload.length, audio.length);
      return performance.now() - started;
    };
    const quiet = await play();
    // The flood of the review: 345 guesses, here all at once, each from its own address and
    // for its own email, so no per-key limit stops them: only the hashing bound can.
    const flood = Array.from({ length: 345 }, (_, i) =>
      signIn(`guess${i}@example.com`, 'guess', `10.9.${i >> 8}.${i & 255}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = await play();
    const answers = await Promise.all(flood);
    const statuses = new Set(answers.map((a) => a.statusCode));
    assert.deepEqual(
      [...statuses].filter((s) => s !== 401 && s !== 429),
      [],
    );
    assert.ok(statuses.has(429), 'the excess is refused at once, not queued');
    assert.ok(
      during < 1_500,
      `a recording took ${Math.round(during)} ms during the flood (${Math.round(quiet)} ms without)`,
    );
  });
});

test('the hashing gate: at most `concurrency` at once, `queued` waiting, the rest refused at once', async () => {
  const gate = new HashingGate(2, 3);
  let running = 0;
  let most = 0;
  const work = () =>
    gate.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running -= 1;
      return 'done';
    });
  const results = await Promise.allSettled(Array.from({ length: 8 }, work));
  assert.equal(most, 2);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
  const refused = results.filter((r) => r.status === 'rejected');
  assert.equal(refused.length, 3);
  assert.equal((refused[0]!.reason as { code: string }).code, 'rate_limited');
  // A caller that may not be refused waits instead.
  const waited = await Promise.all(
    Array.from({ length: 8 }, () => gate.run(() => Promise.resolve('ok'), { mayRefuse: false })),
  );
  assert.equal(waited.length, 8);
  assert.equal(gate.running, 0);
});
