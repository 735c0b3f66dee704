import type { Executor } from './database.js';
import type { ExternalCallsTable, ExternalLinesTable } from './schema.js';

/** A call an application registered (`telephony.externalcall.register`). */
export interface ExternalCall {
  readonly callId: string;
  /** The application that registered it (`app:<id>`, `webhook:<id>`, `user:<id>`). */
  readonly appKey: string;
  readonly userId: string;
  /** Bitrix24's TYPE, 1–5. */
  readonly type: number;
  readonly phoneNumber: string;
  readonly lineNumber: string | null;
  readonly externalCallId: string | null;
  readonly crm: { readonly type: string; readonly id: string } | null;
  readonly startedAt: number;
  readonly registeredAt: number;
  readonly shown: boolean;
  readonly finishedAt: number | null;
  readonly vote: number | null;
  readonly failedReason: string | null;
}

const callFromRow = (row: ExternalCallsTable): ExternalCall => ({
  callId: row.call_id,
  appKey: row.app_key,
  userId: row.user_id,
  type: Number(row.type),
  phoneNumber: row.phone_number,
  lineNumber: row.line_number,
  externalCallId: row.external_call_id,
  crm: row.crm_type !== null && row.crm_id !== null ? { type: row.crm_type, id: row.crm_id } : null,
  startedAt: Number(row.started_at),
  registeredAt: Number(row.registered_at),
  shown: Number(row.shown) === 1,
  finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  vote: row.vote === null ? null : Number(row.vote),
  failedReason: row.failed_reason,
});

export async function insertExternalCall(
  db: Executor,
  accountId: string,
  call: ExternalCall,
): Promise<void> {
  await db
    .insertInto('external_calls')
    .values({
      account_id: accountId,
      call_id: call.callId,
      app_key: call.appKey,
      user_id: call.userId,
      type: call.type,
      phone_number: call.phoneNumber,
      line_number: call.lineNumber,
      external_call_id: call.externalCallId,
      crm_type: call.crm?.type ?? null,
      crm_id: call.crm?.id ?? null,
      started_at: call.startedAt,
      registered_at: call.registeredAt,
      shown: call.shown ? 1 : 0,
      finished_at: call.finishedAt,
      vote: call.vote,
      failed_reason: call.failedReason,
    })
    .execute();
}

/**
 * The call this application registered under this id; undefined for an id that is
 * another application's, so that the two cannot be told apart.
 */
export async function findExternalCall(
  db: Executor,
  accountId: string,
  appKey: string,
  callId: string,
): Promise<ExternalCall | undefined> {
  const row = await db
    .selectFrom('external_calls')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('call_id', '=', callId)
    .executeTakeFirst();
  return row && callFromRow(row);
}

/**
 * A registration of this application to answer again (Bitrix24 returns the existing
 * CALL_ID when the same call is registered twice within `since`): same user, number,
 * type, line and external id, not finished.
 */
export async function findRecentExternalCall(
  db: Executor,
  accountId: string,
  appKey: string,
  match: {
    readonly userId: string;
    readonly type: number;
    readonly phoneNumber: string;
    readonly lineNumber: string | null;
    readonly externalCallId: string | null;
  },
  since: number,
): Promise<ExternalCall | undefined> {
  const row = await db
    .selectFrom('external_calls')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('registered_at', '>=', since)
    .where('user_id', '=', match.userId)
    .where('type', '=', match.type)
    .where('phone_number', '=', match.phoneNumber)
    .where('finished_at', 'is', null)
    .where((eb) =>
      match.lineNumber === null
        ? eb('line_number', 'is', null)
        : eb('line_number', '=', match.lineNumber),
    )
    .where((eb) =>
      match.externalCallId === null
        ? eb('external_call_id', 'is', null)
        : eb('external_call_id', '=', match.externalCallId),
    )
    .orderBy('registered_at', 'desc')
    .executeTakeFirst();
  return row && callFromRow(row);
}

/**
 * Marks a registration finished, once: false when it already was (or is not this app's).
 * The conditional update is the lock: of two finishes of one call, one changes the row.
 */
export async function markExternalCallFinished(
  db: Executor,
  accountId: string,
  appKey: string,
  callId: string,
  finish: { readonly at: number; readonly vote: number | null; readonly failedReason: string },
): Promise<boolean> {
  const result = await db
    .updateTable('external_calls')
    .set({ finished_at: finish.at, vote: finish.vote, failed_reason: finish.failedReason })
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('call_id', '=', callId)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records whether the call's card is shown; false when the call is not this app's. */
export async function setExternalCallShown(
  db: Executor,
  accountId: string,
  appKey: string,
  callId: string,
  shown: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('external_calls')
    .set({ shown: shown ? 1 : 0 })
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('call_id', '=', callId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A call record's number (Bitrix24's statistic ID); 0 for a call recorded before numbering. */
export async function callSeq(db: Executor, accountId: string, callId: string): Promise<number> {
  const row = await db
    .selectFrom('calls')
    .select('seq')
    .where('account_id', '=', accountId)
    .where('id', '=', callId)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

// ——— Lines ———————————————————————————————————————————————————————————————————————————

/** An application's own line (`telephony.externalLine.*`). */
export interface ExternalLine {
  readonly id: number;
  readonly number: string;
  readonly name: string;
  readonly crmAutoCreate: boolean;
}

const lineFromRow = (row: ExternalLinesTable): ExternalLine => ({
  id: Number(row.id),
  number: row.number,
  name: row.name,
  crmAutoCreate: Number(row.crm_auto_create) === 1,
});

/** This application's lines, in the order they were added. */
export async function listExternalLines(
  db: Executor,
  accountId: string,
  appKey: string,
): Promise<ExternalLine[]> {
  const rows = await db
    .selectFrom('external_lines')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .orderBy('id')
    .execute();
  return rows.map(lineFromRow);
}

export async function findExternalLine(
  db: Executor,
  accountId: string,
  appKey: string,
  number: string,
): Promise<ExternalLine | undefined> {
  const row = await db
    .selectFrom('external_lines')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('number', '=', number)
    .executeTakeFirst();
  return row && lineFromRow(row);
}

/**
 * Adds a line under the account's next line id. Two adds at once may pick the same id: the
 * unique index refuses the second, whose transaction then rolls back (the caller retries).
 */
export async function insertExternalLine(
  db: Executor,
  accountId: string,
  appKey: string,
  line: Omit<ExternalLine, 'id'>,
  now: number,
): Promise<ExternalLine> {
  const last = await db
    .selectFrom('external_lines')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const id = Number(last?.id ?? 0) + 1;
  await db
    .insertInto('external_lines')
    .values({
      account_id: accountId,
      app_key: appKey,
      number: line.number,
      id,
      name: line.name,
      crm_auto_create: line.crmAutoCreate ? 1 : 0,
      created_at: now,
    })
    .execute();
  return { id, ...line };
}

export async function updateExternalLine(
  db: Executor,
  accountId: string,
  appKey: string,
  number: string,
  change: { readonly name?: string; readonly crmAutoCreate?: boolean },
): Promise<void> {
  if (change.name === undefined && change.crmAutoCreate === undefined) return;
  await db
    .updateTable('external_lines')
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.crmAutoCreate !== undefined && { crm_auto_create: change.crmAutoCreate ? 1 : 0 }),
    })
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('number', '=', number)
    .execute();
}

/** Deletes this application's line; false when it has none with that number. */
export async function deleteExternalLine(
  db: Executor,
  accountId: string,
  appKey: string,
  number: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('external_lines')
    .where('account_id', '=', accountId)
    .where('app_key', '=', appKey)
    .where('number', '=', number)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
