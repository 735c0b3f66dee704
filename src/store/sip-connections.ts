import type { Selectable } from 'kysely';
import type { Executor } from './database.js';
import type { SipConnectionsTable } from './schema.js';

/** A SIP connection as stored: the password stays sealed here. */
export interface StoredSipConnection {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly server: string;
  readonly login: string;
  readonly sealedPassword: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a connection holds besides its id and times. */
export interface SipConnectionFields {
  readonly type: string;
  readonly title: string;
  readonly server: string;
  readonly login: string;
  readonly sealedPassword: string | null;
}

function fromRow(row: Selectable<SipConnectionsTable>): StoredSipConnection {
  return {
    // PostgreSQL's bigserial arrives as text through some drivers: ids are numbers here.
    id: Number(row.id),
    type: row.type,
    title: row.title,
    server: row.server,
    login: row.login,
    sealedPassword: row.password,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The account's SIP connections, oldest first. */
export async function listSipConnections(
  db: Executor,
  accountId: string,
): Promise<StoredSipConnection[]> {
  const rows = await db
    .selectFrom('sip_connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/** One SIP connection of the account, or undefined. */
export async function findSipConnection(
  db: Executor,
  accountId: string,
  id: number,
): Promise<StoredSipConnection | undefined> {
  const row = await db
    .selectFrom('sip_connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && fromRow(row);
}

/** Stores a new connection and answers its id. */
export async function insertSipConnection(
  db: Executor,
  accountId: string,
  fields: SipConnectionFields,
  now: number,
): Promise<number> {
  const row = await db
    .insertInto('sip_connections')
    .values({
      account_id: accountId,
      type: fields.type,
      title: fields.title,
      server: fields.server,
      login: fields.login,
      password: fields.sealedPassword,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Replaces a connection's fields; false when the account has no such connection. */
export async function updateSipConnection(
  db: Executor,
  accountId: string,
  id: number,
  fields: SipConnectionFields,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sip_connections')
    .set({
      type: fields.type,
      title: fields.title,
      server: fields.server,
      login: fields.login,
      password: fields.sealedPassword,
      updated_at: now,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a connection; false when the account has no such connection. */
export async function deleteSipConnection(
  db: Executor,
  accountId: string,
  id: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sip_connections')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
