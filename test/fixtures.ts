import { describeDirectoryForPolicy } from '../src/directory/access-codes.js';
import { type Directory, parseDirectory } from '../src/directory/directory.js';
import type { DirectoryDocument } from '../src/directory/schema.js';
import type { Edition, PermissionLevels, Plan } from '../src/engine/catalogue.js';
import { DEFAULT_ROLES, defaultAssignments } from '../src/engine/defaults.js';
import {
  DEFAULT_RECORDINGS_FOLDER,
  type FolderAccessEntry,
  type Policy,
  compilePolicy,
} from '../src/engine/policy.js';
import type { OutboundSource } from '../src/engine/outbound.js';
import type { CountryCode } from '../src/engine/phone-number.js';
import type { Assignment, Role } from '../src/engine/roles.js';
import type { CallRecord } from '../src/store/calls.js';

/**
 * A small company used across the tests:
 *
 *   1 Company (head u1, chief executive)
 *   ├── 2 Sales (head u2)
 *   │   └── 3 Sales East (head u3; members u4, u10)
 *   └── 4 Support (head u5; member u6)
 *   u0 account administrator in 1; u7 in 2; u8 inactive in 2; u9 in no department;
 *   u11 contractor in 4.
 */
export const COMPANY: DirectoryDocument = {
  departments: [
    { id: '1', name: 'Company', parentId: null, headUserId: 'u1' },
    { id: '2', name: 'Sales', parentId: '1', headUserId: 'u2' },
    { id: '3', name: 'Sales East', parentId: '2', headUserId: 'u3' },
    { id: '4', name: 'Support', parentId: '1', headUserId: 'u5' },
  ],
  users: [
    {
      id: 'u0',
      name: 'Ann Admin',
      admin: true,
      departmentIds: ['1'],
      phones: { extension: '100' },
    },
    { id: 'u1', name: 'Carl Chief', departmentIds: ['1'] },
    { id: 'u2', name: 'Sara Sales', departmentIds: ['2'] },
    { id: 'u3', name: 'Ed East', departmentIds: ['3'] },
    {
      id: 'u4',
      name: 'Mia Manager',
      departmentIds: ['3'],
      phones: { work: '+14155550004', mobile: null, extension: '104' },
    },
    { id: 'u5', name: 'Sam Support', departmentIds: ['4'] },
    {
      id: 'u6',
      name: 'Tom Support',
      departmentIds: ['4'],
      phones: { mobile: '(415) 555-0006', extension: '106' },
    },
    { id: 'u7', name: 'Vic Sales', departmentIds: ['2'] },
    {
      id: 'u8',
      name: 'Ina Inactive',
      active: false,
      departmentIds: ['2'],
      phones: { extension: '108' },
    },
    { id: 'u9', name: 'Nel Nobody' },
    { id: 'u10', name: 'Max East', departmentIds: ['3'] },
    { id: 'u11', name: 'Cora Contractor', departmentIds: ['4'] },
  ],
  workgroups: [
    { id: 'w1', name: 'Project X', ownerId: 'u6', moderatorIds: ['u7'], memberIds: ['u4'] },
  ],
  crmClients: [
    {
      id: 'c1',
      type: 'contact',
      name: 'Acme buyer',
      phones: ['+14155550101'],
      responsibleUserId: 'u4',
    },
    {
      id: 'c2',
      type: 'company',
      name: 'Globex',
      phones: ['+14155550102'],
      responsibleUserId: 'u6',
    },
    {
      id: 'c3',
      type: 'lead',
      name: 'Cold lead',
      phones: ['+14155550103'],
      responsibleUserId: null,
    },
  ],
  crmReadScopes: [],
  blockedNumbers: ['+19005550000'],
};

export interface PolicyOptions {
  readonly directory?: DirectoryDocument;
  readonly roles?: readonly Role[];
  readonly assignments?: readonly Assignment[];
  readonly plan?: Plan;
  readonly edition?: Edition;
  readonly recordingsFolder?: readonly FolderAccessEntry[];
  /** Lines, the destination policy, emergency numbers, caller IDs (SPEC §5). */
  readonly outbound?: OutboundSource;
  readonly defaultCountry?: CountryCode;
  readonly now?: number;
}

export function directoryOf(
  document: DirectoryDocument = COMPANY,
  edition: Edition = 'cloud',
): Directory {
  return parseDirectory(document, { edition, defaultCountry: 'US' });
}

/** Compiles a policy the way the service does, from a directory document and roles. */
export function policyFor(options: PolicyOptions = {}): Policy {
  const edition = options.edition ?? 'cloud';
  const directory = directoryOf(options.directory ?? COMPANY, edition);
  const described = describeDirectoryForPolicy(directory, edition);
  return compilePolicy({
    account: {
      plan: options.plan ?? 'basic',
      edition,
      defaultCountry: options.defaultCountry ?? 'US',
    },
    ...described,
    roles: options.roles ?? DEFAULT_ROLES,
    assignments: options.assignments ?? defaultAssignments(described.rootDepartmentId),
    recordingsFolder: options.recordingsFolder ?? DEFAULT_RECORDINGS_FOLDER,
    ...(options.outbound !== undefined && { outbound: options.outbound }),
    now: options.now ?? Date.parse('2026-11-22T12:00:00Z'),
  });
}

/** A role giving `none` everywhere except the levels listed. */
export function role(id: string, levels: Partial<PermissionLevels>, name = id): Role {
  return {
    id,
    name,
    permissions: {
      'callStats.view': 'none',
      'recording.listen': 'none',
      'recording.delete': 'none',
      'outboundCall.perform': 'none',
      'userSettings.modify': 'none',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
      ...levels,
    },
  };
}

export function assign(
  roleId: string,
  accessCode: string,
  expiresAt: string | null = null,
): Assignment {
  return { roleId, accessCode, expiresAt };
}

/** A stored call of `userId`'s, answered, 30 s, $0.50, at `startedAt` (epoch ms). */
export function callRecord(
  id: string,
  startedAt: number,
  userId: string | null = 'u1',
  more: Partial<CallRecord> = {},
): CallRecord {
  return {
    id,
    userId,
    direction: 'inbound',
    phoneNumber: '+12125550100',
    lineNumber: null,
    startedAt: new Date(startedAt).toISOString(),
    durationSec: 30,
    status: 'answered',
    cost: 0.5,
    currency: 'USD',
    crm: null,
    recordingRef: null,
    ...more,
  };
}
