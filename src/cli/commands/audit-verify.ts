import type { AuditVerification } from '../../store/audit.js';
import { verifyAuditLogs } from '../../telephony/audit.js';
import type { Command } from '../command.js';

const EXIT_BROKEN = 1;

/**
 * `audit verify`: walks each account's hash chain. Without --account every account with
 * audit entries is checked, so one run vouches for the whole database.
 */
export const auditVerify: Command = {
  name: 'audit verify',
  usage: 'audit verify [--account ID] [--json]',
  summary:
    "check the audit log's hash chain (every account when --account is omitted); exit 1 at the first edited, removed or reordered entry",
  options: {},
  async run({ options, openStore, out }) {
    const store = await openStore();
    const results = await verifyAuditLogs(
      store.db,
      typeof options.account === 'string' ? options.account : undefined,
    );
    if (options.json) for (const result of results) out(JSON.stringify(result));
    else for (const result of results) out(describe(result));
    return results.some((result) => result.broken !== undefined) ? EXIT_BROKEN : 0;
  },
};

function describe(result: AuditVerification): string {
  const { accountId, entries, headHash, broken } = result;
  if (broken === undefined) return `${accountId}: intact, ${entries} entries, head ${headHash}`;
  return `${accountId}: broken at entry ${broken.id}: ${broken.reason}: ${broken.message}`;
}
