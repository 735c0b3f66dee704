import { type AuditVerification, auditedAccounts, verifyAudit } from '../../store/audit.js';
import { notFound } from '../../errors.js';
import type { Executor } from '../../store/database.js';
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
    const accounts =
      typeof options.account === 'string'
        ? [await requireAccount(store.db, options.account)]
        : await auditedAccounts(store.db);
    const results: AuditVerification[] = [];
    for (const accountId of accounts) results.push(await verifyAudit(store.db, accountId));
    if (options.json) for (const result of results) out(JSON.stringify(result));
    else for (const result of results) out(describe(result));
    return results.some((result) => result.broken !== undefined) ? EXIT_BROKEN : 0;
  },
};

async function requireAccount(db: Executor, accountId: string): Promise<string> {
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (account === undefined) throw notFound(`account ${accountId}`);
  return accountId;
}

function describe(result: AuditVerification): string {
  const { accountId, entries, headHash, broken } = result;
  if (broken === undefined) return `${accountId}: intact, ${entries} entries, head ${headHash}`;
  return `${accountId}: broken at entry ${broken.id}: ${broken.reason}: ${broken.message}`;
}
