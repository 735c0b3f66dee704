import { randomBytes } from 'node:crypto';
import { departmentPositions } from '../directory/access-codes.js';
import { buildDepartmentTree, departmentClosure } from '../directory/department-tree.js';
import type { CrmClient, Directory, DirectoryUser } from '../directory/directory.js';
import type { ScopeLevel } from '../engine/catalogue.js';
import type { CrmClientType } from '../engine/policy.js';
import { insertMany } from './batch.js';
import { searchRows } from './directory-search.js';
import type { Executor } from './database.js';
import type { Selectable } from 'kysely';
import type { Database } from './schema.js';

const DIRECTORY_TABLES = [
  'users',
  'departments',
  'department_positions',
  'department_closure',
  'department_reach',
  'user_groups',
  'user_group_members',
  'workgroups',
  'workgroup_members',
  'crm_clients',
  'crm_client_phones',
  'crm_read_scopes',
  'blocked_numbers',
  'directory_search',
] as const satisfies readonly (keyof Database)[];

/**
 * Replaces an account's directory with a checked one, with the department closure that
 * lets department scopes be answered in SQL. Run it inside a transaction: the directory is
 * replaced whole or not at all.
 *
 * A user who stays keeps their incarnation; a user id new to the directory gets a fresh
 * one, so credentials issued under the id before it left never match again. Answers the
 * ids of the users the import removed.
 */
export async function replaceDirectory(
  db: Executor,
  accountId: string,
  directory: Directory,
): Promise<{ removedUserIds: string[] }> {
  const previous = new Map(
    (
      await db
        .selectFrom('users')
        .select(['id', 'incarnation'])
        .where('account_id', '=', accountId)
        .execute()
    ).map((row) => [row.id, row.incarnation]),
  );
  const kept = new Set(directory.users.map((u) => u.id));
  const removedUserIds = [...previous.keys()].filter((id) => !kept.has(id)).sort();
  for (const table of DIRECTORY_TABLES) {
    await db.deleteFrom(table).where('account_id', '=', accountId).execute();
  }
  const account_id = accountId;
  await insertMany(
    db,
    'users',
    directory.users.map((u, position) => ({
      account_id,
      id: u.id,
      position,
      name: u.name,
      email: u.email,
      active: u.active ? 1 : 0,
      admin: u.admin ? 1 : 0,
      phone_work: u.phones.work,
      phone_mobile: u.phones.mobile,
      phone_extension: u.phones.extension,
      incarnation: previous.get(u.id) ?? randomBytes(9).toString('base64url'),
    })),
  );
  await insertMany(
    db,
    'departments',
    directory.departments.map((d, position) => ({
      account_id,
      id: d.id,
      position,
      name: d.name,
      parent_id: d.parentId,
    })),
  );
  const heads = new Set(directory.departments.map((d) => `${d.headUserId}\u0000${d.id}`));
  const members = new Set(
    directory.users.flatMap((u) => u.departmentIds.map((d) => `${u.id}\u0000${d}`)),
  );
  await insertMany(
    db,
    'department_positions',
    departmentPositions(directory).flatMap(([user_id, department_id], position) => {
      const key = `${user_id}\u0000${department_id}`;
      const kinds = [
        ...(members.has(key) ? ['member' as const] : []),
        ...(heads.has(key) ? ['head' as const] : []),
      ];
      return kinds.map((kind) => ({ account_id, department_id, user_id, kind, position }));
    }),
  );
  await insertMany(
    db,
    'department_closure',
    departmentClosure(buildDepartmentTree(directory.departments)).map((pair) => ({
      account_id,
      ancestor_id: pair.ancestorId,
      descendant_id: pair.descendantId,
      depth: pair.depth,
    })),
  );
  // Written from the two tables just filled, inside the database: no rows cross the wire.
  await db
    .insertInto('department_reach')
    .columns(['account_id', 'department_id', 'user_id'])
    .expression(
      db
        .selectFrom('department_closure as c')
        .innerJoin('department_positions as p', (join) =>
          join
            .onRef('p.account_id', '=', 'c.account_id')
            .onRef('p.department_id', '=', 'c.descendant_id'),
        )
        .select(['c.account_id', 'c.ancestor_id', 'p.user_id'])
        .distinct()
        .where('c.account_id', '=', accountId),
    )
    .execute();
  await insertMany(
    db,
    'user_groups',
    directory.userGroups.map((g, position) => ({ account_id, id: g.id, position, name: g.name })),
  );
  await insertMany(
    db,
    'user_group_members',
    directory.userGroups.flatMap((g) =>
      [...new Set(g.memberIds)].map((user_id, position) => ({
        account_id,
        group_id: g.id,
        user_id,
        position,
      })),
    ),
  );
  await insertMany(
    db,
    'workgroups',
    directory.workgroups.map((w, position) => ({
      account_id,
      id: w.id,
      position,
      name: w.name,
      owner_id: w.ownerId,
    })),
  );
  await insertMany(
    db,
    'workgroup_members',
    directory.workgroups.flatMap((w) => [
      ...[...new Set(w.moderatorIds)].map((user_id, position) => ({
        account_id,
        workgroup_id: w.id,
        user_id,
        kind: 'moderator' as const,
        position,
      })),
      ...[...new Set(w.memberIds)].map((user_id, position) => ({
        account_id,
        workgroup_id: w.id,
        user_id,
        kind: 'member' as const,
        position,
      })),
    ]),
  );
  await insertMany(
    db,
    'crm_clients',
    directory.crmClients.map((c, position) => ({
      account_id,
      id: c.id,
      position,
      type: c.type,
      name: c.name,
      responsible_user_id: c.responsibleUserId,
    })),
  );
  await insertMany(
    db,
    'crm_client_phones',
    directory.crmClients.flatMap((c) =>
      c.phones.map((phone, position) => ({ account_id, client_id: c.id, position, phone })),
    ),
  );
  await insertMany(
    db,
    'crm_read_scopes',
    directory.crmReadScopes.map((s, position) => ({
      account_id,
      position,
      access_code: s.accessCode,
      type: s.type,
      level: s.level,
    })),
  );
  await insertMany(db, 'directory_search', searchRows(accountId, directory));
  await insertMany(
    db,
    'blocked_numbers',
    [...new Set(directory.blockedNumbers)].map((phone, position) => ({
      account_id,
      phone,
      position,
    })),
  );
  return { removedUserIds };
}

/** Reads an account's directory back, in the order it was imported. */
export async function loadDirectory(db: Executor, accountId: string): Promise<Directory> {
  // Every directory table has (account_id, position): read each whole, in import order.
  const rowsOf = <T extends (typeof DIRECTORY_TABLES)[number]>(table: T) =>
    db
      .selectFrom(table as 'users')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('position')
      .execute() as unknown as Promise<Selectable<Database[T]>[]>;
  const [
    users,
    departments,
    positions,
    groups,
    groupMembers,
    workgroups,
    workgroupMembers,
    clients,
    phones,
    scopes,
    blocked,
  ] = await Promise.all([
    rowsOf('users'),
    rowsOf('departments'),
    rowsOf('department_positions'),
    rowsOf('user_groups'),
    rowsOf('user_group_members'),
    rowsOf('workgroups'),
    rowsOf('workgroup_members'),
    rowsOf('crm_clients'),
    rowsOf('crm_client_phones'),
    rowsOf('crm_read_scopes'),
    rowsOf('blocked_numbers'),
  ]);
  const grouped = <R, K extends keyof R>(rows: readonly R[], key: K) => {
    const map = new Map<R[K], R[]>();
    for (const row of rows) {
      const list = map.get(row[key]);
      if (list) list.push(row);
      else map.set(row[key], [row]);
    }
    return (value: R[K]): R[] => map.get(value) ?? [];
  };
  const membershipsOf = grouped(
    positions.filter((p) => p.kind === 'member'),
    'user_id',
  );
  const headOf = new Map(
    positions.filter((p) => p.kind === 'head').map((p) => [p.department_id, p.user_id]),
  );
  const groupMembersOf = grouped(groupMembers, 'group_id');
  const workgroupMembersOf = grouped(workgroupMembers, 'workgroup_id');
  const phonesOf = grouped(phones, 'client_id');
  return {
    users: users.map((u): DirectoryUser => ({
      id: u.id,
      name: u.name,
      email: u.email,
      active: u.active === 1,
      admin: u.admin === 1,
      departmentIds: membershipsOf(u.id).map((p) => p.department_id),
      phones: { work: u.phone_work, mobile: u.phone_mobile, extension: u.phone_extension },
    })),
    departments: departments.map((d) => ({
      id: d.id,
      name: d.name,
      parentId: d.parent_id,
      headUserId: headOf.get(d.id) ?? null,
    })),
    userGroups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      memberIds: groupMembersOf(g.id).map((m) => m.user_id),
    })),
    workgroups: workgroups.map((w) => {
      const members = workgroupMembersOf(w.id);
      return {
        id: w.id,
        name: w.name,
        ownerId: w.owner_id,
        moderatorIds: members.filter((m) => m.kind === 'moderator').map((m) => m.user_id),
        memberIds: members.filter((m) => m.kind === 'member').map((m) => m.user_id),
      };
    }),
    crmClients: clients.map((c): CrmClient => ({
      id: c.id,
      type: c.type as CrmClientType,
      name: c.name,
      phones: phonesOf(c.id).map((p) => p.phone),
      responsibleUserId: c.responsible_user_id,
    })),
    crmReadScopes: scopes.map((s) => ({
      accessCode: s.access_code,
      type: s.type as CrmClientType,
      level: s.level as ScopeLevel,
    })),
    blockedNumbers: blocked.map((b) => b.phone),
  };
}
