import { mayAdministerPermissions } from '../engine/effective.js';
import type { Executor } from '../store/database.js';
import {
  type SearchField,
  type SearchItem,
  type SearchKind,
  loadSearchItems,
  searchDirectory,
} from '../store/directory-search.js';
import type { PolicyState } from './policy.js';

export type { SearchItem, SearchKind };

export const SEARCH_KINDS = [
  'user',
  'department',
  'workgroup',
  'group',
] as const satisfies readonly SearchKind[];
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;

/** What every employee may match on: names and ids, which GET /directory shows them anyway. */
const NAME_FIELDS: readonly SearchField[] = ['id', 'name', 'word'];
/** What those who administer permissions may match on too, and see: emails and phone numbers. */
const CONTACT_FIELDS: readonly SearchField[] = [...NAME_FIELDS, 'email', 'phone'];

/**
 * Finds people, departments, workgroups or user groups for a picker (issue 13).
 *
 * Who may search what: every signed-in employee may find colleagues, departments, workgroups
 * and groups by name or id — the names and the structure the web app's directory already
 * shows everyone (the dial pad, the call filter). Matching on emails and phone numbers, and
 * seeing emails in the answer, needs telephonySettings.modify = any (the admin pickers of
 * assignments and effective permissions): contact data stays with those who administer,
 * deny by default. Groups exist on the on-premise edition only; on cloud none are stored.
 *
 * @example searchForAsker(db, state, 'u7', { kind: 'user', query: 'mia' }) // [{ id: 'u4', name: 'Mia Manager', active: true }]
 */
export async function searchForAsker(
  db: Executor,
  state: PolicyState,
  askerId: string,
  request: { readonly kind: SearchKind; readonly query: string; readonly limit?: number },
): Promise<{ items: SearchItem[]; contactFields: boolean }> {
  const contactFields = mayAdministerPermissions(state.policy, askerId);
  const limit = Math.min(Math.max(request.limit ?? SEARCH_DEFAULT_LIMIT, 1), SEARCH_MAX_LIMIT);
  const accountId = state.account.id;
  const hits = await searchDirectory(db, accountId, {
    kind: request.kind,
    query: request.query,
    fields: contactFields ? CONTACT_FIELDS : NAME_FIELDS,
    limit,
  });
  const items = await loadSearchItems(
    db,
    accountId,
    request.kind,
    hits.map((h) => h.id),
    contactFields,
  );
  return { items, contactFields };
}
