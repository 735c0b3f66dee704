import type { Edition, Plan } from '../engine/catalogue.js';
import type { CountryCode } from '../engine/phone-number.js';
import type { Executor } from './database.js';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly plan: Plan;
  readonly edition: Edition;
  readonly defaultCountry: CountryCode;
  readonly createdAt: string;
  readonly policyVersion: number;
  readonly assignmentsVersion: number;
  readonly directoryVersion: number;
}

export async function insertAccount(
  db: Executor,
  account: Pick<Account, 'id' | 'name' | 'plan' | 'edition' | 'defaultCountry'>,
  now: number,
): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      name: account.name,
      plan: account.plan,
      edition: account.edition,
      default_country: account.defaultCountry,
      created_at: now,
      policy_version: 0,
      assignments_version: 0,
      directory_version: 0,
    })
    .execute();
}

/** Changes an account's name, plan or edition. */
export async function updateAccount(
  db: Executor,
  id: string,
  changes: { readonly name?: string; readonly plan?: Plan; readonly edition?: Edition },
): Promise<void> {
  await db.updateTable('accounts').set(changes).where('id', '=', id).execute();
}

export async function findAccount(db: Executor, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    plan: row.plan as Plan,
    edition: row.edition as Edition,
    defaultCountry: row.default_country as CountryCode,
    createdAt: new Date(row.created_at).toISOString(),
    policyVersion: row.policy_version,
    assignmentsVersion: row.assignments_version,
    directoryVersion: row.directory_version,
  };
}

/**
 * Records that something a decision depends on changed. Every such change bumps the
 * policy version, so a cached compiled policy knows it is stale.
 */
export async function bumpVersions(
  db: Executor,
  accountId: string,
  which: { assignments?: boolean; directory?: boolean } = {},
): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({
      policy_version: eb('policy_version', '+', 1),
      ...(which.assignments ? { assignments_version: eb('assignments_version', '+', 1) } : {}),
      ...(which.directory ? { directory_version: eb('directory_version', '+', 1) } : {}),
    }))
    .where('id', '=', accountId)
    .execute();
}
