import { type Expression, type SqlBool, sql } from 'kysely';
import type { ScopeFilter } from '../engine/scope.js';
import type { CrmClientType } from '../engine/policy.js';
import { departmentMembers } from './calls.js';
import type { Executor } from './database.js';

/** A CRM client as the phone book shows it: who, and the numbers to call. */
export interface CrmClientItem {
  readonly id: string;
  readonly type: CrmClientType;
  /** The client's name, or its id when the CRM gave none. */
  readonly name: string;
  readonly phones: string[];
}

/**
 * CRM clients whose name starts with `query`, or a word of it does, or whose id is it, or
 * one of whose numbers starts with its digits when it is written as a number (digits, spaces,
 * `+ ( ) . -`: "Acme 2" is a name, not the numbers starting +2); only clients the per-type scopes reach,
 * inside the SQL (STYLE rule 3): the responsible user, as a call's owner is reached
 * (store/calls.ts, whereCallInScope), and a client nobody is responsible for only at
 * `any`. Alphabetical, at most `limit`.
 */
export async function searchCrmClients(
  db: Executor,
  accountId: string,
  scopes: Readonly<Record<CrmClientType, ScopeFilter>>,
  request: { readonly query: string; readonly limit: number },
): Promise<CrmClientItem[]> {
  const text = request.query.trim().toLowerCase();
  const digits = /^[+\d\s().-]+$/.test(text) ? text.replace(/\D/g, '') : '';
  if (text === '') return [];
  const like = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await reachedClients(db, accountId, scopes)
    .where((eb) => {
      const name = sql`lower(coalesce(c.name, c.id))`;
      const matches: Expression<SqlBool>[] = [
        eb('c.id', '=', request.query.trim()),
        sql<SqlBool>`${name} like ${`${like(text)}%`} escape '\\'`,
        sql<SqlBool>`${name} like ${`% ${like(text)}%`} escape '\\'`,
      ];
      if (digits !== '')
        matches.push(
          eb.exists(
            eb
              .selectFrom('crm_client_phones as p')
              .select(sql`1`.as('one'))
              .whereRef('p.account_id', '=', 'c.account_id')
              .whereRef('p.client_id', '=', 'c.id')
              .where('p.phone', 'like', `+${digits}%`),
          ),
        );
      return eb.or(matches);
    })
    .orderBy(sql`lower(coalesce(c.name, c.id))`)
    .orderBy('c.id')
    .limit(request.limit)
    .execute();
  return withPhones(db, accountId, rows);
}

/** The clients the per-type scopes reach (see {@link searchCrmClients}), as a query to narrow. */
function reachedClients(
  db: Executor,
  accountId: string,
  scopes: Readonly<Record<CrmClientType, ScopeFilter>>,
) {
  return db
    .selectFrom('crm_clients as c')
    .select(['c.id', 'c.type', 'c.name'])
    .where('c.account_id', '=', accountId)
    .where((eb) => {
      const reached: Expression<SqlBool>[] = [];
      for (const [type, scope] of Object.entries(scopes)) {
        const ofType = eb('c.type', '=', type);
        switch (scope.kind) {
          case 'none':
            break;
          case 'any':
            reached.push(ofType);
            break;
          case 'own':
            reached.push(eb.and([ofType, eb('c.responsible_user_id', '=', scope.userId)]));
            break;
          case 'department':
            if (scope.departmentIds.length === 0) {
              reached.push(eb.and([ofType, eb('c.responsible_user_id', '=', scope.userId)]));
              break;
            }
            reached.push(
              eb.and([
                ofType,
                eb.or([
                  eb('c.responsible_user_id', '=', scope.userId),
                  eb(
                    'c.responsible_user_id',
                    'in',
                    departmentMembers(db, accountId, scope.departmentIds),
                  ),
                ]),
              ]),
            );
        }
      }
      return reached.length === 0 ? sql<SqlBool>`1 = 0` : eb.or(reached);
    });
}

async function withPhones(
  db: Executor,
  accountId: string,
  rows: readonly { id: string; type: string; name: string | null }[],
): Promise<CrmClientItem[]> {
  if (rows.length === 0) return [];
  const phones = await db
    .selectFrom('crm_client_phones')
    .select(['client_id', 'phone'])
    .where('account_id', '=', accountId)
    .where(
      'client_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('client_id')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type as CrmClientType,
    name: row.name ?? row.id,
    phones: phones.filter((p) => p.client_id === row.id).map((p) => p.phone),
  }));
}

/** The client of these types and scopes whose number this is, alphabetically first, if any. */
export async function crmClientByPhone(
  db: Executor,
  accountId: string,
  scopes: Readonly<Record<CrmClientType, ScopeFilter>>,
  phone: string,
): Promise<CrmClientItem | undefined> {
  const rows = await reachedClients(db, accountId, scopes)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('crm_client_phones as p')
          .select(sql`1`.as('one'))
          .whereRef('p.account_id', '=', 'c.account_id')
          .whereRef('p.client_id', '=', 'c.id')
          .where('p.phone', '=', phone),
      ),
    )
    .orderBy(sql`lower(coalesce(c.name, c.id))`)
    .orderBy('c.id')
    .limit(1)
    .execute();
  const [client] = await withPhones(db, accountId, rows);
  return client;
}
