import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emergencyPatternsOf } from './pbx-emergency.js';
import {
  type KamailioConfigOptions,
  type PbxEmergencyNumbers,
  emergencyRegex,
  parseHostPort,
  renderKamailioConfig,
} from './pbx-config.js';

const US: PbxEmergencyNumbers = {
  country: 'US',
  regions: ['US'],
  patterns: [{ region: 'US', pattern: '112|911' }],
  numbers: [],
};

const OPTIONS: KamailioConfigOptions = {
  accountId: 'acme',
  callgateUrl: 'http://127.0.0.1:3000/ignored/path',
  token: 'cg_abcdefghijkl.secret-part_0123',
  listen: { host: '127.0.0.1', port: 5060 },
  carrier: { host: '10.0.0.7', port: 5070 },
  children: 8,
  timeoutSeconds: 1,
  callgate: true,
  keepAlive: true,
};

describe('the emergency list the proxy matches without asking', () => {
  test('metadata patterns and the account list in one anchored POSIX expression', () => {
    assert.equal(emergencyRegex(US), '^(112|911)$');
    const own = { ...US, numbers: ['+14155550911', '1313'] };
    assert.equal(emergencyRegex(own), '^(112|911|[+]14155550911|14155550911|4155550911|1313)$');
  });

  test('an entry abroad is matched only as written, not in national forms read at home', () => {
    assert.equal(
      emergencyRegex({ ...US, patterns: [], numbers: ['+442079460999'] }),
      '^([+]442079460999)$',
    );
  });

  test('\\d and (?: are rewritten for POSIX; anything a POSIX engine reads differently is refused', () => {
    const rewritten = emergencyRegex({
      ...US,
      patterns: [{ region: 'US', pattern: '1(?:12|\\d{2})' }],
    });
    assert.equal(rewritten, '^(1(12|[0-9]{2}))$');
    assert.throws(() => emergencyRegex({ ...US, patterns: [{ region: 'US', pattern: '11\\s2' }] }));
  });

  test("every region's pattern of the metadata is plain enough", () => {
    for (const region of ['US', 'GB', 'DE', 'FR', 'BR', 'IN', 'JP', 'AU', 'VN', 'PT', 'ES', 'MX']) {
      const patterns = emergencyPatternsOf(region as 'US');
      assert.ok(patterns.length > 0, region);
      assert.doesNotThrow(
        () =>
          emergencyRegex({
            ...US,
            patterns: patterns.map((pattern) => ({ region: 'US', pattern })),
          }),
        region,
      );
    }
    assert.match(
      '999',
      new RegExp(
        emergencyRegex({
          ...US,
          patterns: emergencyPatternsOf('GB').map((pattern) => ({ region: 'GB', pattern })),
        }),
      ),
    );
  });
});

describe('the generated configuration', () => {
  const template = 'request_route { exit; }\n';

  test('definitions first, then the template unchanged', () => {
    const config = renderKamailioConfig(template, OPTIONS, US, new Date(0));
    assert.ok(config.startsWith('#!KAMAILIO\n'));
    assert.ok(config.endsWith(`\n\n${template}`));
    assert.match(config, /^listen=udp:127\.0\.0\.1:5060$/m);
    assert.match(config, /^#!define CALLGATE_CARRIER "sip:10\.0\.0\.7:5070"$/m);
    assert.match(config, /^#!define CALLGATE_EMERGENCY "\^\(112\|911\)\$"$/m);
    assert.match(config, /^#!define CALLGATE_ENABLED$/m);
    // Keep-alive: the token as Basic credentials of the named connection; no path.
    assert.match(
      config,
      /^#!define CALLGATE_HTTPCON "callgate=>http:\/\/pbx:cg_abcdefghijkl\.secret-part_0123@127\.0\.0\.1:3000"$/m,
    );
    assert.doesNotMatch(config, /CALLGATE_AUTH/);
  });

  test('without keep-alive the token is a Bearer header', () => {
    const config = renderKamailioConfig(
      template,
      { ...OPTIONS, keepAlive: false },
      US,
      new Date(0),
    );
    assert.match(
      config,
      /^#!define CALLGATE_AUTH "Authorization: Bearer cg_abcdefghijkl\.secret-part_0123"$/m,
    );
    assert.doesNotMatch(config, /CALLGATE_KEEPALIVE|HTTPCON/);
  });

  test('the "no Callgate" variant carries no token and no Callgate route', () => {
    const config = renderKamailioConfig(
      template,
      { ...OPTIONS, callgate: false, token: undefined },
      US,
      new Date(0),
    );
    assert.doesNotMatch(config, /^#!define CALLGATE_(ENABLED|URL|AUTH|HTTPCON)/m);
    assert.doesNotMatch(config, /cg_/);
  });

  test('a token that is no Callgate token, or a URL that is not HTTP, is refused', () => {
    for (const token of ['a"b', 'a b', 'x;failover=evil', 'user@host', 'a\\b'])
      assert.throws(
        () => renderKamailioConfig(template, { ...OPTIONS, token }, US, new Date(0)),
        token,
      );
    assert.throws(() =>
      renderKamailioConfig(template, { ...OPTIONS, callgateUrl: 'ftp://x' }, US, new Date(0)),
    );
  });

  test('host:port', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:5060'), { host: '127.0.0.1', port: 5060 });
    assert.deepEqual(parseHostPort('[::1]:5070'), { host: '[::1]', port: 5070 });
    for (const bad of ['127.0.0.1', ':5060', 'a:0', 'a:70000', 'a b:1'])
      assert.equal(parseHostPort(bad), undefined, bad);
  });
});
