import { startServer } from '../../api/server.js';
import { DEMO_ACCOUNT_ID, seedDemo } from '../../telephony/demo.js';
import { seedLargeDemo } from '../../telephony/demo-large.js';
import { seedDemoRecordings } from '../../telephony/demo-audio.js';
import { mintToken } from '../../telephony/tokens.js';
import { type Command, UsageError } from '../command.js';

/** The demo users whose tokens `serve --demo` prints, one per kind of access. */
const DEMO_SIGN_INS = [
  ['ada', 'account administrator'],
  ['erik', 'head of Sales East'],
  ['mia', 'manager in Sales East'],
  ['cora', 'support: CRM clients only'],
] as const;

/**
 * The read replica's settings (issue 15), all read here: `--read-db` or
 * CALLGATE_READ_DATABASE_URL, a PostgreSQL hot standby of `db`, and
 * CALLGATE_READ_MAX_LAG_SECONDS, the lag beyond which its reads go to the primary (5).
 */
function readReplicaSettings(
  db: string,
  option: string | boolean | undefined,
  env: NodeJS.ProcessEnv,
): { readDb?: string; readMaxLagSeconds?: number } {
  const readDb = typeof option === 'string' ? option : env.CALLGATE_READ_DATABASE_URL || undefined;
  if (readDb === undefined) return {};
  const isPostgres = (url: string) => /^postgres(ql)?:\/\//.test(url);
  if (!isPostgres(readDb) || !isPostgres(db))
    throw new UsageError('--read-db needs PostgreSQL: a standby of the --db primary');
  const lag = Number(env.CALLGATE_READ_MAX_LAG_SECONDS ?? 5);
  if (!Number.isFinite(lag) || lag <= 0)
    throw new UsageError('CALLGATE_READ_MAX_LAG_SECONDS must be a positive number of seconds');
  return { readDb, readMaxLagSeconds: lag };
}

export const serve: Command = {
  name: 'serve',
  usage:
    'serve [--port 3000] [--host 127.0.0.1] [--data-dir ./data] [--read-db URL] [--demo standard|large] [--tls-cert FILE --tls-key FILE]',
  summary:
    'run the HTTP service; --demo creates the demo company (large: 2,000 users, 1,000,000 calls) and prints tokens',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'read-db': { type: 'string' },
    demo: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
  async run({ options, io, out }) {
    const demo = options.demo;
    if (demo !== undefined && demo !== 'standard' && demo !== 'large') {
      throw new UsageError('--demo is standard or large');
    }
    const certFile = options['tls-cert'];
    const keyFile = options['tls-key'];
    if ((typeof certFile === 'string') !== (typeof keyFile === 'string'))
      throw new UsageError('--tls-cert and --tls-key go together');
    const port = Number(options.port ?? io.env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port must be a port number');
    const db =
      typeof options.db === 'string' ? options.db : (io.env.DATABASE_URL ?? './callgate.db');
    const replica = readReplicaSettings(db, options['read-db'], io.env);
    const server = await startServer({
      db,
      ...replica,
      port,
      host: typeof options.host === 'string' ? options.host : (io.env.HOST ?? '127.0.0.1'),
      dataDir:
        typeof options['data-dir'] === 'string'
          ? options['data-dir']
          : (io.env.CALLGATE_DATA_DIR ?? './data'),
      ...(typeof certFile === 'string' &&
        typeof keyFile === 'string' && { tls: { certFile, keyFile } }),
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
    // Keep running until a signal closes the server.
    await new Promise<void>((resolve) => server.app.server.once('close', resolve));
  },
};
