import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_NUMBER_INVENTORY, seedDemoNumbers } from '../src/telephony/numbers.js';
import { assign } from './fixtures.js';
import { type Harness, describeHttp, grant, json, seedAccount } from './http.js';

interface ErrorBody {
  error: { code: string; message: string; permission?: string; requiredLevel?: string };
}
interface RentedNumber {
  number: string;
  country: string;
  monthlyFee: number;
  currency: string;
  rentedAt: string;
  connection: { host: string | null; username: string | null; hasPassword: boolean };
}
interface LedgerEntry {
  id: string;
  at: string;
  amount: number;
  currency: string;
  kind: string;
  description: string;
}
interface Balance {
  balance: number;
  currency: string;
  ledger: LedgerEntry[];
}

const errorOf = (response: LightMyRequestResponse) => json<ErrorBody>(response).error;
const path = (number: string) => `/api/v1/numbers/${encodeURIComponent(number)}`;
const cents = (amount: number) => Math.round(amount * 100);
const SIP_PASSWORD = 'Sip-pa55word-9913';

const POOL = [
  { number: '+16285550150', country: 'US', monthlyFee: 5, currency: 'USD' },
  { number: '+16285550151', country: 'US', monthlyFee: 2.5, currency: 'USD' },
  { number: '+16285550152', country: 'US', monthlyFee: 1.25, currency: 'USD' },
  { number: '+442071838750', country: 'GB', monthlyFee: 4, currency: 'USD' },
];

async function balanceOf(h: Harness, as = 'u0', query = ''): Promise<Balance> {
  const response = await h.request(as, 'GET', `/api/v1/balance${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return json<Balance>(response);
}

async function accountNumbers(h: Harness, as = 'u0'): Promise<RentedNumber[]> {
  const response = await h.request(as, 'GET', '/api/v1/numbers');
  assert.equal(response.statusCode, 200, response.body);
  return json<{ items: RentedNumber[] }>(response).items;
}

async function available(h: Harness, query = ''): Promise<string[]> {
  const response = await h.request('u0', 'GET', `/api/v1/numbers/available${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return json<{ items: { number: string }[] }>(response).items.map((item) => item.number);
}

describeHttp('numbers', (h) => {
  test('the operator fills the pool; re-adding on the same terms is accepted, on other terms refused', async () => {
    const first = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: POOL,
    });
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual(json(first), { added: 4, unchanged: 0 });
    const again = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: POOL,
    });
    assert.deepEqual(json(again), { added: 0, unchanged: 4 });
    const other = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: [{ ...POOL[0]!, monthlyFee: 6 }],
    });
    assert.equal(other.statusCode, 409);
    assert.equal(errorOf(other).code, 'conflict');
    assert.equal(
      (await h().request('u0', 'POST', '/api/v1/number-inventory', { items: POOL })).statusCode,
      401,
    );
    const malformed = [
      { items: [{ ...POOL[0]!, number: '4155550100' }] },
      { items: [{ ...POOL[0]!, currency: 'EUR' }] },
      { items: [{ ...POOL[0]!, monthlyFee: -1 }] },
      { items: [{ ...POOL[0]!, country: 'usa' }] },
      { items: [{ ...POOL[0]!, note: 'x' }] },
      { items: [POOL[0]!, POOL[0]!] },
      { items: [] },
    ];
    for (const body of malformed) {
      const response = await h().request('operator', 'POST', '/api/v1/number-inventory', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    assert.deepEqual(await available(h()), POOL.map((item) => item.number).sort());
    assert.deepEqual(await available(h(), '?country=GB'), ['+442071838750']);
    assert.deepEqual(await available(h(), '?limit=1'), ['+16285550150']);
  });

  test('a Manager (numbers.manage = none) is refused every numbers route with 403', async () => {
    await grant(h(), null);
    const requests: [method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown][] = [
      ['GET', '/api/v1/numbers'],
      ['GET', '/api/v1/numbers/available'],
      ['POST', '/api/v1/numbers', { number: '+16285550150' }],
      ['DELETE', path('+16285550150')],
      ['PUT', `${path('+16285550150')}/connection`, { host: 'sip.example.com', username: 'x' }],
    ];
    for (const [method, url, body] of requests) {
      const response = await h().request('u4', method, url, body);
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.equal(errorOf(response).code, 'permission_denied');
      assert.equal(errorOf(response).permission, 'numbers.manage');
      assert.equal(errorOf(response).requiredLevel, 'any');
    }
    assert.deepEqual(await accountNumbers(h()), []);
  });

  test('numbers.manage = any through a role: rent (fee debited), double rent 409, unknown 404, release', async () => {
    await grant(h(), { 'numbers.manage': 'any' }, ['user:u4']);
    const balanceBefore = await balanceOf(h());
    const rented = await h().request('u4', 'POST', '/api/v1/numbers', { number: '+16285550150' });
    assert.equal(rented.statusCode, 201, rented.body);
    assert.deepEqual(json(rented), {
      number: '+16285550150',
      country: 'US',
      monthlyFee: 5,
      currency: 'USD',
      rentedAt: new Date(h().clock.now).toISOString(),
      connection: { host: null, username: null, hasPassword: false },
    });
    assert.deepEqual(
      (await accountNumbers(h(), 'u4')).map((n) => n.number),
      ['+16285550150'],
    );
    assert.ok(!(await available(h())).includes('+16285550150'));

    const balance = await balanceOf(h());
    assert.equal(cents(balance.balance), cents(balanceBefore.balance) - 500);
    assert.equal(balance.ledger[0]!.kind, 'number.rent');
    assert.equal(balance.ledger[0]!.amount, -5);
    assert.match(balance.ledger[0]!.description, /\+16285550150/);

    const twice = await h().request('u4', 'POST', '/api/v1/numbers', { number: '+16285550150' });
    assert.equal(twice.statusCode, 409);
    assert.equal(errorOf(twice).code, 'conflict');
    const unknown = await h().request('u4', 'POST', '/api/v1/numbers', { number: '+16285550199' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(errorOf(unknown).code, 'not_found');
    for (const body of [
      { number: '6285550150' },
      { number: 16285550150 },
      { number: '+16285550150', x: 1 },
      {},
    ]) {
      const response = await h().request('u4', 'POST', '/api/v1/numbers', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    assert.equal(
      cents((await balanceOf(h())).balance),
      cents(balance.balance),
      'refusals debit nothing',
    );

    assert.equal((await h().request('u4', 'DELETE', path('+16285550150'))).statusCode, 204);
    assert.equal((await h().request('u4', 'DELETE', path('+16285550150'))).statusCode, 404);
    assert.equal(
      (await h().request('u4', 'DELETE', path('+16285550151'))).statusCode,
      404,
      'not rented',
    );
    assert.equal((await h().request('u4', 'DELETE', '/api/v1/numbers/6285550150')).statusCode, 400);
    assert.deepEqual(await accountNumbers(h(), 'u4'), []);
    assert.ok((await available(h())).includes('+16285550150'));
    // A + left unencoded in the path is the same number.
    const again = await h().request('u4', 'POST', '/api/v1/numbers', { number: '+16285550150' });
    assert.equal(again.statusCode, 201);
    assert.equal(
      (await h().request('u4', 'DELETE', '/api/v1/numbers/+16285550150')).statusCode,
      204,
    );

    const audit = await h()
      .store.db.selectFrom('audit_log')
      .select('type')
      .where('account_id', '=', 'acme')
      .where('subject', '=', '+16285550150')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((row) => row.type),
      ['number.rented', 'number.released', 'number.rented', 'number.released'],
    );
  });

  test('the SIP connection password is sealed at rest and never returned', async () => {
    await grant(h(), null);
    assert.equal(
      (await h().request('u0', 'POST', '/api/v1/numbers', { number: '+16285550151' })).statusCode,
      201,
    );
    const url = `${path('+16285550151')}/connection`;
    const put = await h().request('u0', 'PUT', url, {
      host: 'sip.example.com:5060',
      username: 'acme-151',
      password: SIP_PASSWORD,
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.ok(!put.body.includes(SIP_PASSWORD));
    assert.deepEqual(json<RentedNumber>(put).connection, {
      host: 'sip.example.com:5060',
      username: 'acme-151',
      hasPassword: true,
    });
    const list = await h().request('u0', 'GET', '/api/v1/numbers');
    assert.ok(!list.body.includes(SIP_PASSWORD));
    assert.equal(json<{ items: RentedNumber[] }>(list).items[0]!.connection.hasPassword, true);

    const sealed = async () =>
      (
        await h()
          .store.db.selectFrom('account_numbers')
          .select('sip_password')
          .where('number', '=', '+16285550151')
          .executeTakeFirstOrThrow()
      ).sip_password;
    const row = await sealed();
    assert.ok(row !== null && !row.includes(SIP_PASSWORD));
    assert.equal(h().services.secrets.decrypt(row), SIP_PASSWORD);

    // Without a password the stored one stays; null removes it.
    const keep = await h().request('u0', 'PUT', url, {
      host: 'sip2.example.com',
      username: 'acme-151',
    });
    assert.equal(keep.statusCode, 200);
    assert.equal(json<RentedNumber>(keep).connection.hasPassword, true);
    assert.equal(h().services.secrets.decrypt((await sealed())!), SIP_PASSWORD);
    const remove = await h().request('u0', 'PUT', url, {
      host: 'sip2.example.com',
      username: 'acme-151',
      password: null,
    });
    assert.equal(json<RentedNumber>(remove).connection.hasPassword, false);
    assert.equal(await sealed(), null);

    for (const body of [
      { host: 'bad host', username: 'x' },
      { host: 'sip.example.com', username: 'x', password: 7 },
      { host: 'sip.example.com', username: 'x', port: 5060 },
      { host: 'sip.example.com' },
    ]) {
      const response = await h().request('u0', 'PUT', url, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    const notRented = await h().request('u0', 'PUT', `${path('+16285550152')}/connection`, {
      host: 'sip.example.com',
      username: 'x',
    });
    assert.equal(notRented.statusCode, 404);
    const everything = await h().store.db.selectFrom('audit_log').selectAll().execute();
    assert.ok(!JSON.stringify(everything).includes(SIP_PASSWORD), 'the password is never audited');
  });

  test('another account neither sees nor touches acme’s numbers', async () => {
    const tokens = await seedAccount(h().store, 'globex', h().clock.now);
    const globex = tokens.u0!;
    assert.deepEqual(await accountNumbers(h(), globex), []);
    const rent = await h().request(globex, 'POST', '/api/v1/numbers', { number: '+16285550151' });
    assert.equal(rent.statusCode, 409);
    assert.ok(!rent.body.includes('acme'));
    assert.equal((await h().request(globex, 'DELETE', path('+16285550151'))).statusCode, 404);
    const connection = await h().request(globex, 'PUT', `${path('+16285550151')}/connection`, {
      host: 'evil.example.com',
      username: 'x',
    });
    assert.equal(connection.statusCode, 404);
    assert.deepEqual(
      (await accountNumbers(h())).map((n) => [n.number, n.connection.host]),
      [['+16285550151', 'sip2.example.com']],
    );
  });

  test('releasing a number clears the caller IDs that used it', async () => {
    await grant(h(), null);
    assert.equal(
      (await h().request('u0', 'POST', '/api/v1/numbers', { number: '+16285550152' })).statusCode,
      201,
    );
    const settings = json<{ version: number }>(
      await h().request('u0', 'GET', '/api/v1/users/u6/telephony-settings'),
    );
    const put = await h().request(
      'u0',
      'PUT',
      '/api/v1/users/u6/telephony-settings',
      { device: 'softphone', sipLogin: null, callerIdNumber: '+16285550152' },
      { 'if-match': String(settings.version) },
    );
    assert.equal(put.statusCode, 200, put.body);
    const general = json<{ version: number }>(
      await h().request('u0', 'GET', '/api/v1/settings/general'),
    );
    const setDefault = await h().request(
      'u0',
      'PUT',
      '/api/v1/settings/general',
      { recordCalls: true, defaultCallerIdNumber: '+16285550152', language: 'en' },
      { 'if-match': String(general.version) },
    );
    assert.equal(setDefault.statusCode, 200, setDefault.body);

    assert.equal((await h().request('u0', 'DELETE', path('+16285550152'))).statusCode, 204);
    const after = json<{ callerIdNumber: string | null; version: number }>(
      await h().request('u0', 'GET', '/api/v1/users/u6/telephony-settings'),
    );
    assert.equal(after.callerIdNumber, null);
    assert.equal(after.version, settings.version + 2);
    const generalAfter = json<{
      value: { defaultCallerIdNumber: string | null; recordCalls: boolean };
    }>(await h().request('u0', 'GET', '/api/v1/settings/general'));
    assert.equal(generalAfter.value.defaultCallerIdNumber, null);
    assert.equal(generalAfter.value.recordCalls, true);
  });

  test('the demo seed fills the pool, tops up and rents two numbers, once', async () => {
    const tokens = await seedAccount(h().store, 'demo-numbers', h().clock.now);
    const admin = tokens.u0!;
    const rented = await h()
      .store.db.transaction()
      .execute((trx) => seedDemoNumbers(trx, 'demo-numbers', h().clock.now));
    assert.deepEqual(
      rented,
      DEMO_NUMBER_INVENTORY.slice(0, 2).map((item) => item.number),
    );
    assert.deepEqual(
      (await accountNumbers(h(), admin)).map((n) => n.number),
      rented,
    );
    const balance = await balanceOf(h(), admin);
    assert.equal(cents(balance.balance), 100_00 - 2 * 5_00);
    assert.deepEqual(
      balance.ledger.map((entry) => entry.kind),
      ['number.rent', 'number.rent', 'top-up'],
    );
    const again = await h()
      .store.db.transaction()
      .execute((trx) => seedDemoNumbers(trx, 'demo-numbers', h().clock.now));
    assert.deepEqual(again, []);
    assert.equal((await balanceOf(h(), admin)).ledger.length, 3);
  });
});

describeHttp('balance', (h) => {
  test('an account administrator may, although the Administrator role gives balance.manage = none', async () => {
    await grant(h(), null);
    const balance = await balanceOf(h(), 'u0');
    assert.deepEqual(balance, { balance: 0, currency: 'USD', ledger: [] });
    const topUp = await h().request('u0', 'POST', '/api/v1/balance/top-ups', { amount: 10 });
    assert.equal(topUp.statusCode, 201, topUp.body);
    assert.equal((await balanceOf(h(), 'u0')).balance, 10);
  });

  test('the Administrator role without being an account administrator: numbers and settings, not the balance', async () => {
    await grant(h(), null, [], [assign('administrator', 'user:u7')]);
    for (const [method, url, body] of [
      ['GET', '/api/v1/balance', undefined],
      ['POST', '/api/v1/balance/top-ups', { amount: 5 }],
    ] as const) {
      const response = await h().request('u7', method, url, body);
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.equal(errorOf(response).code, 'permission_denied');
      assert.equal(errorOf(response).permission, 'balance.manage');
    }
    assert.equal((await h().request('u7', 'GET', '/api/v1/numbers')).statusCode, 200);
    assert.equal((await h().request('u7', 'GET', '/api/v1/settings/general')).statusCode, 200);
    assert.equal(
      (await h().request('u7', 'GET', '/api/v1/users/u5/telephony-settings')).statusCode,
      200,
    );
    assert.equal((await balanceOf(h(), 'u0')).balance, 10, 'the refused top-up credited nothing');
  });

  test('a Manager is refused; balance.manage = any through a role allows; telephonySettings alone does not', async () => {
    await grant(h(), { 'telephonySettings.modify': 'any' }, ['user:u4']);
    for (const [method, url, body] of [
      ['GET', '/api/v1/balance', undefined],
      ['POST', '/api/v1/balance/top-ups', { amount: 5 }],
    ] as const) {
      for (const as of ['u4', 'u10']) {
        const response = await h().request(as, method, url, body);
        assert.equal(response.statusCode, 403, `${as} ${method} ${url}`);
        assert.equal(errorOf(response).permission, 'balance.manage');
      }
    }
    await grant(h(), { 'balance.manage': 'any' }, ['user:u4']);
    const before = await balanceOf(h(), 'u4');
    const topUp = await h().request('u4', 'POST', '/api/v1/balance/top-ups', {
      amount: 12.34,
      currency: 'USD',
    });
    assert.equal(topUp.statusCode, 201, topUp.body);
    const entry = json<LedgerEntry>(topUp);
    assert.equal(entry.amount, 12.34);
    assert.equal(entry.kind, 'top-up');
    assert.equal(entry.currency, 'USD');
    assert.equal(entry.at, new Date(h().clock.now).toISOString());
    const after = await balanceOf(h(), 'u4');
    assert.equal(cents(after.balance), cents(before.balance) + 1234);
    assert.deepEqual(after.ledger[0], entry);
    // Cents that binary floating point cannot hold exactly still add up exactly.
    for (let i = 0; i < 3; i++) {
      const response = await h().request('u4', 'POST', '/api/v1/balance/top-ups', { amount: 0.07 });
      assert.equal(response.statusCode, 201, response.body);
    }
    assert.equal(cents((await balanceOf(h(), 'u4')).balance), cents(after.balance) + 21);
    assert.equal((await h().request('u10', 'GET', '/api/v1/balance')).statusCode, 403);

    const audit = await h()
      .store.db.selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', 'acme')
      .where('type', '=', 'balance.toppedUp')
      .where('subject', '=', entry.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor, 'user:u4');
    assert.equal((JSON.parse(audit.after!) as LedgerEntry).amount, 12.34);
  });

  test('malformed top-ups are refused with 400 and credit nothing', async () => {
    const before = await balanceOf(h(), 'u0');
    for (const body of [
      { amount: 0 },
      { amount: -5 },
      { amount: 100000.01 },
      { amount: 1.234 },
      { amount: '10' },
      { amount: 10, currency: 'EUR' },
      { amount: 10, note: 'x' },
      {},
    ]) {
      const response = await h().request('u0', 'POST', '/api/v1/balance/top-ups', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(errorOf(response).code, 'invalid_request');
    }
    assert.deepEqual(await balanceOf(h(), 'u0'), before);
    const max = await h().request('u0', 'POST', '/api/v1/balance/top-ups', { amount: 100000 });
    assert.equal(max.statusCode, 201);
  });

  test('the ledger is newest first and limited by ?limit (at most 100)', async () => {
    const all = await balanceOf(h(), 'u0');
    assert.ok(all.ledger.length >= 3);
    const ids = all.ledger.map((entry) => Number(entry.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const one = await balanceOf(h(), 'u0', '?limit=1');
    assert.deepEqual(one.ledger, all.ledger.slice(0, 1));
    assert.equal(one.balance, all.balance);
    for (const query of ['?limit=0', '?limit=101', '?limit=x']) {
      assert.equal(
        (await h().request('u0', 'GET', `/api/v1/balance${query}`)).statusCode,
        400,
        query,
      );
    }
  });
});
