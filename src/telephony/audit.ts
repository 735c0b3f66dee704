import { isIsoInstant } from '../engine/roles.js';
import { CallgateError } from '../errors.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditEntry,
  type AuditQuery,
  type AuditVerification,
  auditedAccounts,
  queryAudit,
  verifyAudit,
} from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { requireAccount } from './accounts.js';

/** The event types the log holds, for the surfaces' schemas. */
export { AUDIT_EVENT_TYPES };

/** How a reader narrows the audit log (API.md "Audit log"): times as ISO 8601 text. */
export interface AuditFilters {
  readonly from?: string;
  readonly to?: string;
  readonly type?: string;
  readonly actor?: string;
}

function toQuery(filters: AuditFilters, limit: number, beforeId?: number): AuditQuery {
  const time = (field: 'from' | 'to'): number | undefined => {
    const value = filters[field];
    if (value === undefined) return undefined;
    if (!isIsoInstant(value))
      throw new CallgateError(
        'invalid_request',
        `${field} must be an ISO 8601 date-time with a zone`,
      );
    return Date.parse(value);
  };
  const from = time('from');
  const to = time('to');
  return {
    limit,
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(filters.type !== undefined && { type: filters.type }),
    ...(filters.actor !== undefined && { actor: filters.actor }),
    ...(beforeId !== undefined && { beforeId }),
  };
}

/**
 * The use case "read the audit log" (SPEC §11): one page, newest first, filtered inside the
 * query; `nextCursor` names the page after it, null on the last.
 *
 * @example await readAuditPage(db, 'acme', { type: 'role.updated' }, { limit: 100 })
 */
export async function readAuditPage(
  db: Executor,
  accountId: string,
  filters: AuditFilters,
  page: { readonly limit: number; readonly cursor?: number },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { limit, cursor } = page;
  const items = await queryAudit(db, accountId, toQuery(filters, limit + 1, cursor));
  const shown = items.slice(0, limit);
  return { items: shown, nextCursor: items.length > limit ? String(shown.at(-1)!.id) : null };
}

/**
 * The use case "export the audit log": every filtered entry, newest first, paged through in
 * the database rather than loaded at once.
 */
export async function readWholeAuditLog(
  db: Executor,
  accountId: string,
  filters: AuditFilters,
): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await queryAudit(db, accountId, toQuery(filters, 1000, beforeId));
    found.push(...page);
    if (page.length < 1000) break;
    beforeId = page.at(-1)!.id;
  }
  return found;
}

/**
 * Walks the audit log's hash chain of one account, or of every account with entries, so one
 * run vouches for the whole database (`callgate audit verify`).
 */
export async function verifyAuditLogs(
  db: Executor,
  accountId?: string,
): Promise<AuditVerification[]> {
  const accounts =
    accountId !== undefined
      ? [(await requireAccount(db, accountId)).id]
      : await auditedAccounts(db);
  const results: AuditVerification[] = [];
  for (const id of accounts) results.push(await verifyAudit(db, id));
  return results;
}
