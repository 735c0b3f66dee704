import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEY_FILE, backupStore, restoreStore } from '../../telephony/backup.js';
import { type CliIo, type Command, type OptionValues, requireOption } from '../command.js';

function dataDirOf(options: OptionValues, io: CliIo): string {
  const given = options['data-dir'];
  return typeof given === 'string' ? given : (io.env.CALLGATE_DATA_DIR ?? './data');
}

const count = (n: number): string => n.toLocaleString('en-US');

export const backup: Command = {
  name: 'backup',
  usage: 'backup --out DIR [--data-dir ./data] [--with-secret-key]',
  summary:
    'a point-in-time backup of every table and recording into a new folder, restorable into SQLite or PostgreSQL',
  options: {
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    'with-secret-key': { type: 'boolean' },
  },
  async run({ options, io, openStore, out }) {
    const outDir = requireOption(options, 'out');
    const dataDir = dataDirOf(options, io);
    const store = await openStore();
    const started = performance.now();
    const manifest = await backupStore(store, {
      dataDir,
      outDir,
      includeSecretKey: options['with-secret-key'] === true,
    });
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out(
      `backup written to ${outDir}: ${manifest.tables.length} tables, ${count(rows)} rows, ${count(manifest.recordings.length)} recordings, at migration ${manifest.migrations.at(-1)} (${seconds} s)`,
    );
    if (manifest.secretKey === null && existsSync(join(dataDir, SECRET_KEY_FILE))) {
      out(
        `note: ${join(dataDir, SECRET_KEY_FILE)} is not in the backup; the SIP secrets in it open only with that key: keep it safe apart, or back up --with-secret-key`,
      );
    }
  },
};

export const restore: Command = {
  name: 'restore',
  usage: 'restore --from DIR [--data-dir ./data]',
  summary:
    'restore a backup into an empty database and data dir; checksums are verified first, and a failure leaves both empty',
  options: { from: { type: 'string' }, 'data-dir': { type: 'string' } },
  async run({ options, io, openStore, out }) {
    const fromDir = requireOption(options, 'from');
    // Not migrated on open: the restore migrates to the backup's migration first.
    const store = await openStore({ migrate: false });
    const started = performance.now();
    const summary = await restoreStore(store, { dataDir: dataDirOf(options, io), fromDir });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out(
      `restored ${fromDir}: ${summary.tables} tables, ${count(summary.rows)} rows, ${count(summary.recordings)} recordings${summary.secretKey ? ', the secret key' : ''} (${seconds} s)`,
    );
  },
};
