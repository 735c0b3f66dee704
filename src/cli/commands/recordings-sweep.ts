import { localRecordingStorage } from '../../telephony/recording-storage.js';
import { sweepExpiredRecordings } from '../../telephony/retention.js';
import type { Command } from '../command.js';

/**
 * `recordings sweep`: deletes the recordings past their account's retention once, as the
 * server does on its schedule; `--dry-run` lists them and deletes nothing.
 */
export const recordingsSweep: Command = {
  name: 'recordings sweep',
  usage: 'recordings sweep [--account ID] [--data-dir ./data] [--dry-run] [--json]',
  summary:
    'delete recordings older than their account’s retention (settings section `retention`), never one under legal hold; each batch audited with its call ids',
  options: { 'data-dir': { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run({ options, io, openStore, out }) {
    const store = await openStore();
    const dataDir =
      typeof options['data-dir'] === 'string'
        ? options['data-dir']
        : (io.env.CALLGATE_DATA_DIR ?? './data');
    const result = await sweepExpiredRecordings(store.db, localRecordingStorage(dataDir), {
      now: Date.now(),
      dryRun: options['dry-run'] === true,
      ...(typeof options.account === 'string' && { accountId: options.account }),
    });
    if (options.json === true) {
      out(JSON.stringify(result));
      return;
    }
    const verb = result.dryRun ? 'would delete' : 'deleted';
    for (const account of result.accounts)
      out(
        `${account.accountId}: keeps ${account.recordingsDays} day(s); ${verb} ${account.deleted.length} recording(s)${
          account.held.length > 0
            ? `; ${account.held.length} past retention kept under legal hold`
            : ''
        }${account.deleted.length > 0 ? `: ${account.deleted.join(', ')}` : ''}`,
      );
    if (result.accounts.length === 0) out('no account has a retention period: nothing to do');
  },
};
