import { startServer } from '../../api/server.js';
import { DEMO_ACCOUNT_ID, seedDemo } from '../../telephony/demo.js';
import { seedLargeDemo } from '../../telephony/demo-large.js';
import { seedDemoRecordings } from '../../telephony/demo-audio.js';
import { mintToken } from '../../telephony/tokens.js';
import {
  type Config,
  ConfigError,
  SETTING_NAMES,
  describeConfig,
  flagOf,
  resolveConfig,
} from '../../config.js';
import { type Command, type OptionValues, UsageError } from '../command.js';

/** The demo users whose tokens `serve --demo` prints, one per kind of access. */
const DEMO_SIGN_INS = [
  ['ada', 'account administrator'],
  ['erik', 'head of Sales East'],
  ['mia', 'manager in Sales East'],
  ['cora', 'support: CRM clients only'],
] as const;

/** Every setting as a flag of `serve` (and of `config print`), plus `--config FILE`. */
export const SETTING_OPTIONS = Object.fromEntries([
  ['config', { type: 'string' }],
  ...SETTING_NAMES.map((name) => [flagOf(name), { type: 'string' }]),
]) as Command['options'];

/** The effective configuration of a command line: flags, environment, file, defaults. */
export function configOf(options: OptionValues, env: NodeJS.ProcessEnv): Config {
  let config: Config;
  try {
    config = resolveConfig({ flags: options, env });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`bad setting: ${error.message}`);
    throw error;
  }
  // Settings that only make sense together.
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined))
    throw new UsageError('bad setting: tls-cert and tls-key go together');
  const isPostgres = (url: string) => /^postgres(ql)?:\/\//.test(url);
  if (config.readDb !== undefined && !(isPostgres(config.readDb) && isPostgres(config.db)))
    throw new UsageError('bad setting: read-db needs PostgreSQL: a standby of the db primary');
  return config;
}

export const serve: Command = {
  name: 'serve',
  usage:
    'serve [--config FILE] [--port 3000] [--host 127.0.0.1] [--log-level info] [--<setting> VALUE …] [--demo standard|large]',
  summary:
    'run the HTTP service (every setting: README "Configuration"); --demo creates the demo company (large: 2,000 users, 1,000,000 calls) and prints tokens',
  options: { ...SETTING_OPTIONS, demo: { type: 'string' } },
  async run({ options, io, out }) {
    const demo = options.demo;
    if (demo !== undefined && demo !== 'standard' && demo !== 'large') {
      throw new UsageError('--demo is standard or large');
    }
    const config = configOf(options, io.env);
    const server = await startServer({
      ...config,
      prepare: async (services) => {
        if (demo === undefined) return;
        const { db: kysely } = services.store;
        const now = services.now();
        const created = await kysely
          .transaction()
          .execute((trx) => (demo === 'large' ? seedLargeDemo(trx, now) : seedDemo(trx, now)));
        // A recording on every 10th answered call; on the large demo, every 5,000th.
        const every = demo === 'large' ? 5_000 : 10;
        if (created)
          await seedDemoRecordings({ db: kysely, dataDir: services.config.dataDir, now, every });
        const tokens = await kysely.transaction().execute(async (trx) => {
          const minted: string[] = [];
          for (const [userId, who] of DEMO_SIGN_INS) {
            const { token } = await mintToken(
              trx,
              DEMO_ACCOUNT_ID,
              { userId, ttlSeconds: 12 * 3600, label: 'demo' },
              'system',
              now,
            );
            minted.push(`  ${userId.padEnd(5)} (${who}): ${token}`);
          }
          return minted;
        });
        out(
          `demo company "${DEMO_ACCOUNT_ID}" ready; tokens valid for 12 hours:\n${tokens.join('\n')}`,
        );
      },
    });
    out(`callgate listening on ${server.url} (API docs at /docs)`);
    if (server.metricsUrl !== undefined) out(`metrics at ${server.metricsUrl}/metrics`);
    // Keep running until a signal closes the server.
    await new Promise<void>((resolve) => server.app.server.once('close', resolve));
  },
};

export const configPrint: Command = {
  name: 'config print',
  usage: 'config print [--config FILE] [--<setting> VALUE …] [--json]',
  summary:
    'the effective configuration of `serve` with these flags and this environment, secrets masked',
  options: SETTING_OPTIONS,
  run({ options, io, out }) {
    const described = describeConfig(configOf(options, io.env));
    if (options.json === true) {
      out(JSON.stringify(Object.fromEntries(described.map((s) => [s.name, s.value])), null, 2));
      return Promise.resolve();
    }
    const width = Math.max(...described.map((s) => s.env.length));
    for (const setting of described)
      out(`${setting.env.padEnd(width)}  ${JSON.stringify(setting.value)}`);
    return Promise.resolve();
  },
};
