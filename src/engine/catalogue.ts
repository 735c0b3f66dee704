/**
 * The permission catalogue of SPEC §2: every permission Callgate decides, with its levels
 * listed lowest first. The order is the order used to combine roles, so a level's index in
 * its list is its rank.
 */
export const CATALOGUE = {
  'callStats.view': ['none', 'own', 'department', 'any'],
  'recording.listen': ['none', 'own', 'department', 'any'],
  'recording.delete': ['none', 'own', 'department', 'any'],
  'outboundCall.perform': ['none', 'crmClients', 'crmClientsAndEmployees', 'any'],
  'userSettings.modify': ['none', 'own', 'department', 'any'],
  'telephonySettings.modify': ['none', 'any'],
  'numbers.manage': ['none', 'any'],
  'balance.manage': ['none', 'any'],
} as const satisfies Record<string, readonly [string, ...string[]]>;

export type PermissionKey = keyof typeof CATALOGUE;
export type LevelOf<K extends PermissionKey> = (typeof CATALOGUE)[K][number];
export type Level = LevelOf<PermissionKey>;

/** One level for every permission: what a role gives, or what a user effectively holds. */
export type PermissionLevels = { readonly [K in PermissionKey]: LevelOf<K> };

/** Permissions whose levels are scopes over the users whose items may be reached. */
export type ScopedPermissionKey = {
  [K in PermissionKey]: 'department' extends LevelOf<K> ? K : never;
}[PermissionKey];

export type ScopeLevel = 'none' | 'own' | 'department' | 'any';

export const PERMISSION_KEYS = Object.keys(CATALOGUE) as readonly PermissionKey[];

/** Position of each permission in {@link PERMISSION_KEYS}: compiled levels are arrays in this order. */
export const PERMISSION_INDEX = Object.fromEntries(PERMISSION_KEYS.map((key, i) => [key, i])) as {
  readonly [K in PermissionKey]: number;
};

/**
 * {@link PERMISSION_INDEX} as a switch: the decision path's way to turn a key into its
 * position. A keyed read of an eight-key object goes through V8's megamorphic lookup on
 * every call; comparing interned strings does not, and on the hot path that is a
 * measurable share of a decision. Kept equal to PERMISSION_INDEX by catalogue.test.ts;
 * the compiler checks that no key is missing.
 */
export function permissionIndex(key: PermissionKey): number {
  switch (key) {
    case 'callStats.view':
      return 0;
    case 'recording.listen':
      return 1;
    case 'recording.delete':
      return 2;
    case 'outboundCall.perform':
      return 3;
    case 'userSettings.modify':
      return 4;
    case 'telephonySettings.modify':
      return 5;
    case 'numbers.manage':
      return 6;
    case 'balance.manage':
      return 7;
    default: {
      const unknown: never = key;
      throw new RangeError(`no permission ${JSON.stringify(unknown)}`);
    }
  }
}

/** Ranks of the scope levels, shared by every scoped permission and by CRM read scopes. */
export const SCOPE_RANK = { none: 0, own: 1, department: 2, any: 3 } as const satisfies Record<
  ScopeLevel,
  number
>;
export const SCOPE_LEVELS = [
  'none',
  'own',
  'department',
  'any',
] as const satisfies readonly ScopeLevel[];

export function isPermissionKey(value: string): value is PermissionKey {
  return Object.hasOwn(CATALOGUE, value);
}

export function isScopedPermission(key: PermissionKey): key is ScopedPermissionKey {
  return (CATALOGUE[key] as readonly string[]).includes('department');
}

/** The rank of `level` for `key`, or -1 when the level is not in the catalogue. */
export function levelRank(key: PermissionKey, level: string): number {
  return (CATALOGUE[key] as readonly string[]).indexOf(level);
}

/** The level of `key` at `rank`; ranks come from {@link levelRank}, so they are in range. */
export function levelAt<K extends PermissionKey>(key: K, rank: number): LevelOf<K> {
  const levels: readonly LevelOf<K>[] = CATALOGUE[key];
  const level = levels[rank];
  if (level === undefined) throw new RangeError(`no level of rank ${rank} for ${key}`);
  return level;
}

/** The highest level of a permission: what account administrators always hold (SPEC §4). */
export function highestLevel<K extends PermissionKey>(key: K): LevelOf<K> {
  return levelAt(key, CATALOGUE[key].length - 1);
}

export const PLANS = ['free', 'basic', 'standard', 'professional', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];
export const EDITIONS = ['cloud', 'on-premise'] as const;
export type Edition = (typeof EDITIONS)[number];

/** SPEC §9: access permissions are editable on paid plans and on the on-premise edition. */
export function canEditPermissions(plan: Plan, edition: Edition): boolean {
  return edition === 'on-premise' || plan !== 'free';
}
