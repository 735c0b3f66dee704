import type { ScopeFilter } from '../engine/scope.js';
import { CRM_CLIENT_TYPES, type CrmClientType, type Policy } from '../engine/policy.js';
import { type CrmClientItem, crmClientByPhone, searchCrmClients } from '../store/crm-clients.js';
import type { Executor } from '../store/database.js';

export type { CrmClientItem };

export const CRM_SEARCH_DEFAULT_LIMIT = 20;
export const CRM_SEARCH_MAX_LIMIT = 50;

/**
 * Whom a user's CRM read scope (SPEC §6) reaches, per client type, in the form the store
 * filters by: `own` is the clients they are responsible for, `department` those whose
 * responsible user is in their department scope (§4). Nobody in the directory reads none.
 */
export function crmReadScopes(
  policy: Policy,
  userId: string,
): Readonly<Record<CrmClientType, ScopeFilter>> {
  const subject = policy.users.get(userId)?.subject;
  const scopeOf = (type: CrmClientType): ScopeFilter => {
    switch (subject?.crmReadScopes[type] ?? 'none') {
      case 'none':
        return { kind: 'none' };
      case 'own':
        return { kind: 'own', userId };
      case 'department':
        return { kind: 'department', userId, departmentIds: subject?.departmentIds ?? [] };
      case 'any':
        return { kind: 'any' };
    }
  };
  return Object.fromEntries(CRM_CLIENT_TYPES.map((type) => [type, scopeOf(type)])) as Record<
    CrmClientType,
    ScopeFilter
  >;
}

/**
 * The dial pad's phone book of CRM clients (issue 13): those this user may read under their
 * CRM read scope, found by name, word, id or number prefix; the same clients their outbound
 * calls count as "CRM clients" (SPEC §5).
 *
 * @example searchReadableCrmClients(db, policy, 'u11', { query: 'acme' }) // [{ id: 'c1', name: 'Acme buyer', … }]
 */
export function searchReadableCrmClients(
  db: Executor,
  policy: Policy,
  accountId: string,
  userId: string,
  request: { readonly query: string; readonly limit?: number },
): Promise<CrmClientItem[]> {
  const limit = Math.min(
    Math.max(request.limit ?? CRM_SEARCH_DEFAULT_LIMIT, 1),
    CRM_SEARCH_MAX_LIMIT,
  );
  return searchCrmClients(db, accountId, crmReadScopes(policy, userId), {
    query: request.query,
    limit,
  });
}

/** The CRM client this user may read whose number was dialled (E.164), for the call record. */
export function readableCrmClientOf(
  db: Executor,
  policy: Policy,
  accountId: string,
  userId: string,
  phone: string,
): Promise<CrmClientItem | undefined> {
  return crmClientByPhone(db, accountId, crmReadScopes(policy, userId), phone);
}
