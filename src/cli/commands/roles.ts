import { exportPermissions, importPermissions } from '../../telephony/permissions.js';
import { type Command, requireOption } from '../command.js';
import { readJsonFile } from '../read-input.js';

export const rolesExport: Command = {
  name: 'roles export',
  usage: 'roles export --account ID',
  summary: 'print roles and assignments as the permissions document',
  options: {},
  async run({ options, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const store = await openStore();
    out(JSON.stringify(await exportPermissions(store.db, accountId), null, 2));
  },
};

export const rolesImport: Command = {
  name: 'roles import',
  usage: 'roles import FILE.json --account ID [--dry-run]',
  summary: 'replace roles and assignments; --dry-run shows who would gain or lose which level',
  options: { 'dry-run': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ options, positionals, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const document = await readJsonFile(positionals[0]!);
    const dryRun = options['dry-run'] === true;
    const store = await openStore();
    const result = await store.db
      .transaction()
      .execute((trx) => importPermissions(trx, accountId, document, { dryRun, actor: 'cli' }));
    if (options.json) {
      out(JSON.stringify(result));
      return;
    }
    for (const c of result.changes) {
      out(`${c.userId} (${c.userName}): ${c.permission} ${c.from} → ${c.to}`);
    }
    const count = `${result.changes.length} level change${result.changes.length === 1 ? '' : 's'}`;
    out(dryRun ? `dry run: ${count}; nothing was changed` : `permissions saved: ${count}`);
  },
};
