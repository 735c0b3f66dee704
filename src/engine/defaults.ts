import type { Assignment, Role } from './roles.js';

/** The four roles every new account starts with (SPEC §2), with the ids API.md fixes. */
export const DEFAULT_ROLES: readonly Role[] = [
  {
    id: 'administrator',
    name: 'Administrator',
    permissions: {
      'callStats.view': 'any',
      'recording.listen': 'any',
      'recording.delete': 'none',
      'outboundCall.perform': 'any',
      'userSettings.modify': 'any',
      'telephonySettings.modify': 'any',
      'numbers.manage': 'any',
      'balance.manage': 'none',
    },
  },
  {
    id: 'chief-executive',
    name: 'Chief executive',
    permissions: {
      'callStats.view': 'any',
      'recording.listen': 'any',
      'recording.delete': 'none',
      'outboundCall.perform': 'any',
      'userSettings.modify': 'none',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
    },
  },
  {
    id: 'head-of-department',
    name: 'Head of department',
    permissions: {
      'callStats.view': 'department',
      'recording.listen': 'department',
      'recording.delete': 'none',
      'outboundCall.perform': 'any',
      'userSettings.modify': 'none',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
    },
  },
  {
    id: 'manager',
    name: 'Manager',
    permissions: {
      'callStats.view': 'own',
      'recording.listen': 'own',
      'recording.delete': 'none',
      'outboundCall.perform': 'any',
      'userSettings.modify': 'none',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
    },
  },
];

/**
 * The default assignments (SPEC §2): Administrator to account administrators, Manager to
 * everyone in the company structure. The second needs the root department, which exists
 * only once a directory has been imported.
 */
export function defaultAssignments(rootDepartmentId: string | null): Assignment[] {
  const assignments: Assignment[] = [
    { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
  ];
  if (rootDepartmentId !== null) {
    assignments.push({
      roleId: 'manager',
      accessCode: `departmentTree:${rootDepartmentId}`,
      expiresAt: null,
    });
  }
  return assignments;
}
