import type { PermissionLevels } from '../engine/catalogue.js';
import type { FolderAccess, FolderAccessEntry } from '../engine/policy.js';
import { type Assignment, type Role, isSameRole } from '../engine/roles.js';
import { insertMany } from './batch.js';
import type { Executor } from './database.js';

export interface StoredRole extends Role {
  readonly version: number;
}

export async function loadRoles(db: Executor, accountId: string): Promise<StoredRole[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    // Checked when saved (engine/roles.ts): only catalogue keys and levels are ever stored.
    permissions: JSON.parse(row.permissions) as PermissionLevels,
    version: row.version,
  }));
}

export async function loadAssignments(db: Executor, accountId: string): Promise<Assignment[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    roleId: row.role_id,
    accessCode: row.access_code,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  }));
}

/**
 * Replaces roles and assignments together. A role that keeps its id keeps counting its
 * versions, and a role whose content did not change keeps its version.
 */
export async function replacePermissions(
  db: Executor,
  accountId: string,
  roles: readonly Role[],
  assignments: readonly Assignment[],
): Promise<void> {
  const previous = new Map((await loadRoles(db, accountId)).map((role) => [role.id, role]));
  await db.deleteFrom('role_assignments').where('account_id', '=', accountId).execute();
  await db.deleteFrom('roles').where('account_id', '=', accountId).execute();
  await insertMany(
    db,
    'roles',
    roles.map((role, position) => {
      const before = previous.get(role.id);
      const unchanged = before !== undefined && isSameRole(before, role);
      return {
        account_id: accountId,
        id: role.id,
        position,
        name: role.name,
        permissions: JSON.stringify(role.permissions),
        version: before === undefined ? 1 : unchanged ? before.version : before.version + 1,
      };
    }),
  );
  await replaceAssignments(db, accountId, assignments);
}

export async function replaceAssignments(
  db: Executor,
  accountId: string,
  assignments: readonly Assignment[],
): Promise<void> {
  await db.deleteFrom('role_assignments').where('account_id', '=', accountId).execute();
  await insertMany(
    db,
    'role_assignments',
    assignments.map((a, position) => ({
      account_id: accountId,
      role_id: a.roleId,
      access_code: a.accessCode,
      expires_at: a.expiresAt === null ? null : Date.parse(a.expiresAt),
      position,
    })),
  );
}

export async function loadRecordingsFolder(
  db: Executor,
  accountId: string,
): Promise<FolderAccessEntry[]> {
  const rows = await db
    .selectFrom('recordings_folder_access')
    .select(['access_code', 'access'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({ accessCode: row.access_code, access: row.access as FolderAccess }));
}

export async function replaceRecordingsFolder(
  db: Executor,
  accountId: string,
  entries: readonly FolderAccessEntry[],
): Promise<void> {
  await db.deleteFrom('recordings_folder_access').where('account_id', '=', accountId).execute();
  await insertMany(
    db,
    'recordings_folder_access',
    entries.map((e, position) => ({
      account_id: accountId,
      access_code: e.accessCode,
      access: e.access,
      position,
    })),
  );
}
