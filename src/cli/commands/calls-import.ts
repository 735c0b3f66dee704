import { extname } from 'node:path';
import { importCalls, readCallFile } from '../../telephony/calls.js';
import { type Command, requireOption } from '../command.js';
import { readInputFile } from '../read-input.js';

export const callsImport: Command = {
  name: 'calls import',
  usage: 'calls import FILE.json|FILE.csv --account ID [--format json|csv]',
  summary: 'import call records: all of them, or none when one is wrong',
  options: { format: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ options, positionals, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const path = positionals[0]!;
    const text = await readInputFile(path);
    const format =
      options.format === 'csv' || options.format === 'json'
        ? options.format
        : extname(path).toLowerCase() === '.csv' || !/^\s*[[{]/.test(text)
          ? 'csv'
          : 'json';
    const items = readCallFile(text, format);
    const store = await openStore();
    const { imported } = await store.db
      .transaction()
      .execute((trx) => importCalls(trx, accountId, items, 'cli'));
    out(options.json ? JSON.stringify({ imported }) : `${imported} calls imported`);
  },
};
