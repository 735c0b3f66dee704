import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATOR_TOKEN, describeHttp } from './http.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * A token as HTTP Basic credentials (password = token): what Kamailio's http_client sends on
 * its kept-alive connections (integrations/kamailio). It is the same token, with the same
 * scopes; operator endpoints take Bearer only.
 */
describeHttp('a token sent as HTTP Basic credentials', (harness) => {
  const hook = '/api/v1/pbx/authorize?from=100&to=%2B14155550101';

  test('the PBX application token as the Basic password is the PBX application', async () => {
    const response = await harness().request(null, 'GET', hook, undefined, {
      authorization: basic('pbx', harness().appToken),
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(typeof response.json<{ allowed: unknown }>().allowed, 'boolean');
  });

  test('the user name is ignored; a wrong or empty password is no token', async () => {
    const { appToken } = harness();
    for (const [authorization, status] of [
      [basic('', appToken), 200],
      [basic('pbx', `${appToken}x`), 401],
      [basic('pbx', ''), 401],
      [`Basic ${Buffer.from(appToken).toString('base64')}`, 401],
      ['Basic !!!', 401],
    ] as const) {
      const response = await harness().request(null, 'GET', hook, undefined, { authorization });
      assert.equal(response.statusCode, status, `${authorization}: ${response.body}`);
    }
  });

  test('a user token as Basic keeps its own scopes: no pbx scope, no hook', async () => {
    const response = await harness().request(null, 'GET', hook, undefined, {
      authorization: basic('u0', harness().tokens.u0!),
    });
    assert.equal(response.statusCode, 403, response.body);
  });

  test('operator endpoints do not take Basic', async () => {
    const response = await harness().request(
      null,
      'POST',
      '/api/v1/accounts',
      { name: 'Other', plan: 'basic' },
      { authorization: basic('operator', OPERATOR_TOKEN) },
    );
    assert.equal(response.statusCode, 401, response.body);
  });
});
