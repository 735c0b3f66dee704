import {
  CATALOGUE,
  PERMISSION_KEYS,
  SCOPE_RANK,
  type Edition,
  type Plan,
  type ScopeLevel,
  canEditPermissions,
  levelAt,
  levelRank,
} from './catalogue.js';
import type { RoleReason } from './question.js';
import { DEFAULT_ROLES, defaultAssignments } from './defaults.js';
import { CompiledOutbound, EMPTY_OUTBOUND_SOURCE, type OutboundSource } from './outbound.js';
import type { CountryCode } from './phone-number.js';
import type { Assignment, Role } from './roles.js';

export const CRM_CLIENT_TYPES = ['contact', 'company', 'lead'] as const;
export type CrmClientType = (typeof CRM_CLIENT_TYPES)[number];

/**
 * A user as the engine needs them: what the directory says about them, already reduced to
 * access codes and department-tree slots (see directory/department-tree.ts). Slots number
 * the department tree in depth-first order, so a department's subtree is one range of
 * slots and "is this user in my department scope" is a few integer comparisons.
 */
export interface PolicySubject {
  readonly id: string;
  readonly active: boolean;
  readonly admin: boolean;
  readonly accessCodes: readonly string[];
  /** Slots of the departments the user belongs to or heads. */
  readonly departmentSlots: readonly number[];
  /** `[first, last]` slot pairs: the subtrees of the departments the user belongs to or heads. */
  readonly departmentRanges: readonly number[];
  /** Ids of the departments the user belongs to or heads: the roots of their department scope. */
  readonly departmentIds: readonly string[];
  /** SPEC §6, already combined over the user's access codes. */
  readonly crmReadScopes: Readonly<Record<CrmClientType, ScopeLevel>>;
}

export interface CrmClientRef {
  readonly id: string;
  readonly type: CrmClientType;
  readonly responsibleUserId: string | null;
}

/** Every number the outbound decision classifies against (SPEC §5), keyed by E.164. */
export interface PhoneBook {
  /** Extension → the user it rings. */
  readonly extensions: ReadonlyMap<string, string>;
  /** E.164 → users whose work, mobile or extension number it is. */
  readonly employees: ReadonlyMap<string, readonly string[]>;
  readonly crmClients: ReadonlyMap<string, readonly CrmClientRef[]>;
  readonly blocked: ReadonlySet<string>;
}

export type FolderAccess = 'read' | 'none';
export interface FolderAccessEntry {
  readonly accessCode: string;
  readonly access: FolderAccess;
}

/** The "Recorded calls" folder's access list of a new account (SPEC §7). */
export const DEFAULT_RECORDINGS_FOLDER: readonly FolderAccessEntry[] = [
  { accessCode: 'everyone', access: 'read' },
];

export interface PolicyAccount {
  readonly plan: Plan;
  readonly edition: Edition;
  readonly defaultCountry: CountryCode;
}

/** Everything a policy is compiled from: one account at one moment. */
export interface PolicySource {
  readonly account: PolicyAccount;
  readonly subjects: readonly PolicySubject[];
  readonly rootDepartmentId: string | null;
  readonly roles: readonly Role[];
  readonly assignments: readonly Assignment[];
  readonly recordingsFolder: readonly FolderAccessEntry[];
  readonly phoneBook: PhoneBook;
  /**
   * The outbound rules' own inputs (SPEC §5): the destination policy, the account's
   * emergency numbers, the lines and who may use them, users' caller IDs. Omitted: the
   * defaults (premium rate blocked, no lines).
   */
  readonly outbound?: OutboundSource;
  /** Epoch milliseconds: assignments that expired by then do not apply. */
  readonly now: number;
}

export interface CompiledRole {
  readonly id: string;
  readonly name: string;
  /** Rank per permission, in PERMISSION_KEYS order. */
  readonly ranks: Uint8Array;
}

/** A role held through an access code: the raw material of every explanation. */
export interface Grant {
  readonly role: CompiledRole;
  readonly accessCode: string;
}

export interface CompiledUser {
  readonly subject: PolicySubject;
  /** Effective rank per permission, in PERMISSION_KEYS order: a decision reads one cell. */
  readonly ranks: Uint8Array;
  readonly grants: readonly Grant[];
  /** Ranks of the CRM read scope per client type, in CRM_CLIENT_TYPES order. */
  readonly crmRanks: Uint8Array;
  readonly isAdministrator: boolean;
  readonly canReadRecordingsFolder: boolean;
  readonly slots: Int32Array;
  readonly ranges: Int32Array;
}

/**
 * The per-user facts a decision reads, laid out flat by user index (the user's position
 * in the policy source's subjects), so that a decision touches a few bytes of a few
 * contiguous arrays instead of following pointers through per-user objects: at 10,000
 * users and more that is the difference between cache hits and misses. `decide`,
 * `decideByIndex` and `explain` read only this (phone numbers aside); `Policy.users` makes
 * its per-user objects from it on demand.
 */
export interface DecisionTable {
  /** Index → user id; `index` is its inverse. */
  readonly userIds: readonly string[];
  /**
   * User id → index. The keys are the ids as JSON.parse returns them: V8 interns string
   * values of up to ten characters there, so the id of a request body (parsed the same
   * way) is the very same string and is found by comparing pointers; and the keys sit
   * together in memory rather than scattered across the directory's objects. At 10,000
   * users the id lookup is most of a decision, and this halves it (bench/decisions.ts).
   */
  readonly index: ReadonlyMap<string, number>;
  /** Each distinct id once, where it first appears among the subjects: the order of `users`. */
  readonly order: readonly string[];
  /** Effective rank of user `i` for permission `p` at `i * PERMISSION_KEYS.length + p`. */
  readonly ranks: Uint8Array;
  /** Per user, the bits of {@link USER_FLAGS}. */
  readonly flags: Uint8Array;
  /** Rank of role `r` (its position in `Policy.roles`) for permission `p`, as in `ranks`. */
  readonly roleRanks: Uint8Array;
  /**
   * User `i`'s grants, in the order of `CompiledUser.grants`, are the (role, access code)
   * pairs `grantPairs[g]` for g in `grantStart[i] .. grantStart[i + 1]`. Users share pairs
   * (everyone holding `departmentTree:d1` holds its roles through the same pair).
   */
  readonly grantStart: Int32Array;
  readonly grantPairs: Int32Array;
  /** The role of each pair, as its position in `Policy.roles`. */
  readonly pairRoles: Int32Array;
  /**
   * The explanation of pair `k` for permission `p`, at `k * PERMISSION_KEYS.length + p`:
   * made once, frozen, and shared by every explanation that names it.
   */
  readonly pairReasons: readonly RoleReason[];
  /** User `i`'s department slots are `slots[slotStart[i] .. slotStart[i + 1])`. */
  readonly slotStart: Int32Array;
  readonly slots: Int32Array;
  /** User `i`'s `[first, last]` subtree pairs are `ranges[rangeStart[i] .. rangeStart[i + 1])`. */
  readonly rangeStart: Int32Array;
  readonly ranges: Int32Array;
}

/** The bits of `DecisionTable.flags`. */
export const USER_FLAGS = {
  active: 1,
  administrator: 2,
  readsRecordingsFolder: 4,
} as const;

/** A compiled policy: per user, a flat lookup of effective levels. Immutable. */
export interface Policy {
  readonly account: PolicyAccount;
  /** Every user by id, in the subjects' order; each made from `table` on first use. */
  readonly users: ReadonlyMap<string, CompiledUser>;
  /** The same users, flat by index: what the decision path reads. */
  readonly table: DecisionTable;
  /** The user at row `row` of the table, made on first use (as `users.get` does). */
  readonly userAt: (row: number) => CompiledUser;
  readonly roles: readonly CompiledRole[];
  readonly phoneBook: PhoneBook;
  /** Lines, the destination policy, emergency numbers, and the facts of numbers dialled. */
  readonly outbound: CompiledOutbound;
  /** Whether `group:` codes count (the on-premise edition, SPEC §9). */
  readonly groupsAllowed: boolean;
  /** True when the free plan's fixed defaults apply instead of the stored roles (SPEC §9). */
  readonly usesPlanDefaults: boolean;
  /** Epoch ms when the next assignment expires and the policy must be compiled again. */
  readonly validUntil: number;
}

const MAX_RANKS = Uint8Array.from(PERMISSION_KEYS, (key) => CATALOGUE[key].length - 1);
const PERMISSION_COUNT = PERMISSION_KEYS.length;

/**
 * Compiles roles, assignments and the directory into per-user lookups, once per change;
 * every decision after that is a few array reads.
 *
 * The work is one pass over the users writing flat arrays (the decision table): ranks,
 * flags and the (role, code) pairs each user holds. The per-user objects of `users` are
 * made from the table on first use, so that compiling 100,000 users allocates a few
 * arrays rather than hundreds of thousands of objects.
 *
 * @example const policy = compilePolicy(source); decide(policy, { userId: 'u7', permission: 'callStats.view' })
 */
export function compilePolicy(source: PolicySource): Policy {
  const usesPlanDefaults = !canEditPermissions(source.account.plan, source.account.edition);
  const roles = usesPlanDefaults ? DEFAULT_ROLES : source.roles;
  const assignments = usesPlanDefaults
    ? defaultAssignments(source.rootDepartmentId)
    : source.assignments;

  const compiledRoles = roles.map(compileRole);
  const roleIndex = new Map(compiledRoles.map((role, r) => [role.id, r]));
  const rolesByCode = new Map<string, number[]>();
  let validUntil = Number.POSITIVE_INFINITY;
  for (const assignment of assignments) {
    const role = roleIndex.get(assignment.roleId);
    if (role === undefined) continue;
    if (assignment.expiresAt !== null) {
      const expiresAt = Date.parse(assignment.expiresAt);
      if (expiresAt <= source.now) continue;
      validUntil = Math.min(validUntil, expiresAt);
    }
    const held = rolesByCode.get(assignment.accessCode);
    if (held) held.push(role);
    else rolesByCode.set(assignment.accessCode, [role]);
  }
  const roleRanks = new Uint8Array(compiledRoles.length * PERMISSION_COUNT);
  compiledRoles.forEach((role, r) => roleRanks.set(role.ranks, r * PERMISSION_COUNT));

  // Every (role, access code) pair an assignment makes, with its explanations made once.
  const pairRoles: number[] = [];
  const pairReasons: RoleReason[] = [];
  const effects = new Map<string, CodeEffect>();
  const folder = new Map(source.recordingsFolder.map((entry) => [entry.accessCode, entry.access]));
  for (const code of new Set([...rolesByCode.keys(), ...folder.keys()])) {
    const pairs = (rolesByCode.get(code) ?? []).map((r) => {
      const role = compiledRoles[r]!;
      PERMISSION_KEYS.forEach((key, p) => {
        pairReasons.push(
          Object.freeze({
            roleId: role.id,
            roleName: role.name,
            accessCode: code,
            level: levelAt(key, role.ranks[p]!),
          }),
        );
      });
      return pairRoles.push(r) - 1;
    });
    effects.set(code, { pairs, folder: folder.get(code) });
  }

  const subjects = source.subjects;
  const table = allocateTable(subjects);
  const groupsAllowed = source.account.edition === 'on-premise';
  const grantStart = new Int32Array(subjects.length + 1);
  const grantPairs: number[] = [];
  for (let row = 0; row < subjects.length; row++) {
    compileUser(
      subjects[row]!,
      row,
      table,
      effects,
      groupsAllowed,
      roleRanks,
      pairRoles,
      grantPairs,
    );
    grantStart[row + 1] = grantPairs.length;
  }
  const decisionTable: DecisionTable = {
    ...table,
    roleRanks,
    grantStart,
    grantPairs: Int32Array.from(grantPairs),
    pairRoles: Int32Array.from(pairRoles),
    pairReasons,
  };
  const users = new CompiledUsers(subjects, decisionTable, compiledRoles);
  return {
    account: source.account,
    users,
    userAt: (row) => users.at(row),
    table: decisionTable,
    roles: compiledRoles,
    phoneBook: source.phoneBook,
    outbound: new CompiledOutbound(
      source.outbound ?? EMPTY_OUTBOUND_SOURCE,
      source.account.defaultCountry,
      source.phoneBook,
      decisionTable.index,
      subjects.length,
    ),
    groupsAllowed,
    usesPlanDefaults,
    validUntil,
  };
}

function compileRole(role: Role): CompiledRole {
  return {
    id: role.id,
    name: role.name,
    ranks: Uint8Array.from(PERMISSION_KEYS, (key) => levelRank(key, role.permissions[key])),
  };
}

/** The parts of the table that depend on the users alone; slots and ranges are filled here. */
type UserRows = Pick<
  DecisionTable,
  | 'userIds'
  | 'index'
  | 'order'
  | 'ranks'
  | 'flags'
  | 'slotStart'
  | 'slots'
  | 'rangeStart'
  | 'ranges'
>;

function allocateTable(subjects: readonly PolicySubject[]): UserRows {
  const count = subjects.length;
  const slotStart = new Int32Array(count + 1);
  const rangeStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const subject = subjects[i]!;
    slotStart[i + 1] = slotStart[i]! + subject.departmentSlots.length;
    rangeStart[i + 1] = rangeStart[i]! + subject.departmentRanges.length;
  }
  // The ids as JSON.parse makes them: interned where it interns (see `DecisionTable.index`),
  // and side by side in memory. Equal strings either way: only speed depends on this.
  const userIds = JSON.parse(JSON.stringify(subjects.map((subject) => subject.id))) as string[];
  // Where the same id comes twice, the last row answers for it and the first place stays.
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) index.set(userIds[i]!, i);
  const order = index.size === count ? userIds : [...index.keys()];
  const slots = new Int32Array(slotStart[count]!);
  const ranges = new Int32Array(rangeStart[count]!);
  for (let i = 0; i < count; i++) {
    slots.set(subjects[i]!.departmentSlots, slotStart[i]);
    ranges.set(subjects[i]!.departmentRanges, rangeStart[i]);
  }
  return {
    userIds,
    index,
    order,
    ranks: new Uint8Array(count * PERMISSION_COUNT),
    flags: new Uint8Array(count),
    slotStart,
    slots,
    rangeStart,
    ranges,
  };
}

/** What holding one access code brings: (role, code) pairs, and the folder list's word. */
interface CodeEffect {
  readonly pairs: readonly number[];
  readonly folder: FolderAccess | undefined;
}

/** One user's row of the table: ranks, flags, and the pairs they hold, in code order. */
function compileUser(
  subject: PolicySubject,
  row: number,
  table: UserRows,
  effects: ReadonlyMap<string, CodeEffect>,
  groupsAllowed: boolean,
  roleRanks: Uint8Array,
  pairRoles: readonly number[],
  grantPairs: number[],
): void {
  const ranks = table.ranks;
  const base = row * PERMISSION_COUNT;
  let folderRead = false;
  let folderDenied = false;
  // SPEC §3: inactive users hold no access codes, so nothing below applies to them.
  if (subject.active) {
    for (const accessCode of subject.accessCodes) {
      const effect = effects.get(accessCode);
      if (effect === undefined) continue;
      // A group code can only be held on the on-premise edition (SPEC §9).
      if (!groupsAllowed && accessCode.startsWith('group:')) continue;
      for (const pair of effect.pairs) {
        grantPairs.push(pair);
        const from = pairRoles[pair]! * PERMISSION_COUNT;
        for (let p = 0; p < PERMISSION_COUNT; p++) {
          const rank = roleRanks[from + p]!;
          if (rank > ranks[base + p]!) ranks[base + p] = rank;
        }
      }
      if (effect.folder === 'read') folderRead = true;
      else if (effect.folder === 'none') folderDenied = true;
    }
  }
  const isAdministrator = subject.active && subject.admin;
  // SPEC §4: an account can never lock itself out.
  if (isAdministrator) ranks.set(MAX_RANKS, base);
  const canReadRecordingsFolder = isAdministrator || (folderRead && !folderDenied);
  table.flags[row] =
    (subject.active ? USER_FLAGS.active : 0) |
    (isAdministrator ? USER_FLAGS.administrator : 0) |
    (canReadRecordingsFolder ? USER_FLAGS.readsRecordingsFolder : 0);
}

/**
 * `Policy.users`: a read-only map from user id to {@link CompiledUser}, each made from the
 * decision table the first time it is asked for and kept. Iterates in the order of the
 * policy source's subjects; where an id comes twice, its last subject answers.
 */
class CompiledUsers implements ReadonlyMap<string, CompiledUser> {
  readonly #subjects: readonly PolicySubject[];
  readonly #table: DecisionTable;
  readonly #roles: readonly CompiledRole[];
  readonly #made: (CompiledUser | undefined)[];

  constructor(
    subjects: readonly PolicySubject[],
    table: DecisionTable,
    roles: readonly CompiledRole[],
  ) {
    this.#subjects = subjects;
    this.#table = table;
    this.#roles = roles;
    this.#made = new Array<CompiledUser | undefined>(subjects.length);
  }

  get size(): number {
    return this.#table.index.size;
  }

  has(id: string): boolean {
    return this.#table.index.has(id);
  }

  get(id: string): CompiledUser | undefined {
    const row = this.#table.index.get(id);
    return row === undefined ? undefined : this.at(row);
  }

  *keys(): MapIterator<string> {
    yield* this.#table.order;
  }

  *values(): MapIterator<CompiledUser> {
    for (const id of this.#table.order) yield this.get(id)!;
  }

  *entries(): MapIterator<[string, CompiledUser]> {
    for (const id of this.#table.order) yield [id, this.get(id)!];
  }

  [Symbol.iterator](): MapIterator<[string, CompiledUser]> {
    return this.entries();
  }

  forEach(
    callback: (value: CompiledUser, key: string, map: ReadonlyMap<string, CompiledUser>) => void,
    thisArg?: unknown,
  ): void {
    for (const id of this.#table.order) callback.call(thisArg, this.get(id)!, id, this);
  }

  /** The user at a row of the decision table, made on first use and kept. */
  at(row: number): CompiledUser {
    const made = this.#made[row];
    if (made !== undefined) return made;
    const table = this.#table;
    const subject = this.#subjects[row]!;
    const flags = table.flags[row]!;
    const grants: Grant[] = [];
    for (let g = table.grantStart[row]!; g < table.grantStart[row + 1]!; g++) {
      const pair = table.grantPairs[g]!;
      grants.push({
        role: this.#roles[table.pairRoles[pair]!]!,
        accessCode: table.pairReasons[pair * PERMISSION_COUNT]!.accessCode,
      });
    }
    const crmRanks = new Uint8Array(CRM_CLIENT_TYPES.length);
    CRM_CLIENT_TYPES.forEach((type, t) => (crmRanks[t] = SCOPE_RANK[subject.crmReadScopes[type]]));
    const user: CompiledUser = {
      subject,
      // Views of the user's row: the same cells the decision path reads.
      ranks: table.ranks.subarray(row * PERMISSION_COUNT, (row + 1) * PERMISSION_COUNT),
      grants,
      crmRanks,
      isAdministrator: (flags & USER_FLAGS.administrator) !== 0,
      canReadRecordingsFolder: (flags & USER_FLAGS.readsRecordingsFolder) !== 0,
      slots: table.slots.subarray(table.slotStart[row], table.slotStart[row + 1]),
      ranges: table.ranges.subarray(table.rangeStart[row], table.rangeStart[row + 1]),
    };
    this.#made[row] = user;
    return user;
  }
}
