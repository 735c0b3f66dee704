import { type KnownIds, accessCodeProblem, knownIds } from '../directory/directory.js';
import { type ParsedAccessCode, formatAccessCode } from '../engine/access-code.js';
import {
  PERMISSION_KEYS,
  type Edition,
  type Level,
  type LevelOf,
  type PermissionKey,
  type PermissionLevels,
} from '../engine/catalogue.js';
import type { Assignment, PermissionsDocument, Role } from '../engine/roles.js';
import { IssueList } from '../engine/validation-error.js';
import type { Actor } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { loadDirectory } from '../store/directory.js';
import { requireAccount } from './accounts.js';
import { type PermissionsChange, importPermissions } from './permissions.js';
import { userNumbersOf } from './user-numbers.js';

/**
 * Bitrix24's entity/action pairs (Bitrix\Voximplant\Security\Permissions::getMap) and the
 * permission of SPEC §2 each one is, with the level each letter means. A letter missing
 * from a pair's table is not one Bitrix24 allows there, so it is refused. The empty
 * letter (and NULL) is Bitrix24's "none"; a pair with no row is "none" too, as Bitrix24
 * reads it. CALL_RECORD/MODIFY ("update" in the help pages) exists in newer versions only.
 */
interface BitrixPermission {
  readonly key: PermissionKey;
  /** Bitrix24's level letters for this pair → Callgate's levels of `key`. */
  readonly letters: Readonly<Record<string, Level>>;
}

/** A pair's table; the compiler checks each letter's level is one of `key`'s (SPEC §2). */
function pair<K extends PermissionKey>(
  key: K,
  letters: Readonly<Record<string, LevelOf<K>>>,
): BitrixPermission {
  return { key, letters };
}

const SCOPE_LETTERS = { '': 'none', A: 'own', D: 'department', X: 'any' } as const;
const SWITCH_LETTERS = { '': 'none', X: 'any' } as const;
const ENTITY_ACTIONS = {
  CALL_DETAIL: { VIEW: pair('callStats.view', SCOPE_LETTERS) },
  CALL_RECORD: {
    LISTEN: pair('recording.listen', SCOPE_LETTERS),
    MODIFY: pair('recording.delete', SCOPE_LETTERS),
  },
  CALL: {
    PERFORM: pair('outboundCall.perform', {
      '': 'none',
      C: 'crmClients',
      K: 'crmClientsAndEmployees',
      X: 'any',
    }),
  },
  USER: { MODIFY: pair('userSettings.modify', SCOPE_LETTERS) },
  SETTINGS: { MODIFY: pair('telephonySettings.modify', SWITCH_LETTERS) },
  LINE: { MODIFY: pair('numbers.manage', SWITCH_LETTERS) },
  BALANCE: { MODIFY: pair('balance.manage', SWITCH_LETTERS) },
} as const satisfies Record<string, Record<string, BitrixPermission>>;

type BitrixEntity = keyof typeof ENTITY_ACTIONS;

/** The Callgate role made of Bitrix24 role `id`; the prefix keeps its origin visible. */
function bitrixRoleId(id: number): string {
  return `bitrix-${id}`;
}

/** What the translator needs to know about the account it imports into. */
export interface BitrixTranslationContext {
  readonly edition: Edition;
  readonly known: KnownIds;
  /** Stable user numbers (SPEC §12) → Callgate user ids: a Bitrix24 `U<id>` is a number. */
  readonly userByNumber: ReadonlyMap<number, string>;
}

/** One Callgate assignment and the Bitrix24 access row it came from. */
export interface TranslatedAssignment extends Assignment {
  readonly bitrixAccessCode: string;
}

export interface TranslatedRoles {
  readonly document: PermissionsDocument;
  readonly assignments: readonly TranslatedAssignment[];
}

/**
 * Turns Bitrix24's role rows into Callgate's permissions document. The input is the rows
 * of `b_voximplant_role`, `b_voximplant_role_permission` and `b_voximplant_role_access`,
 * with Bitrix24's column names: `{"roles": [{ID, NAME}], "permissions": [{ID?, ROLE_ID,
 * ENTITY, ACTION, PERMISSION}], "access": [{ID?, ROLE_ID, ACCESS_CODE}]}`; ids are numbers
 * or decimal strings (MySQL exports give strings).
 *
 * Throws a ValidationError naming every row it cannot translate, by its place in the
 * export: an unknown entity or action, a level letter that pair does not take, two
 * different letters for one pair, a row of a role that is not there, an access code
 * Callgate has no equivalent for, a user number or directory item the account does not
 * have. Nothing is guessed. Pure: the caller gives what it knows of the account.
 *
 * @example translateBitrixRoles({ roles: [{ ID: 1, NAME: 'Admin' }], permissions: [
 *   { ROLE_ID: 1, ENTITY: 'LINE', ACTION: 'MODIFY', PERMISSION: 'X' }],
 *   access: [{ ROLE_ID: 1, ACCESS_CODE: 'G1' }] }, context)
 *   // roles: [{ id: 'bitrix-1', name: 'Admin', permissions: { 'numbers.manage': 'any', … none } }]
 *   // assignments: [{ roleId: 'bitrix-1', accessCode: 'admins', expiresAt: null }]
 */
export function translateBitrixRoles(
  input: unknown,
  context: BitrixTranslationContext,
): TranslatedRoles {
  const issues = new IssueList();
  const tables = readTables(input, issues);
  const levels = new Map<number, Partial<Record<PermissionKey, Level>>>();
  const names = new Map<number, string>();
  tables.roles.forEach((row, i) => {
    const where = `roles[${i}]`;
    if (!hasOnlyColumns(row, ['ID', 'NAME'], where, issues)) return;
    const id = readId(row.ID, `${where}.ID`, issues);
    if (typeof row.NAME !== 'string') issues.add(`${where}.NAME`, 'must be a string');
    if (id === undefined || typeof row.NAME !== 'string') return;
    if (names.has(id)) issues.add(`${where}.ID`, `role ${id} appears twice`);
    names.set(id, row.NAME);
    levels.set(id, {});
  });
  const roleOf = (value: unknown, where: string): number | undefined => {
    const id = readId(value, where, issues);
    if (id === undefined || names.has(id)) return id;
    issues.add(where, `no role ${id} in "roles"`);
    return undefined;
  };

  tables.permissions.forEach((row, i) => {
    const where = `permissions[${i}]`;
    const columns = ['ID', 'ROLE_ID', 'ENTITY', 'ACTION', 'PERMISSION'];
    if (!hasOnlyColumns(row, columns, where, issues)) return;
    const roleId = roleOf(row.ROLE_ID, `${where}.ROLE_ID`);
    const target = permissionOf(row.ENTITY, row.ACTION, where, issues);
    if (target === undefined) return;
    const letter = row.PERMISSION ?? '';
    const level =
      typeof letter === 'string' && Object.hasOwn(target.letters, letter)
        ? target.letters[letter]
        : undefined;
    if (level === undefined) {
      const allowed = Object.keys(target.letters).map((l) => (l === '' ? '"" (none)' : l));
      issues.add(
        `${where}.PERMISSION`,
        `${JSON.stringify(letter)} is not a level of ${String(row.ENTITY)}/${String(row.ACTION)}; expected one of ${allowed.join(', ')}`,
      );
      return;
    }
    if (roleId === undefined) return;
    const role = levels.get(roleId)!;
    const before = role[target.key];
    if (before !== undefined && before !== level) {
      issues.add(
        where,
        `role ${roleId} already has ${String(row.ENTITY)}/${String(row.ACTION)} = ${before}; two different levels for one pair`,
      );
    }
    role[target.key] = level;
  });

  const assignments: TranslatedAssignment[] = [];
  const pairs = new Set<string>();
  tables.access.forEach((row, i) => {
    const where = `access[${i}]`;
    if (!hasOnlyColumns(row, ['ID', 'ROLE_ID', 'ACCESS_CODE'], where, issues)) return;
    const roleId = roleOf(row.ROLE_ID, `${where}.ROLE_ID`);
    const code = translateAccessCode(row.ACCESS_CODE, context, `${where}.ACCESS_CODE`, issues);
    if (roleId === undefined || code === undefined) return;
    const assignment = {
      roleId: bitrixRoleId(roleId),
      accessCode: code,
      expiresAt: null,
      bitrixAccessCode: row.ACCESS_CODE as string,
    };
    // The same role given twice to one code gives nothing more; Bitrix24 does not mind either.
    const given = `${assignment.roleId}\u0000${assignment.accessCode}`;
    if (pairs.has(given)) return;
    pairs.add(given);
    assignments.push(assignment);
  });
  issues.throwIfAny();

  const roles: Role[] = [...names].map(([id, name]) => {
    const given = levels.get(id)!;
    const permissions = Object.fromEntries(
      PERMISSION_KEYS.map((key) => [key, given[key] ?? 'none']),
    ) as PermissionLevels;
    return { id: bitrixRoleId(id), name, permissions };
  });
  return {
    document: {
      roles,
      assignments: assignments.map(({ roleId, accessCode, expiresAt }) => ({
        roleId,
        accessCode,
        expiresAt,
      })),
    },
    assignments,
  };
}

function readTables(
  input: unknown,
  issues: IssueList,
): { roles: MaybeRow[]; permissions: MaybeRow[]; access: MaybeRow[] } {
  const empty = { roles: [], permissions: [], access: [] };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.add('document', 'must be an object with "roles", "permissions" and "access" arrays');
    issues.throwIfAny();
    return empty;
  }
  const tables = input as Record<string, unknown>;
  for (const key of Object.keys(tables)) {
    if (!['roles', 'permissions', 'access'].includes(key))
      issues.add(`document.${key}`, 'unknown field; expected "roles", "permissions" and "access"');
  }
  const rows = (name: string): MaybeRow[] => {
    const value = tables[name];
    if (!Array.isArray(value)) {
      issues.add(`document.${name}`, 'must be an array of rows');
      return [];
    }
    return value.map((row, i) => {
      if (typeof row === 'object' && row !== null && !Array.isArray(row)) return row as Row;
      issues.add(`${name}[${i}]`, 'must be an object (one row)');
      return undefined;
    });
  };
  return { roles: rows('roles'), permissions: rows('permissions'), access: rows('access') };
}

type Row = Record<string, unknown>;
/** A row, or undefined where the input had something else (already reported). */
type MaybeRow = Row | undefined;

function hasOnlyColumns(
  row: MaybeRow,
  columns: readonly string[],
  where: string,
  issues: IssueList,
): row is Row {
  if (row === undefined) return false;
  const extra = Object.keys(row).filter((key) => !columns.includes(key));
  for (const key of extra)
    issues.add(`${where}.${key}`, `unknown column; expected ${columns.join(', ')}`);
  return extra.length === 0;
}

/** Bitrix24 ids are positive integers; MySQL exports write them as strings. */
function readId(value: unknown, where: string, issues: IssueList): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^[1-9][0-9]{0,14}$/.test(text)) return Number(text);
  issues.add(
    where,
    value === undefined
      ? 'missing; a Bitrix24 id (a positive integer)'
      : `${JSON.stringify(value)} is not a Bitrix24 id (a positive integer)`,
  );
  return undefined;
}

function permissionOf(
  entity: unknown,
  action: unknown,
  where: string,
  issues: IssueList,
): BitrixPermission | undefined {
  if (typeof entity !== 'string' || !Object.hasOwn(ENTITY_ACTIONS, entity)) {
    issues.add(
      `${where}.ENTITY`,
      `unknown entity ${JSON.stringify(entity)}; expected one of ${Object.keys(ENTITY_ACTIONS).join(', ')}`,
    );
    return undefined;
  }
  const actions: Readonly<Record<string, BitrixPermission>> =
    ENTITY_ACTIONS[entity as BitrixEntity];
  if (typeof action !== 'string' || !Object.hasOwn(actions, action)) {
    issues.add(
      `${where}.ACTION`,
      `unknown action ${JSON.stringify(action)} for ${entity}; expected ${Object.keys(actions).join(' or ')}`,
    );
    return undefined;
  }
  return actions[action];
}

const WORKGROUP_SUFFIXES = { A: 'owner', E: 'moderators', K: 'members' } as const;
const DIRECTORY_PREFIXES = { D: 'department', DR: 'departmentTree', G: 'group' } as const;

/**
 * A Bitrix24 access code as Callgate's (SPEC §3's table), checked against the account:
 * `U<id>` through the stable user numbers, `D<id>`/`DR<id>`/`G<id>`/`SG<id>_A|E|K` by the
 * directory's ids, `G1` (Bitrix24's administrators group) as `admins`, `AU` as `everyone`.
 */
function translateAccessCode(
  value: unknown,
  context: BitrixTranslationContext,
  where: string,
  issues: IssueList,
): string | undefined {
  const code = typeof value === 'string' ? value : '';
  const parsed = parseBitrixAccessCode(code, context.userByNumber);
  if (parsed === undefined) {
    issues.add(
      where,
      `${value === undefined ? 'missing' : JSON.stringify(value)}: no Callgate equivalent; Callgate takes U<id>, D<id>, DR<id>, G<id>, SG<id>_A, SG<id>_E, SG<id>_K and AU`,
    );
    return undefined;
  }
  if (parsed === 'unknownUser') {
    issues.add(
      where,
      `${code}: no user has the number ${code.slice(1)}; import the directory with that user first (a user's number is their Bitrix24 id)`,
    );
    return undefined;
  }
  const callgate = formatAccessCode(parsed);
  const problem = accessCodeProblem(callgate, context.edition, context.known);
  if (problem !== undefined) {
    issues.add(where, `${code} → ${problem}`);
    return undefined;
  }
  return callgate;
}

function parseBitrixAccessCode(
  code: string,
  userByNumber: ReadonlyMap<number, string>,
): ParsedAccessCode | 'unknownUser' | undefined {
  if (code === 'AU') return { kind: 'everyone' };
  if (code === 'G1') return { kind: 'admins' };
  const match = /^(U|DR|D|G|SG)([1-9][0-9]{0,14})(?:_([AEK]))?$/.exec(code);
  if (match === null) return undefined;
  const [, prefix, id = '', suffix] = match;
  if ((prefix === 'SG') !== (suffix !== undefined)) return undefined;
  if (prefix === 'U') {
    // U<number> names the user who holds that number, whatever their Callgate id.
    const userId = userByNumber.get(Number(id));
    return userId === undefined ? 'unknownUser' : { kind: 'user', id: userId };
  }
  if (prefix === 'SG') {
    return { kind: 'workgroup', id, role: WORKGROUP_SUFFIXES[suffix as 'A' | 'E' | 'K'] };
  }
  return { kind: DIRECTORY_PREFIXES[prefix as 'D' | 'DR' | 'G'], id };
}

/**
 * `callgate roles import --from-bitrix`: translates Bitrix24's role rows against the
 * account's directory and user numbers, then replaces roles and assignments through
 * {@link importPermissions}: the same checks (plan, roles, codes), the same audit entries
 * and the same dry run as any permissions import. Run inside a transaction.
 */
export async function importBitrixRoles(
  db: Executor,
  accountId: string,
  input: unknown,
  options: { readonly dryRun: boolean; readonly actor: Actor; readonly now?: number },
): Promise<PermissionsChange & TranslatedRoles> {
  const account = await requireAccount(db, accountId);
  const [directory, numbers] = await Promise.all([
    loadDirectory(db, accountId),
    userNumbersOf(db, accountId),
  ]);
  const translated = translateBitrixRoles(input, {
    edition: account.edition,
    known: knownIds(directory),
    userByNumber: numbers.byNumber,
  });
  return {
    ...(await importPermissions(db, accountId, translated.document, options)),
    ...translated,
  };
}
