import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDirectory } from '../src/telephony/directory.js';
import { COMPANY } from './fixtures.js';
import { describeHttp, grant, json } from './http.js';

interface Client {
  id: string;
  type: string;
  name: string;
  phones: string[];
}
type Error = { error: { code: string } };

/**
 * The company's clients, and CRM read scopes (SPEC §6) that differ by user and type:
 * Mia reads her own contacts and her department's companies, no leads; Tom reads every
 * company and lead, no contacts; everyone else reads everything (no entry: `any`).
 */
const CLIENTS = [
  ...COMPANY.crmClients!,
  {
    id: 'c4',
    type: 'company',
    name: 'Acme Corp',
    phones: ['+14155550104'],
    responsibleUserId: 'u3',
  },
  {
    id: 'c5',
    type: 'contact',
    name: 'Bea Acme',
    phones: ['+442071230005'],
    responsibleUserId: 'u6',
  },
  { id: 'c6', type: 'lead', name: 'Acme lead', phones: ['+14155550106'], responsibleUserId: 'u4' },
] as const;
const SCOPES = [
  { accessCode: 'user:u4', type: 'contact', level: 'own' },
  { accessCode: 'user:u4', type: 'company', level: 'department' },
  { accessCode: 'user:u4', type: 'lead', level: 'none' },
  { accessCode: 'user:u6', type: 'contact', level: 'none' },
] as const;

describeHttp('the dial pad phone book: CRM clients in read scope, named calls', (h) => {
  const search = async (as: string, q: string, extra = ''): Promise<Client[]> => {
    const response = await h().request(
      as,
      'GET',
      `/api/v1/crm-clients/search?q=${encodeURIComponent(q)}${extra}`,
    );
    assert.equal(response.statusCode, 200, response.body);
    return json<{ items: Client[] }>(response).items;
  };
  /** How the engine classifies dialling `number` for `as`: the outbound rule's own view. */
  const classification = async (as: string, number: string): Promise<string | undefined> => {
    const response = await h().request(as, 'POST', '/api/v1/permissions/check', {
      permission: 'outboundCall.perform',
      phoneNumber: number,
    });
    assert.equal(response.statusCode, 200, response.body);
    return json<{ classification?: string }>(response).classification;
  };

  test('setup: more clients, and CRM read scopes by user and type', async () => {
    await h()
      .store.db.transaction()
      .execute((trx) =>
        importDirectory(
          trx,
          'acme',
          { ...COMPANY, crmClients: CLIENTS, crmReadScopes: SCOPES },
          'operator',
          h().clock.now,
        ),
      );
  });

  test('each user finds exactly the clients their CRM read scope reaches, as the outbound rule counts them', async () => {
    for (const as of ['u0', 'u4', 'u6', 'u11']) {
      const found = new Set((await search(as, '+1', '&limit=50')).map((c) => c.id));
      for (const c of await search(as, '+44', '&limit=50')) found.add(c.id);
      for (const client of CLIENTS) {
        const counted = (await classification(as, client.phones[0])) === 'crmClient';
        assert.equal(found.has(client.id), counted, `${as} and ${client.id}`);
      }
    }
    // The scopes are not all the same, so the comparison above compares something.
    assert.deepEqual(
      (await search('u4', 'acme')).map((c) => c.id),
      ['c1', 'c4'],
    );
    assert.deepEqual(
      (await search('u6', 'acme')).map((c) => c.id),
      ['c4', 'c6'],
    );
  });

  test('found by a name or word prefix, an id or a number prefix, alphabetically, with names and numbers', async () => {
    assert.deepEqual(
      await search('u11', 'ACME'),
      [
        { id: 'c6', type: 'lead', name: 'Acme lead', phones: ['+14155550106'] },
        { id: 'c1', type: 'contact', name: 'Acme buyer', phones: ['+14155550101'] },
        { id: 'c4', type: 'company', name: 'Acme Corp', phones: ['+14155550104'] },
        { id: 'c5', type: 'contact', name: 'Bea Acme', phones: ['+442071230005'] },
      ].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())),
    );
    assert.deepEqual(
      (await search('u11', 'c2')).map((c) => c.id),
      ['c2'],
    );
    assert.deepEqual(
      (await search('u11', '+1 415 555 0102')).map((c) => c.id),
      ['c2'],
    );
    assert.deepEqual((await search('u11', 'acme', '&limit=2')).length, 2);
    // LIKE's wildcards are plain characters in a query.
    assert.deepEqual(await search('u11', '%'), []);
    assert.deepEqual(await search('u11', 'a_me'), []);
  });

  test('bad parameters are 400 invalid_request', async () => {
    for (const query of [
      '',
      '?q=',
      `?q=${'a'.repeat(101)}`,
      '?q=a&limit=0',
      '?q=a&limit=51',
      '?q=a&x=1',
    ]) {
      const response = await h().request('u4', 'GET', `/api/v1/crm-clients/search${query}`);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.equal(json<Error>(response).error.code, 'invalid_request');
    }
  });

  test('a call placed to a client names it and is linked to it; a client out of read scope is not', async () => {
    await grant(h(), { 'outboundCall.perform': 'crmClientsAndEmployees' }, ['user:u4']);
    const placed = await h().request('u4', 'POST', '/api/v1/calls/outbound', {
      to: '+1 415 555 0101',
    });
    assert.equal(placed.statusCode, 201, placed.body);
    const answer = json<{ callId: string; crmClient?: { id: string; name: string } }>(placed);
    assert.deepEqual(answer.crmClient, { type: 'contact', id: 'c1', name: 'Acme buyer' });
    const call = await h().request('u0', 'GET', `/api/v1/calls/${answer.callId}`);
    assert.deepEqual(json<{ crm: unknown }>(call).crm, { type: 'contact', id: 'c1' });

    // Tom may call any number, but reads no contacts: the call goes out, unlinked.
    await grant(h(), { 'outboundCall.perform': 'any' }, ['user:u6']);
    const other = await h().request('u6', 'POST', '/api/v1/calls/outbound', {
      to: '+14155550101',
    });
    assert.equal(other.statusCode, 201, other.body);
    const otherAnswer = json<{ callId: string; crmClient?: unknown }>(other);
    assert.equal(otherAnswer.crmClient, undefined);
    const otherCall = await h().request('u0', 'GET', `/api/v1/calls/${otherAnswer.callId}`);
    assert.equal(json<{ crm: unknown }>(otherCall).crm, null);
  });

  test('the caller IDs offered are the rented lines each user may call out from', async () => {
    const lines = ['+16285550160', '+16285550161', '+16285550162'];
    const added = await h().request('operator', 'POST', '/api/v1/number-inventory', {
      items: lines.map((number) => ({ number, country: 'US', monthlyFee: 1, currency: 'USD' })),
    });
    assert.equal(added.statusCode, 201, added.body);
    await h().request('u0', 'POST', '/api/v1/balance/top-ups', { amount: 10 });
    for (const number of lines) {
      const rented = await h().request('u0', 'POST', '/api/v1/numbers', { number });
      assert.equal(rented.statusCode, 201, rented.body);
    }
    // The first line for Sales only, the second for Support only, the third for everyone.
    for (const [number, codes] of [
      [lines[0]!, ['departmentTree:2']],
      [lines[1]!, ['department:4']],
    ] as const) {
      const url = `/api/v1/numbers/${encodeURIComponent(number)}/access`;
      const { version } = json<{ version: number }>(await h().request('u0', 'GET', url));
      const changed = await h().request(
        'u0',
        'PUT',
        url,
        { accessCodes: codes },
        { 'if-match': String(version) },
      );
      assert.equal(changed.statusCode, 200, changed.body);
    }
    const choices = async (as: string, of = as) => {
      const response = await h().request(as, 'GET', `/api/v1/users/${of}/telephony-settings`);
      assert.equal(response.statusCode, 200, response.body);
      return json<{ callerIdChoices: string[] }>(response).callerIdChoices.sort();
    };
    assert.deepEqual(await choices('u4'), [lines[0], lines[2]]);
    assert.deepEqual(await choices('u6'), [lines[1], lines[2]]);
    assert.deepEqual(await choices('u0', 'u9'), [lines[2]]);
    assert.deepEqual(await choices('u0'), [...lines].sort());
    // Each offered line is one the settings accept, and a line not offered is refused.
    const put = async (as: string, callerIdNumber: string) => {
      const { version } = json<{ version: number }>(
        await h().request('u0', 'GET', `/api/v1/users/${as}/telephony-settings`),
      );
      return h().request(
        'u0',
        'PUT',
        `/api/v1/users/${as}/telephony-settings`,
        { device: null, sipLogin: null, callerIdNumber },
        { 'if-match': String(version) },
      );
    };
    assert.equal((await put('u6', lines[1]!)).statusCode, 200);
    assert.equal((await put('u6', lines[0]!)).statusCode, 400);
  });
});
