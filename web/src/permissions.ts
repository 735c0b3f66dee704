import type { AssignmentSet, CatalogueEntry, EffectivePermissions, PermissionKey } from './types';

/**
 * How the UI names permissions and levels, in the words of the help pages (SPEC §2 and
 * the product's help pages): the keys stay those of the catalogue, only the labels are friendlier.
 */
export interface PermissionText {
  readonly label: string;
  readonly description: string;
  readonly levels: Readonly<Record<string, string>>;
}

const DENIED = 'Access denied';

export const PERMISSION_TEXT = {
  'callStats.view': {
    label: 'Call statistics',
    description: 'See call details and statistics.',
    levels: {
      none: DENIED,
      own: 'Own calls only',
      department: 'Calls of their department',
      any: 'Any call',
    },
  },
  'recording.listen': {
    label: 'Call recording: listen',
    description: 'Listen to and download call recordings in call details.',
    levels: {
      none: DENIED,
      own: 'Recordings of own calls',
      department: 'Recordings of their department’s employees',
      any: 'Any recording',
    },
  },
  'recording.delete': {
    label: 'Call recording: delete',
    description: 'Delete call recordings from call details.',
    levels: {
      none: DENIED,
      own: 'Recordings of own calls',
      department: 'Recordings of their department’s employees',
      any: 'Any recording',
    },
  },
  'outboundCall.perform': {
    label: 'Outbound calls',
    description: 'Whom employees may call. Internal calls (extensions) are always allowed.',
    levels: {
      none: 'Access denied (internal calls only)',
      crmClients: 'CRM clients only',
      crmClientsAndEmployees: 'CRM clients and employees',
      any: 'Any number',
    },
  },
  'userSettings.modify': {
    label: 'User settings',
    description: 'Connect a phone or SIP device and change the number used for outbound calls.',
    levels: {
      none: DENIED,
      own: 'Own settings only',
      department: 'Settings of their department',
      any: 'Full access',
    },
  },
  'telephonySettings.modify': {
    label: 'Telephony settings',
    description:
      'General settings, blocked numbers, access permissions, documents, user groups and voice menus.',
    levels: { none: DENIED, any: 'Full access' },
  },
  'numbers.manage': {
    label: 'Manage numbers',
    description: 'Rent and release numbers and change connection settings.',
    levels: { none: DENIED, any: 'Full access' },
  },
  'balance.manage': {
    label: 'Manage balance',
    description: 'View and top up the telephony balance.',
    levels: { none: DENIED, any: 'Full access' },
  },
} as const satisfies Record<PermissionKey, PermissionText>;

/** The groups of the role editor, in the order of the help pages. */
export const PERMISSION_GROUPS: readonly {
  readonly title: string;
  readonly keys: readonly PermissionKey[];
}[] = [
  { title: 'Call statistics', keys: ['callStats.view'] },
  { title: 'Call recordings', keys: ['recording.listen', 'recording.delete'] },
  { title: 'Outbound calls', keys: ['outboundCall.perform'] },
  { title: 'User settings', keys: ['userSettings.modify'] },
  { title: 'Telephony settings', keys: ['telephonySettings.modify'] },
  { title: 'Numbers', keys: ['numbers.manage'] },
  { title: 'Balance', keys: ['balance.manage'] },
];

function textOf(key: string): PermissionText | undefined {
  return (PERMISSION_TEXT as Readonly<Record<string, PermissionText>>)[key];
}

export function permissionLabel(key: string): string {
  return textOf(key)?.label ?? key;
}

export function levelLabel(key: string, level: string): string {
  return textOf(key)?.levels[level] ?? level;
}

/**
 * A level as told to the person who holds it ("You see: calls of your department"): the
 * labels describe a role's holder ("their", "own"), so they are turned to the reader.
 *
 * @example yourLevelLabel('callStats.view', 'department') // "Calls of your department"
 */
export function yourLevelLabel(key: string, level: string): string {
  return levelLabel(key, level)
    .replace(/\btheir\b/g, 'your')
    .replace(/\bown\b/g, 'your own')
    .replace(/^Own\b/, 'Your own');
}

/** The levels of a permission, lowest first, from the server's catalogue. */
export function levelsOf(catalogue: readonly CatalogueEntry[], key: string): readonly string[] {
  return catalogue.find((entry) => entry.key === key)?.levels ?? [];
}

/** The rank of a level in its permission's ordered list (-1 when unknown). */
export function levelRank(
  catalogue: readonly CatalogueEntry[],
  key: string,
  level: string,
): number {
  return levelsOf(catalogue, key).indexOf(level);
}

/** A user's level of one permission, `none` when absent. */
export function levelIn(permissions: EffectivePermissions, key: PermissionKey): string {
  return permissions[key]?.level ?? 'none';
}

/**
 * Whether a role is given to account administrators only: each holder then has every
 * permission at its highest level (the administrator override, SPEC §4), whatever the role
 * says, and its levels are shown with the override.
 */
export function givenToAdministratorsOnly(assignments: AssignmentSet, roleId: string): boolean {
  const given = assignments.items.filter((a) => a.roleId === roleId);
  return given.length > 0 && given.every((a) => a.accessCode === 'admins');
}

export function hasAny(permissions: EffectivePermissions, key: PermissionKey): boolean {
  return levelIn(permissions, key) !== 'none';
}
