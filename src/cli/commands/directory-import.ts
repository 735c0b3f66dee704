import { importDirectory } from '../../telephony/directory.js';
import { type Command, requireOption } from '../command.js';
import { readJsonFile } from '../read-input.js';

export const directoryImport: Command = {
  name: 'directory import',
  usage: 'directory import FILE.json --account ID',
  summary: "replace the account's directory (users, departments, groups, CRM) atomically",
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ options, positionals, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const document = await readJsonFile(positionals[0]!);
    const store = await openStore();
    const counts = await store.db
      .transaction()
      .execute((trx) => importDirectory(trx, accountId, document, 'cli'));
    if (options.json) out(JSON.stringify(counts));
    else
      out(
        `directory imported: ${Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}`,
      );
  },
};
