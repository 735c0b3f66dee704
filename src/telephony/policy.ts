import { LRUCache } from 'lru-cache';
import { describeDirectoryForPolicy } from '../directory/access-codes.js';
import type { Directory } from '../directory/directory.js';
import {
  DEFAULT_DESTINATION_POLICY,
  type DestinationPolicy,
  type OutboundSource,
} from '../engine/outbound.js';
import { type FolderAccessEntry, type Policy, compilePolicy } from '../engine/policy.js';
import type { Assignment, Role } from '../engine/roles.js';
import type { Account } from '../store/accounts.js';
import type { Executor } from '../store/database.js';
import { loadDirectory } from '../store/directory.js';
import { loadLines } from '../store/numbers.js';
import { loadAssignments, loadRecordingsFolder, loadRoles } from '../store/permissions.js';
import { findSection } from '../store/settings.js';
import { loadCallerIds } from '../store/user-settings.js';
import { requireAccount } from './accounts.js';

/** Everything one account's decisions depend on, as stored. */
export interface PolicyInputs {
  readonly account: Account;
  readonly directory: Directory;
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
  readonly recordingsFolder: readonly FolderAccessEntry[];
  /** The outbound rules' own inputs: lines, the destination policy, emergency numbers. */
  readonly outbound: OutboundSource;
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
  const [directory, roles, assignments, recordingsFolder, outbound] = await Promise.all([
    kept?.directory ?? loadDirectory(db, accountId),
    loadRoles(db, accountId),
    loadAssignments(db, accountId),
    loadRecordingsFolder(db, accountId),
    loadOutboundSource(db, accountId),
  ]);
  const inputs = { account, directory, roles, assignments, recordingsFolder, outbound };
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
    outbound: inputs.outbound,
    now,
  });
}

/** What the metrics learn from the policy cache. */
export interface PolicyCacheObserver {
  hit(): void;
  miss(compileSeconds: number): void;
}

/**
 * What one account's policy state costs in memory, roughly: the reduction and the compiled
 * table grow with the directory's items, everything else is small. The per-item figures
 * are heap growth measured per item; the bound is a budget, not an exact accounting.
 */
export function estimatePolicyStateBytes(state: PolicyState): number {
  const { directory } = state;
  return (
    STATE_BASE_BYTES +
    directory.users.length * BYTES_PER_USER +
    directory.departments.length * BYTES_PER_DEPARTMENT +
    (directory.crmClients.length + directory.blockedNumbers.length) * BYTES_PER_PHONE_ENTRY +
    (directory.userGroups.length + directory.workgroups.length) * BYTES_PER_GROUP +
    (state.roles.length + state.assignments.length) * BYTES_PER_ROLE
  );
}

// Measured on generated companies (bench/generate-company.ts): 5,000 users in 300
// departments held 5.9 MB of heap, 500 users with 5,000 CRM clients 2.5 MB, and 50 users
// with 20 clients 70 kB; rounded up.
const STATE_BASE_BYTES = 16 * 1024;
const BYTES_PER_USER = 1152;
const BYTES_PER_DEPARTMENT = 512;
const BYTES_PER_PHONE_ENTRY = 384;
const BYTES_PER_GROUP = 512;
const BYTES_PER_ROLE = 512;

/** What the cache has done since it was made: the metrics read this. */
export interface PolicyCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Loads and compiles, in milliseconds, summed. */
  readonly loadMilliseconds: number;
  readonly entries: number;
  /** The estimated size of what is held ({@link estimatePolicyStateBytes}). */
  readonly bytes: number;
  readonly maxBytes: number;
}

/**
 * What the outbound rules read besides the directory (SPEC §5): the `outbound-policy` and
 * `emergency-numbers` settings sections, the rented lines with their access lists, users'
 * caller IDs and the account's default caller ID. Every change to any of them bumps the
 * policy version.
 */
export async function loadOutboundSource(db: Executor, accountId: string): Promise<OutboundSource> {
  const [policy, emergency, general, lines, callerIds] = await Promise.all([
    findSection(db, accountId, 'outbound-policy'),
    findSection(db, accountId, 'emergency-numbers'),
    findSection(db, accountId, 'general'),
    loadLines(db, accountId),
    loadCallerIds(db, accountId),
  ]);
  // Stored values were checked against their schemas when saved (telephony/settings.ts).
  return {
    destinationPolicy:
      (policy?.value as DestinationPolicy | undefined) ?? DEFAULT_DESTINATION_POLICY,
    emergencyNumbers: (emergency?.value as { numbers: string[] } | undefined)?.numbers ?? [],
    lines,
    callerIds,
    defaultLine:
      (general?.value as { defaultCallerIdNumber?: string | null } | undefined)
        ?.defaultCallerIdNumber ?? null,
  };
}

/**
 * Compiled policies per account, reused until something they depend on changes: every
 * such change bumps `accounts.policy_version` in the same transaction, so one indexed read
 * tells whether the cached policy is current. A policy is also recompiled once the next
 * assignment expiry has passed.
 *
 * One server may serve thousands of accounts, most of them quiet: the cache holds the most
 * recently used ones up to `maxBytes` of estimated size, and a cold account's first request
 * loads and compiles that account alone.
 */
export class PolicyCache {
  readonly #entries: LRUCache<string, { version: number; state: PolicyState }>;
  #hits = 0;
  #misses = 0;
  #loadMilliseconds = 0;

  readonly maxBytes: number;
  /** Hears of every look-up: a hit, or a miss with the seconds its load and compile took. */
  readonly observer: PolicyCacheObserver | undefined;

  constructor(
    options: { readonly maxBytes?: number; readonly observer?: PolicyCacheObserver } = {},
  ) {
    const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.maxBytes = maxBytes;
    this.observer = options.observer;
    this.#entries = new LRUCache({
      maxSize: maxBytes,
      // An account larger than the whole budget is still compiled, just not kept.
      maxEntrySize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, estimatePolicyStateBytes(entry.state)),
    });
  }

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
      this.#hits++;
      this.observer?.hit();
      return cached.state;
    }
    this.#misses++;
    const started = performance.now();
    const state = await loadPolicyState(db, accountId, now, cached?.state);
    const elapsed = performance.now() - started;
    this.#loadMilliseconds += elapsed;
    this.observer?.miss(elapsed / 1000);
    this.#entries.set(accountId, { version: state.account.policyVersion, state });
    return state;
  }

  stats(): PolicyCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      loadMilliseconds: this.#loadMilliseconds,
      entries: this.#entries.size,
      bytes: this.#entries.calculatedSize,
      maxBytes: this.maxBytes,
    };
  }
}
