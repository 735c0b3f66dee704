import { createHash } from 'node:crypto';
import { PostgresAdapter } from 'kysely';
import type { Executor } from './database.js';
import type { AuditRow } from './schema.js';

export const AUDIT_EVENT_TYPES = [
  'account.created',
  'account.changed',
  'directory.replaced',
  'roles.replaced',
  'assignments.replaced',
  'recordingsFolder.changed',
  'calls.imported',
  'role.created',
  'role.updated',
  'role.deleted',
  'recording.uploaded',
  'recording.played',
  'recording.downloaded',
  'recording.deleted',
  'recordings.expired',
  'legalHold.set',
  'legalHold.lifted',
  'outboundCall.refused',
  'outboundCall.emergency',
  'outboundCall.placed',
  'userSettings.changed',
  'settings.changed',
  'number.rented',
  'number.released',
  'number.connectionChanged',
  'number.accessChanged',
  'sipConnection.added',
  'sipConnection.changed',
  'sipConnection.deleted',
  'balance.toppedUp',
  'token.created',
  'token.revoked',
  'webhook.created',
  'webhook.revoked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Who made a change: a user of the account, the operator, or the system itself. */
export type Actor = `user:${string}` | 'operator' | 'system' | 'cli';

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly actor: Actor;
  readonly subject?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly detail?: unknown;
}

export interface AuditEntry extends Omit<AuditEvent, 'subject'> {
  readonly subject: string | null;
  readonly id: number;
  readonly at: string;
}

const json = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value);

/** The previous hash of an account's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers, as stored (before/after/detail are JSON text). */
export interface AuditHashInput {
  readonly account_id: string;
  readonly at: number;
  readonly actor: string;
  readonly type: string;
  readonly subject: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly detail: string | null;
}

/**
 * SHA-256 (hex) of an entry chained to the previous one. The serialisation is a JSON array
 * of strings, one number and nulls in a fixed order, so it is canonical. The id is left
 * out: the chain itself fixes the order, so a restore that renumbers rows in the same order
 * still verifies, and one that changes the order does not.
 */
export function auditHash(prevHash: string, entry: AuditHashInput): string {
  const fields = [
    'callgate-audit-v1',
    prevHash,
    entry.account_id,
    Number(entry.at),
    entry.actor,
    entry.type,
    entry.subject,
    entry.before,
    entry.after,
    entry.detail,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Appends to the account's audit log, chained to the account's latest entry. There is no
 * update or delete: the log only grows (and triggers refuse both in the database).
 *
 * Two appends to one account must not both chain to the same entry. Inside a transaction
 * the account's row is locked (PostgreSQL) until it commits, the same lock a policy bump
 * takes, so appends of one account queue while other accounts and foreign-key checks go on;
 * SQLite has one writer. Outside a transaction the append opens its own.
 */
export async function appendAudit(
  db: Executor,
  accountId: string,
  event: AuditEvent,
  now: number,
): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => appendAudit(trx, accountId, event, now));
    return;
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .forNoKeyUpdate()
      .execute();
  }
  const last = await db
    .selectFrom('audit_log')
    .select('hash')
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const entry: AuditHashInput = {
    account_id: accountId,
    at: now,
    actor: event.actor,
    type: event.type,
    subject: event.subject ?? null,
    before: json(event.before),
    after: json(event.after),
    detail: json(event.detail),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await db
    .insertInto('audit_log')
    .values({ ...entry, prev_hash: prevHash, hash: auditHash(prevHash, entry) })
    .execute();
}

/** Why an entry breaks the chain. */
export type AuditBreak = 'edited' | 'removed' | 'reordered';

export interface AuditVerification {
  readonly accountId: string;
  /** Entries read. */
  readonly entries: number;
  /** The latest entry's hash: record it elsewhere to detect a log cut short or rewritten whole. */
  readonly headHash: string;
  /** The first entry, in id order, that breaks the chain; absent when the log is intact. */
  readonly broken?: { readonly id: number; readonly reason: AuditBreak; readonly message: string };
}

const VERIFY_PAGE = 2000;

/**
 * Walks the account's log in id order and checks each entry against its own hash and
 * against the entry before it: an entry whose fields no longer give its hash was
 * `edited`; one whose previous hash is of no entry of the log follows a `removed` entry
 * (or one rewritten with a fresh hash); one whose previous hash is of an entry elsewhere
 * in the log was `reordered`. Entries cut from the end, or a log rewritten whole with
 * fresh hashes, leave no trace inside the log: compare `headHash` with a copy kept
 * outside the database.
 */
export async function verifyAudit(db: Executor, accountId: string): Promise<AuditVerification> {
  let expected = GENESIS_HASH;
  let entries = 0;
  let lastId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(VERIFY_PAGE)
      .execute();
    for (const row of rows) {
      entries += 1;
      const broken = await checkEntry(db, accountId, row, expected);
      if (broken !== undefined) return { accountId, entries, headHash: expected, broken };
      expected = row.hash!;
    }
    if (rows.length < VERIFY_PAGE) return { accountId, entries, headHash: expected };
    lastId = rows[rows.length - 1]!.id;
  }
}

async function checkEntry(
  db: Executor,
  accountId: string,
  row: AuditRow,
  expectedPrev: string,
): Promise<AuditVerification['broken']> {
  const { id } = row;
  if (row.hash === null || row.prev_hash === null)
    return {
      id,
      reason: 'edited',
      message: `entry ${id} has no hash: it was not appended by Callgate`,
    };
  if (row.prev_hash !== expectedPrev) {
    const elsewhere = await db
      .selectFrom('audit_log')
      .select('id')
      .where('account_id', '=', accountId)
      .where('hash', '=', row.prev_hash)
      .executeTakeFirst();
    return elsewhere === undefined
      ? {
          id,
          reason: 'removed',
          message: `entry ${id} follows an entry that is no longer in the log (removed, or rewritten with a new hash)`,
        }
      : {
          id,
          reason: 'reordered',
          message: `entry ${id} was appended after entry ${elsewhere.id}, not after the entry now before it`,
        };
  }
  if (auditHash(row.prev_hash, row) !== row.hash)
    return {
      id,
      reason: 'edited',
      message: `entry ${id} no longer matches its hash: it was edited`,
    };
  return undefined;
}

/** Every account that has audit entries, in id order. */
export async function auditedAccounts(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('account_id')
    .distinct()
    .orderBy('account_id')
    .execute();
  return rows.map((row) => row.account_id);
}

/** The account's audit entries, newest first. */
export async function listAudit(
  db: Executor,
  accountId: string,
  limit = 100,
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

export interface AuditQuery {
  readonly from?: number;
  readonly to?: number;
  readonly type?: string;
  readonly actor?: string;
  /** Entries older than this id (the cursor of the previous page). */
  readonly beforeId?: number;
  readonly limit: number;
}

/** A page of the account's audit log, newest first, filtered inside the query. */
export async function queryAudit(
  db: Executor,
  accountId: string,
  query: AuditQuery,
): Promise<AuditEntry[]> {
  let select = db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
  if (query.from !== undefined) select = select.where('at', '>=', query.from);
  if (query.to !== undefined) select = select.where('at', '<', query.to);
  if (query.type !== undefined) select = select.where('type', '=', query.type);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
  const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map(toEntry);
}

function toEntry(row: AuditRow): AuditEntry {
  const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor as Actor,
    type: row.type as AuditEventType,
    subject: row.subject,
    before: parse(row.before),
    after: parse(row.after),
    detail: parse(row.detail),
  };
}
