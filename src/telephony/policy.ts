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

/** The directory reduced to policy subjects: access codes, tree slots, the phone book. */
export type DirectoryDescription = ReturnType<typeof describeDirectoryForPolicy>;

export interface PolicyState extends PolicyInputs {
  readonly policy: Policy;
  readonly description: DirectoryDescription;
}

/**
 * Loads an account's directory, roles and assignments, and compiles its policy. Given the
 * state it replaces, the directory and its reduction are kept when neither the directory
 * nor the edition moved: a role or assignment change then costs the compile alone, not a
 * reload and reduction of every user (bench/change.ts).
 */
export async function loadPolicyState(
  db: Executor,
  accountId: string,
  now = Date.now(),
  previous?: PolicyState,
): Promise<PolicyState> {
  const account = await requireAccount(db, accountId);
  const kept =
    previous !== undefined &&
    previous.account.id === account.id &&
    previous.account.directoryVersion === account.directoryVersion &&
    previous.account.edition === account.edition
      ? previous
      : undefined;
  const [directory, roles, assignments, recordingsFolder] = await Promise.all([
    kept?.directory ?? loadDirectory(db, accountId),
    loadRoles(db, accountId),
    loadAssignments(db, accountId),
    loadRecordingsFolder(db, accountId),
  ]);
  const inputs = { account, directory, roles, assignments, recordingsFolder };
  const description = kept?.description ?? describeDirectoryForPolicy(directory, account.edition);
  return { ...inputs, description, policy: compileInputs(inputs, now, description) };
}

export function compileInputs(
  inputs: PolicyInputs,
  now: number,
  description = describeDirectoryForPolicy(inputs.directory, inputs.account.edition),
): Policy {
  return compilePolicy({
    account: inputs.account,
    ...description,
    roles: inputs.roles,
    assignments: inputs.assignments,
    recordingsFolder: inputs.recordingsFolder,
    now,
  });
}

/** What the metrics learn from the policy cache. */
export interface PolicyCacheObserver {
  hit(): void;
  miss(compileSeconds: number): void;
}

/**
 * Compiled policies per account, reused until something they depend on changes: every
 * such change bumps `accounts.policy_version` in the same transaction, so one indexed read
 * tells whether the cached policy is current. A policy is also recompiled once the next
 * assignment expiry has passed.
 */
export class PolicyCache {
  readonly #entries = new Map<string, { version: number; state: PolicyState }>();

  /** `observer` hears of every look-up: a hit, or a miss with the seconds its compile took. */
  constructor(readonly observer?: PolicyCacheObserver) {}

  /**
   * The account's current policy. `knownVersion` is the policy version the caller has just
   * read (the access hook reads it with the token): given it, the cache asks nothing more
   * of the database while its policy is that version or newer.
   */
  async get(
    db: Executor,
    accountId: string,
    now = Date.now(),
    knownVersion?: number,
  ): Promise<PolicyState> {
    const version =
      knownVersion ??
      (
        await db
          .selectFrom('accounts')
          .select('policy_version')
          .where('id', '=', accountId)
          .executeTakeFirst()
      )?.policy_version;
    const cached = this.#entries.get(accountId);
    if (
      version !== undefined &&
      cached &&
      // Versions only grow: a policy another request already moved on to is fresh enough.
      cached.version >= version &&
      now < cached.state.policy.validUntil
    ) {
      this.observer?.hit();
      return cached.state;
    }
    const started = performance.now();
    const state = await loadPolicyState(db, accountId, now, cached?.state);
    this.observer?.miss((performance.now() - started) / 1000);
    this.#entries.set(accountId, { version: state.account.policyVersion, state });
    return state;
  }
}
