import { describeDirectoryForPolicy } from '../directory/access-codes.js';
import type { Directory } from '../directory/directory.js';
import { type FolderAccessEntry, type Policy, compilePolicy } from '../engine/policy.js';
import type { Assignment, Role } from '../engine/roles.js';
import type { Account } from '../store/accounts.js';
import type { Executor } from '../store/database.js';
import { loadDirectory } from '../store/directory.js';
import { loadAssignments, loadRecordingsFolder, loadRoles } from '../store/permissions.js';
import { requireAccount } from './accounts.js';

/** Everything one account's decisions depend on, as stored. */
export interface PolicyInputs {
  readonly account: Account;
  readonly directory: Directory;
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
  readonly recordingsFolder: readonly FolderAccessEntry[];
}

export interface PolicyState extends PolicyInputs {
  readonly policy: Policy;
}

/** Loads an account's directory, roles and assignments, and compiles its policy. */
export async function loadPolicyState(
  db: Executor,
  accountId: string,
  now = Date.now(),
): Promise<PolicyState> {
  const account = await requireAccount(db, accountId);
  const [directory, roles, assignments, recordingsFolder] = await Promise.all([
    loadDirectory(db, accountId),
    loadRoles(db, accountId),
    loadAssignments(db, accountId),
    loadRecordingsFolder(db, accountId),
  ]);
  const inputs = { account, directory, roles, assignments, recordingsFolder };
  return { ...inputs, policy: compileInputs(inputs, now) };
}

export function compileInputs(inputs: PolicyInputs, now: number): Policy {
  return compilePolicy({
    account: inputs.account,
    ...describeDirectoryForPolicy(inputs.directory, inputs.account.edition),
    roles: inputs.roles,
    assignments: inputs.assignments,
    recordingsFolder: inputs.recordingsFolder,
    now,
  });
}

/**
 * Compiled policies per account, reused until something they depend on changes: every
 * such change bumps `accounts.policy_version` in the same transaction, so one indexed read
 * tells whether the cached policy is current. A policy is also recompiled once the next
 * assignment expiry has passed.
 */
export class PolicyCache {
  readonly #entries = new Map<string, { version: number; state: PolicyState }>();

  async get(db: Executor, accountId: string, now = Date.now()): Promise<PolicyState> {
    const row = await db
      .selectFrom('accounts')
      .select('policy_version')
      .where('id', '=', accountId)
      .executeTakeFirst();
    const cached = this.#entries.get(accountId);
    if (
      row &&
      cached &&
      cached.version === row.policy_version &&
      now < cached.state.policy.validUntil
    ) {
      return cached.state;
    }
    const state = await loadPolicyState(db, accountId, now);
    this.#entries.set(accountId, { version: state.account.policyVersion, state });
    return state;
  }
}
