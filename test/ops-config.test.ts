import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  SETTINGS,
  SETTING_NAMES,
  envOf,
  flagOf,
  resolveConfig,
} from '../src/config.js';
import { runCallgate } from './cli-run.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('each setting comes from its flag, else its CALLGATE_ variable (or an older name), else the config file, else its default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-config-'));
  try {
    const file = join(dir, 'callgate.json');
    writeFileSync(
      file,
      JSON.stringify({ port: 4000, rateLimitPerToken: 7, trustProxy: ['10.0.0.0/8', '::1'] }),
    );
    assert.equal(resolveConfig().port, 3000);
    const fromFile = resolveConfig({ env: { CALLGATE_CONFIG: file } });
    assert.deepEqual(
      [fromFile.port, fromFile.rateLimitPerToken, fromFile.trustProxy],
      [4000, 7, ['10.0.0.0/8', '::1']],
    );
    const fromEnv = resolveConfig({
      env: {
        CALLGATE_CONFIG: file,
        CALLGATE_PORT: '5000',
        LOG_LEVEL: 'warn',
        DATABASE_URL: 'x.db',
      },
    });
    assert.deepEqual([fromEnv.port, fromEnv.logLevel, fromEnv.db], [5000, 'warn', 'x.db']);
    const fromFlag = resolveConfig({
      flags: { port: '6000', config: file },
      env: { CALLGATE_PORT: '5000', PORT: '5001' },
    });
    assert.equal(fromFlag.port, 6000);
    assert.equal(resolveConfig({ env: { PORT: '5001' } }).port, 5001, 'the older name still works');
    assert.equal(
      resolveConfig({ env: { PORT: '5001', CALLGATE_PORT: '5002' } }).port,
      5002,
      'the CALLGATE_ name wins over the older one',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad setting stops start-up with a message naming it and where it came from', () => {
  const refused: [Parameters<typeof resolveConfig>[0], RegExp][] = [
    [
      { env: { CALLGATE_RATE_LIMIT_PER_TOKEN: '0' } },
      /\$CALLGATE_RATE_LIMIT_PER_TOKEN: must be a whole number from 1/,
    ],
    [{ flags: { port: 'http' } }, /--port: must be a whole number from 0 to 65535, got "http"/],
    [{ env: { LOG_LEVEL: 'loud' } }, /\$LOG_LEVEL: must be one of fatal, error/],
    [
      { env: { CALLGATE_TRUST_PROXY: 'true' } },
      /CALLGATE_TRUST_PROXY: "true" is not an address or CIDR/,
    ],
    [{ env: { CALLGATE_TRUST_PROXY: '0.0.0.0/0' } }, /is not an address or CIDR/],
    [{ env: { CALLGATE_TRUST_PROXY: '10.0.0.0/33' } }, /is not an address or CIDR/],
    [{ env: { CALLGATE_CONFIG: '/nonexistent/callgate.json' } }, /config file \/nonexistent/],
  ];
  for (const [sources, message] of refused)
    assert.throws(
      () => resolveConfig(sources),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
  const dir = mkdtempSync(join(tmpdir(), 'callgate-config-'));
  try {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => resolveConfig({ flags: { config: file } }), /unknown setting "prot"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('callgate serve refuses a bad setting before it opens anything (exit 2)', async () => {
  const run = await runCallgate(['serve', '--rate-limit-per-address', 'many'], {});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /bad setting: --rate-limit-per-address: must be a whole number/);
});

test('callgate config print: the effective configuration, secrets masked', async () => {
  const env = {
    CALLGATE_OPERATOR_TOKEN: 'operator-secret-value',
    CALLGATE_SECRET_KEY: 'c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk=',
    CALLGATE_METRICS_TOKEN: 'metrics-secret-value',
    CALLGATE_REDIS_URL: 'redis://:redis-password@127.0.0.1:6379/0',
    DATABASE_URL: 'postgres://callgate:db-password@db.internal:5432/callgate',
  };
  const run = await runCallgate(['config', 'print', '--json', '--rate-limit-per-token', '9'], env);
  assert.equal(run.code, 0, run.stderr);
  for (const secret of [
    'operator-secret-value',
    'c2VjcmV0',
    'metrics-secret-value',
    'redis-password',
    'db-password',
  ])
    assert.ok(!run.stdout.includes(secret), `${secret} is shown`);
  const printed = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(printed), SETTING_NAMES);
  assert.equal(printed.operatorToken, '[set]');
  assert.equal(printed.secretKey, '[set]');
  assert.equal(printed.redisUrl, 'redis://:*****@127.0.0.1:6379/0');
  assert.equal(printed.db, 'postgres://callgate:*****@db.internal:5432/callgate');
  assert.equal(printed.rateLimitPerToken, 9);
  assert.equal(printed.trustProxy instanceof Array, true);
  const text = await runCallgate(['config', 'print'], {});
  assert.match(text.stdout, /^CALLGATE_PORT\s+3000$/m);
  assert.match(text.stdout, /^CALLGATE_OPERATOR_TOKEN\s+null$/m);
});

test("the README's configuration table documents every setting: flag, variable, default", () => {
  for (const name of SETTING_NAMES) {
    const row = README.split('\n').find((line) => line.startsWith(`| \`--${flagOf(name)}\``));
    assert.ok(row, `README has no row for --${flagOf(name)}`);
    assert.ok(row.includes(`\`${envOf(name)}\``), `${name}: ${envOf(name)} missing`);
    const fallback = SETTINGS[name].defaultValue;
    if (typeof fallback === 'number')
      assert.ok(
        row.replaceAll(',', '').includes(String(fallback)),
        `${name}: default ${fallback} missing`,
      );
  }
});
