import { isSupportedCountry } from 'libphonenumber-js';
import { ID_PATTERN } from '../engine/access-code.js';
import { EDITIONS, type Edition, PLANS, type Plan } from '../engine/catalogue.js';
import { DEFAULT_ROLES, defaultAssignments } from '../engine/defaults.js';
import type { CountryCode } from '../engine/phone-number.js';
import { DEFAULT_RECORDINGS_FOLDER } from '../engine/policy.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import {
  type Account,
  bumpVersions,
  findAccount,
  insertAccount,
  updateAccount,
} from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { replacePermissions, replaceRecordingsFolder } from '../store/permissions.js';

export interface NewAccount {
  readonly id: string;
  readonly name: string;
  readonly plan: string;
  readonly edition?: string;
  readonly defaultCountry?: string;
}

/**
 * Creates an account with the default roles, the default assignments it can have before a
 * directory exists (Administrator to `admins`; Manager follows with the first directory)
 * and the default "Recorded calls" folder list. Run inside a transaction.
 */
export async function createAccount(
  db: Executor,
  input: NewAccount,
  actor: Actor,
  now = Date.now(),
): Promise<Account> {
  const issues = new IssueList();
  if (!ID_PATTERN.test(input.id)) issues.add('id', 'must match [A-Za-z0-9_.-]{1,64}');
  if (input.name.trim() === '' || input.name.length > 200)
    issues.add('name', 'must be 1 to 200 characters');
  if (!(PLANS as readonly string[]).includes(input.plan))
    issues.add('plan', `must be one of ${PLANS.join(', ')}`);
  const edition = input.edition ?? 'cloud';
  if (!(EDITIONS as readonly string[]).includes(edition))
    issues.add('edition', `must be one of ${EDITIONS.join(', ')}`);
  const defaultCountry = input.defaultCountry ?? 'US';
  if (!isSupportedCountry(defaultCountry))
    issues.add(
      'defaultCountry',
      `${JSON.stringify(defaultCountry)} is not an ISO 3166 country code with a phone numbering plan`,
    );
  issues.throwIfAny();

  if (await findAccount(db, input.id))
    throw new CallgateError('conflict', `account ${input.id} already exists`);
  const account = {
    id: input.id,
    name: input.name.trim(),
    plan: input.plan as Plan,
    edition: edition as Edition,
    defaultCountry: defaultCountry as CountryCode,
  };
  await insertAccount(db, account, now);
  await replacePermissions(db, account.id, DEFAULT_ROLES, defaultAssignments(null));
  await replaceRecordingsFolder(db, account.id, DEFAULT_RECORDINGS_FOLDER);
  await appendAudit(
    db,
    account.id,
    { type: 'account.created', actor, subject: account.id, after: account },
    now,
  );
  return (await findAccount(db, account.id))!;
}

export async function requireAccount(db: Executor, accountId: string): Promise<Account> {
  const account = await findAccount(db, accountId);
  if (!account) throw new CallgateError('not_found', `account ${accountId} not found`);
  return account;
}

/**
 * Changes an account's name, plan or edition (the operator's use case). The plan and the
 * edition decide what the policy allows (SPEC §9), so the policy version moves with them.
 * Run inside a transaction.
 */
export async function changeAccount(
  db: Executor,
  accountId: string,
  changes: { readonly name?: string; readonly plan?: Plan; readonly edition?: Edition },
  actor: Actor,
  now = Date.now(),
): Promise<Account> {
  const before = await requireAccount(db, accountId);
  await updateAccount(db, accountId, changes);
  await bumpVersions(db, accountId);
  const after = await requireAccount(db, accountId);
  await appendAudit(db, accountId, { type: 'account.changed', actor, before, after }, now);
  return after;
}
