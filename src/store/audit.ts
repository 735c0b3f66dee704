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
  'legalHold.set',
  'legalHold.lifted',
  'outboundCall.refused',
  'outboundCall.placed',
  'userSettings.changed',
  'settings.changed',
  'number.rented',
  'number.released',
  'number.connectionChanged',
  'balance.toppedUp',
  'token.created',
  'token.revoked',
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

/** Appends to the account's audit log. There is no update or delete: the log only grows. */
export async function appendAudit(
  db: Executor,
  accountId: string,
  event: AuditEvent,
  now: number,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      account_id: accountId,
      at: now,
      actor: event.actor,
      type: event.type,
      subject: event.subject ?? null,
      before: json(event.before),
      after: json(event.after),
      detail: json(event.detail),
    })
    .execute();
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
