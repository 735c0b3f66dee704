import { type TranslatedRoles, importBitrixRoles } from '../../telephony/bitrix-roles.js';
import {
  type PermissionsChange,
  exportPermissions,
  importPermissions,
} from '../../telephony/permissions.js';
import { type Command, UsageError, requireOption } from '../command.js';
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
  usage: 'roles import (FILE.json | --from-bitrix FILE.json) --account ID [--dry-run]',
  summary:
    "replace roles and assignments, from Callgate's document or Bitrix24's b_voximplant_role* rows; --dry-run shows who would gain or lose which level",
  options: { 'dry-run': { type: 'boolean' }, 'from-bitrix': { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run({ options, positionals, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const bitrix = options['from-bitrix'];
    if ((typeof bitrix === 'string') === (positionals.length === 1))
      throw new UsageError('name one file: FILE.json, or --from-bitrix FILE.json');
    const document = await readJsonFile(typeof bitrix === 'string' ? bitrix : positionals[0]!);
    const dryRun = options['dry-run'] === true;
    const store = await openStore();
    const importOptions = { dryRun, actor: 'cli' } as const;
    const result: PermissionsChange & Partial<TranslatedRoles> = await store.db
      .transaction()
      .execute((trx) =>
        typeof bitrix === 'string'
          ? importBitrixRoles(trx, accountId, document, importOptions)
          : importPermissions(trx, accountId, document, importOptions),
      );
    if (options.json) {
      out(JSON.stringify(result));
      return;
    }
    if (result.document !== undefined && result.assignments !== undefined) {
      for (const role of result.document.roles) {
        const given = Object.entries(role.permissions).filter(([, level]) => level !== 'none');
        out(
          `role ${role.id} (${role.name}): ${given.map(([key, level]) => `${key} ${level}`).join(', ') || 'nothing'}`,
        );
      }
      for (const a of result.assignments)
        out(`${a.bitrixAccessCode} → ${a.accessCode}: ${a.roleId}`);
    }
    for (const c of result.changes) {
      out(`${c.userId} (${c.userName}): ${c.permission} ${c.from} → ${c.to}`);
    }
    const count = `${result.changes.length} level change${result.changes.length === 1 ? '' : 's'}`;
    out(dryRun ? `dry run: ${count}; nothing was changed` : `permissions saved: ${count}`);
  },
};
