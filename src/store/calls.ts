import {
  type AliasedSelectQueryBuilder,
  type Insertable,
  type RawBuilder,
  type SelectQueryBuilder,
  PostgresAdapter,
  sql,
} from 'kysely';
import type { ScopeFilter } from '../engine/scope.js';
import { insertMany, selectByIds } from './batch.js';
import type { Executor } from './database.js';
import { monthBounds } from './partitions.js';
import type { CallDayTotalsTable, CallRow, Database } from './schema.js';

export const CALL_DIRECTIONS = ['inbound', 'outbound', 'callback', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];
/** API.md's statuses, and `placed`: an outbound call Callgate allowed and handed to the dialer. */
export const CALL_STATUSES = ['answered', 'missed', 'busy', 'failed', 'placed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** A call record (API.md), as the service keeps it. */
export interface CallRecord {
  readonly id: string;
  /** The responsible employee, or null for a call no employee took. */
  readonly userId: string | null;
  readonly direction: CallDirection;
  readonly phoneNumber: string;
  readonly lineNumber: string | null;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly status: CallStatus;
  readonly cost: number | null;
  readonly currency: string | null;
  readonly crm: { readonly type: string; readonly id: string } | null;
  readonly recordingRef: string | null;
}

const MICROS = 1_000_000;

/** A call record as its row (no `seq`): what the ingest writes, and what tests of older schemas write. */
export function toRow(accountId: string, call: CallRecord) {
  return {
    account_id: accountId,
    id: call.id,
    user_id: call.userId,
    direction: call.direction,
    phone_number: call.phoneNumber,
    line_number: call.lineNumber,
    started_at: Date.parse(call.startedAt),
    duration_sec: call.durationSec,
    status: call.status,
    cost_micros: call.cost === null ? null : Math.round(call.cost * MICROS),
    currency: call.currency,
    crm_type: call.crm?.type ?? null,
    crm_id: call.crm?.id ?? null,
    recording_ref: call.recordingRef,
  };
}

function fromRow(row: CallRow): CallRecord {
  return {
    id: row.id,
    userId: row.user_id,
    direction: row.direction as CallDirection,
    phoneNumber: row.phone_number,
    lineNumber: row.line_number,
    startedAt: new Date(row.started_at).toISOString(),
    durationSec: row.duration_sec,
    status: row.status as CallStatus,
    cost: row.cost_micros === null ? null : row.cost_micros / MICROS,
    currency: row.currency,
    crm:
      row.crm_type !== null && row.crm_id !== null ? { type: row.crm_type, id: row.crm_id } : null,
    recordingRef: row.recording_ref,
  };
}

/**
 * Stores calls, numbering them in the order given after the account's last number
 * (`seq`, Bitrix24's numeric ID). The numbers are taken with one conditional update of the
 * account row, so concurrent inserts never share one.
 */
export async function insertCalls(
  db: Executor,
  accountId: string,
  calls: readonly CallRecord[],
): Promise<void> {
  if (calls.length === 0) return;
  // The calls and their daily totals are written together or not at all.
  if (!db.isTransaction)
    return db.transaction().execute((trx) => insertCalls(trx, accountId, calls));
  const taken = await db
    .updateTable('accounts')
    .set((eb) => ({ call_seq: eb('call_seq', '+', calls.length) }))
    .where('id', '=', accountId)
    .returning('call_seq')
    .executeTakeFirst();
  const first = taken === undefined ? null : Number(taken.call_seq) - calls.length + 1;
  await insertMany(
    db,
    'calls',
    calls.map((call, i) => ({ ...toRow(accountId, call), seq: first === null ? null : first + i })),
  );
  await addDayTotals(db, accountId, calls);
}

/**
 * Holds the account's row until the transaction ends, so that one ingest at a time checks
 * its ids and stores its calls. On PostgreSQL `calls` is partitioned by month and its key
 * includes `started_at` (migration 2026-12-06-80): no index says an id is taken in another
 * month, so the check under this lock is what keeps ids one per account. A no-op update is
 * the row lock both dialects understand; {@link insertCalls} takes the same row.
 */
export async function lockAccountCalls(db: Executor, accountId: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ call_seq: eb.ref('call_seq') }))
    .where('id', '=', accountId)
    .execute();
}

/** Adds these calls to `call_day_totals`, one upsert per owner and UTC day among them. */
async function addDayTotals(
  db: Executor,
  accountId: string,
  calls: readonly CallRecord[],
): Promise<void> {
  const rows = new Map<string, Insertable<CallDayTotalsTable>>();
  for (const call of calls) {
    const day = Math.trunc(Date.parse(call.startedAt) / DAY_MS);
    const userKey = call.userId ?? '';
    const key = `${day} ${userKey}`;
    const row = rows.get(key) ?? {
      account_id: accountId,
      day,
      user_key: userKey,
      calls: 0,
      answered: 0,
      missed: 0,
      duration_sec: 0,
      cost_micros: 0,
    };
    row.calls += 1;
    if (call.status === 'answered') row.answered += 1;
    if (call.status === 'missed') row.missed += 1;
    row.duration_sec += call.durationSec;
    row.cost_micros += call.cost === null ? 0 : Math.round(call.cost * MICROS);
    rows.set(key, row);
  }
  const summed = (column: 'calls' | 'answered' | 'missed' | 'duration_sec' | 'cost_micros') =>
    sql<number>`call_day_totals.${sql.ref(column)} + excluded.${sql.ref(column)}`;
  for (let i = 0, all = [...rows.values()]; i < all.length; i += DAY_TOTALS_BATCH)
    await db
      .insertInto('call_day_totals')
      .values(all.slice(i, i + DAY_TOTALS_BATCH))
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'day', 'user_key']).doUpdateSet({
          calls: summed('calls'),
          answered: summed('answered'),
          missed: summed('missed'),
          duration_sec: summed('duration_sec'),
          cost_micros: summed('cost_micros'),
        }),
      )
      .execute();
}

/** Rows per upsert: 8 parameters each, within both databases' limits on parameters. */
const DAY_TOTALS_BATCH = 1_000;

/** Of these ids, the ones the account already has. */
export async function existingCallIds(
  db: Executor,
  accountId: string,
  ids: readonly string[],
): Promise<string[]> {
  const rows = await selectByIds(ids, (chunk) =>
    db
      .selectFrom('calls')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', chunk)
      .execute(),
  );
  return rows.map((row) => row.id);
}

export async function findCall(
  db: Executor,
  accountId: string,
  id: string,
): Promise<CallRecord | undefined> {
  const row = await db
    .selectFrom('calls')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && fromRow(row);
}

/** The owners of these calls (null for calls no employee took); ids not found are absent. */
export async function findCallOwners(
  db: Executor,
  accountId: string,
  ids: readonly string[],
): Promise<Map<string, string | null>> {
  const rows = await selectByIds(ids, (chunk) =>
    db
      .selectFrom('calls')
      .select(['id', 'user_id'])
      .where('account_id', '=', accountId)
      .where('id', 'in', chunk)
      .execute(),
  );
  return new Map(rows.map((row) => [row.id, row.user_id]));
}

/**
 * Narrows a query over `calls` to the owners a scope reaches, inside the SQL (STYLE rule
 * 3): an owner id, or a range of `department_reach`, never a list of ids loaded
 * into memory. A call no employee took is reached only at `any`.
 *
 * The department form is one `IN` over a subquery (the actor, and everyone placed in their
 * subtrees), not an `OR`: PostgreSQL can then plan it as a join that walks the owner index
 * per reached user, where an `OR` forces a filter over every call in the range.
 */
export function whereCallInScope<O>(
  db: Executor,
  query: SelectQueryBuilder<Database, 'calls', O>,
  accountId: string,
  scope: ScopeFilter,
): SelectQueryBuilder<Database, 'calls', O> {
  switch (scope.kind) {
    case 'any':
      return query;
    case 'none':
      return query.where(sql<boolean>`1 = 0`);
    case 'own':
      return query.where('calls.user_id', '=', scope.userId);
    case 'department':
      if (scope.departmentIds.length === 0) return query.where('calls.user_id', '=', scope.userId);
      return query.where((eb) =>
        eb(
          'calls.user_id',
          'in',
          departmentMembers(db, accountId, scope.departmentIds).unionAll(
            sql<{ user_id: string }>`select cast(${scope.userId} as text)`,
          ),
        ),
      );
  }
}

/**
 * Everyone placed (member or head) in a department of these subtrees: one covering-index
 * range of `department_reach` per department, written with the directory.
 */
export function departmentMembers(
  db: Executor,
  accountId: string,
  departmentIds: readonly string[],
) {
  return db
    .selectFrom('department_reach as r')
    .select('r.user_id')
    .where('r.account_id', '=', accountId)
    .where('r.department_id', 'in', departmentIds);
}

/**
 * The scope's actor or anyone placed in their departments' subtrees, as an `OR` over the
 * column naming a call's owner. Where a walk in some index's order is filtered (the
 * newest calls' window, the duration and cost orders, the daily totals), PostgreSQL hashes
 * the reached users once and tests each row as the walk passes it; the `in (… union all …)`
 * of {@link whereCallInScope} became a nested loop there, every row against every user.
 */
function ownerInDepartments(
  db: Executor,
  accountId: string,
  scope: DepartmentScope,
  owner: 'calls.user_id' | 'w.user_id' | 't.user_key',
) {
  const column = sql.ref(owner);
  const members = departmentMembers(db, accountId, scope.departmentIds);
  return sql<boolean>`(${column} = ${scope.userId} or ${column} in ${members})`;
}

function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The orders a call list pages in: a field, ascending, or with `-` descending. Each is
 * a keyset order (the field, then the id), so a cursor holds the last row's key.
 */
export const CALL_SORTS = [
  '-startedAt',
  'startedAt',
  '-durationSec',
  'durationSec',
  '-cost',
  'cost',
] as const;
export type CallSort = (typeof CALL_SORTS)[number];

/**
 * The key of each order. A call without a cost sorts below every cost (costs are never
 * negative), one expression in the order, the cursor and the index (calls_by_cost) alike,
 * because the databases disagree on where NULL sorts.
 */
const SORT_KEYS = {
  startedAt: sql<number>`calls.started_at`,
  durationSec: sql<number>`calls.duration_sec`,
  cost: sql<number>`coalesce(calls.cost_micros, -1)`,
} as const;

function sortOf(sort: CallSort): { key: RawBuilder<number>; direction: 'asc' | 'desc' } {
  const field = (sort.startsWith('-') ? sort.slice(1) : sort) as keyof typeof SORT_KEYS;
  return { key: SORT_KEYS[field], direction: sort.startsWith('-') ? 'desc' : 'asc' };
}

/** A row's value of the sort key, as the cursor keeps it. */
function sortValue(row: CallRow, sort: CallSort): number {
  if (sort.endsWith('durationSec')) return row.duration_sec;
  if (sort.endsWith('cost')) return row.cost_micros === null ? -1 : Number(row.cost_micros);
  return Number(row.started_at);
}

export interface CallListOptions {
  readonly from?: string;
  readonly to?: string;
  readonly userId?: string;
  readonly direction?: CallDirection;
  readonly status?: CallStatus;
  /** The start of the other party's number as stored (E.164, e.g. `+1415`). */
  readonly phonePrefix?: string;
  /** The order; newest first when absent. */
  readonly sort?: CallSort;
  /** Further conditions, all of which a call must meet (the Bitrix24 surface's FILTER). */
  readonly conditions?: readonly CallCondition[];
  readonly limit: number;
  readonly cursor?: string;
}

export interface CallPage {
  readonly items: CallRecord[];
  readonly nextCursor: string | null;
}

/**
 * How many of the newest calls (after the cursor) a department page looks through before it
 * turns to the owner index; see {@link listCalls}. A department with a twentieth of the
 * company fills a page well within it; a small one gives up after a millisecond or two.
 */
const RECENT_WINDOW = 2_000;

/**
 * A page of the calls a scope reaches, newest first, with a keyset cursor to the next.
 *
 * A department page is found in one of two ways, because neither is fast for every
 * department. First among the newest {@link RECENT_WINDOW} calls, walked in time order on
 * the `(account, started_at, id, user_id)` index and kept when their owner is in reach: a
 * large department fills a page within a few hundred calls and the walk stops there. When
 * the window holds less than a page (a small department, or the end of the list), the page
 * is taken per reached owner from the owner index and sorted: only ids until the page is
 * known, then the page's rows. On PostgreSQL a newest-first page is looked for month by
 * month ({@link newestBySpans}). Measured in bench/lists.ts and bench/scale.ts.
 */
export async function listCalls(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  options: CallListOptions,
): Promise<CallPage> {
  const wanted = options.limit + 1;
  const sort = options.sort ?? '-startedAt';
  let rows: CallRow[];
  if (sort !== '-startedAt') {
    // Other orders walk their own index (calls_by_duration, calls_by_cost) with the scope
    // as a filter: no window over the newest calls applies to them. With the department
    // scope as `in (… union all …)` a head reaching 1,874 users took 236 ms at 1M; as
    // ownerInDepartments' OR, 7 ms at 10M, most of it the hash built once per partition
    // (bench/README.md).
    const { key, direction } = sortOf(sort);
    const all = db.selectFrom('calls').selectAll('calls');
    const scoped =
      scope.kind === 'department' && scope.departmentIds.length > 0
        ? all.where(ownerInDepartments(db, accountId, scope, 'calls.user_id'))
        : whereCallInScope(db, all, accountId, scope);
    rows = await narrowPage(scoped, accountId, options)
      .orderBy(key, direction)
      .orderBy('calls.id', direction)
      .limit(wanted)
      .execute();
  } else if (isPostgres(db)) {
    rows = await newestBySpans(db, accountId, options, wanted, (span, need) =>
      newestPage(db, accountId, scope, span, need),
    );
  } else {
    rows = await newestPage(db, accountId, scope, options, wanted);
  }
  const items = rows.slice(0, options.limit).map(fromRow);
  const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
  return {
    items,
    nextCursor: last ? encodeCursor(sort, sortValue(last, sort), last.id) : null,
  };
}

/** The newest `wanted` calls the scope reaches in the options' window, after the cursor. */
async function newestPage(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  options: CallListOptions,
  wanted: number,
): Promise<CallRow[]> {
  if (scope.kind === 'department' && scope.departmentIds.length > 0 && !options.userId) {
    const rows = await recentDepartmentPage(db, accountId, scope, options, wanted);
    return rows.length < wanted ? ownerIndexPage(db, accountId, scope, options, wanted) : rows;
  }
  return narrowPage(
    whereCallInScope(db, db.selectFrom('calls').selectAll('calls'), accountId, scope),
    accountId,
    options,
  )
    .orderBy('calls.started_at', 'desc')
    .orderBy('calls.id', 'desc')
    .limit(wanted)
    .execute();
}

/**
 * A newest-first page on PostgreSQL, where `calls` is partitioned by month of `started_at`
 * (migration 2026-12-06-80), taken span by span. Over an open window the planner opens
 * every month's indexes, merges them, and plans all that afresh for each statement: with
 * thirteen months, planning was most of a department head's page (7.5 of 10 ms, against
 * 0.2 ms for one month). So `pageOf` is asked for the newest month that can hold the page
 * first (the month of the cursor, of the window's end, or of the account's newest call), then
 * for the month before it (a page often straddles the turn of a month), then the 2, 4, …
 * months before those, each span given as a window
 * of literal bounds that the planner prunes to its own partitions, until the page is full or
 * the account's first call is passed. A page of the newest calls of a busy account is one
 * partition's read.
 *
 * The account's first and last days are read from `call_day_totals` (one key probe each):
 * every call is added there in the transaction that stores it ({@link insertCalls}), and no
 * call is ever moved in time or deleted on its own, so no call lies outside those days.
 */
async function newestBySpans(
  db: Executor,
  accountId: string,
  options: CallListOptions,
  wanted: number,
  pageOf: (span: CallListOptions, wanted: number) => Promise<CallRow[]>,
): Promise<CallRow[]> {
  const days = await db
    .selectFrom('call_day_totals')
    .select([sql<number | null>`min(day)`.as('first'), sql<number | null>`max(day)`.as('last')])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  // No days: no calls, or calls stored around insertCalls; one open read answers either way.
  if (days?.first == null || days.last == null) return pageOf(options, wanted);
  let floor = days.first * DAY_MS;
  let end = (days.last + 1) * DAY_MS;
  if (options.from !== undefined) floor = Math.max(floor, Date.parse(options.from));
  if (options.to !== undefined) end = Math.min(end, Date.parse(options.to));
  if (options.cursor !== undefined) end = Math.min(end, decodeCursor(options.cursor)[0] + 1);
  const rows: CallRow[] = [];
  for (let step = 0; rows.length < wanted && end > floor; step++) {
    const months = step < 2 ? 1 : 2 ** (step - 1);
    const from = Math.max(floor, monthBounds(end - 1, 1 - months).from);
    const span = {
      ...options,
      from: new Date(from).toISOString(),
      to: new Date(end).toISOString(),
    };
    rows.push(...(await pageOf(span, wanted - rows.length)));
    end = from;
  }
  return rows;
}

/** The list's own filters and the cursor, on a query over `calls`. */
function narrowPage<O>(
  query: SelectQueryBuilder<Database, 'calls', O>,
  accountId: string,
  options: CallListOptions,
): SelectQueryBuilder<Database, 'calls', O> {
  let narrowed = query.where('calls.account_id', '=', accountId);
  if (options.from !== undefined)
    narrowed = narrowed.where('calls.started_at', '>=', Date.parse(options.from));
  if (options.to !== undefined)
    narrowed = narrowed.where('calls.started_at', '<', Date.parse(options.to));
  if (options.userId !== undefined) narrowed = narrowed.where('calls.user_id', '=', options.userId);
  if (options.direction !== undefined)
    narrowed = narrowed.where('calls.direction', '=', options.direction);
  if (options.status !== undefined) narrowed = narrowed.where('calls.status', '=', options.status);
  if (options.phonePrefix !== undefined) {
    const pattern = `${options.phonePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    narrowed = narrowed.where(sql<boolean>`calls.phone_number like ${pattern} escape '\\'`);
  }
  if (options.conditions !== undefined)
    narrowed = whereConditions(narrowed, accountId, options.conditions);
  const sort = options.sort ?? '-startedAt';
  if (options.cursor !== undefined && sort !== '-startedAt') {
    const [key, id] = decodeCursor(options.cursor, sort);
    const { key: column, direction } = sortOf(sort);
    const past = direction === 'asc' ? sql.raw('>') : sql.raw('<');
    narrowed = narrowed
      .where(sql<boolean>`${column} ${past}= ${key}`)
      .where(
        sql<boolean>`(${column} ${past} ${key} or (${column} = ${key} and calls.id ${past} ${id}))`,
      );
  } else if (options.cursor !== undefined) {
    const [startedAt, id] = decodeCursor(options.cursor, sort);
    narrowed = narrowed
      // Redundant with the OR below, but a bound both databases can seek the index to.
      .where('calls.started_at', '<=', startedAt)
      .where((eb) =>
        eb.or([
          eb('calls.started_at', '<', startedAt),
          eb.and([eb('calls.started_at', '=', startedAt), eb('calls.id', '<', id)]),
        ]),
      );
  }
  return narrowed;
}

type DepartmentScope = Extract<ScopeFilter, { kind: 'department' }>;

/**
 * The page among the newest calls: the window is read in index order and filtered as it
 * goes (an `OR` here on purpose: it stays a filter over the ordered walk, which stops once
 * the page is full). Fewer than `wanted` rows means the window did not hold the page.
 */
async function recentDepartmentPage(
  db: Executor,
  accountId: string,
  scope: DepartmentScope,
  options: CallListOptions,
  wanted: number,
): Promise<CallRow[]> {
  const window = narrowPage(
    db.selectFrom('calls').select(['calls.id', 'calls.user_id', 'calls.started_at']),
    accountId,
    options,
  )
    .orderBy('calls.started_at', 'desc')
    .orderBy('calls.id', 'desc')
    .limit(RECENT_WINDOW);
  // The page's ids first, then their rows: the join back is then for a page of rows, not
  // the window's, which on a partitioned table keeps it a probe per row of one partition's
  // key (a window's worth made PostgreSQL read the account's rows of every month instead).
  const page = db
    .selectFrom(window.as('w'))
    .select(['w.id', 'w.started_at'])
    .where(ownerInDepartments(db, accountId, scope, 'w.user_id'))
    .orderBy('w.started_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(wanted);
  return rowsOfPage(db, accountId, page, options);
}

/**
 * The page from the owner index, for a department whose calls are sparse among the newest.
 * Only ids are sorted until the page is known (the covering index answers without the
 * table), then the page's rows are read. SQLite walks the owner index per reached user on
 * its own. PostgreSQL would rather walk the time index and test each call against the
 * reached users, which is slow exactly when the window above found too few: so it is told
 * to take each reached user's newest calls (`LATERAL`, at most a page each) and merge them.
 */
async function ownerIndexPage(
  db: Executor,
  accountId: string,
  scope: DepartmentScope,
  options: CallListOptions,
  wanted: number,
): Promise<CallRow[]> {
  let ids;
  if (isPostgres(db)) {
    const reached = departmentMembers(db, accountId, scope.departmentIds).union(
      sql<{ user_id: string }>`select cast(${scope.userId} as text)`,
    );
    const newestOfOwner = narrowPage(
      db
        .selectFrom('calls')
        .select(['calls.id', 'calls.started_at'])
        .where('calls.user_id', '=', sql.ref<string>('r.user_id')),
      accountId,
      options,
    )
      .orderBy('calls.started_at', 'desc')
      .orderBy('calls.id', 'desc')
      .limit(wanted);
    ids = db
      .selectFrom(reached.as('r'))
      .innerJoinLateral(newestOfOwner.as('k'), (join) => join.onTrue())
      .select(['k.id', 'k.started_at'])
      .orderBy('k.started_at', 'desc')
      .orderBy('k.id', 'desc')
      .limit(wanted);
  } else {
    ids = narrowPage(
      whereCallInScope(
        db,
        db.selectFrom('calls').select(['calls.id', 'calls.started_at']),
        accountId,
        scope,
      ),
      accountId,
      options,
    )
      .orderBy('calls.started_at', 'desc')
      .orderBy('calls.id', 'desc')
      .limit(wanted);
  }
  return rowsOfPage(db, accountId, ids, options);
}

/**
 * The rows of a page whose ids and times `ids` selects, newest first. The join is on the
 * whole key and under the list's time bounds again: on PostgreSQL (`calls` partitioned by
 * month of `started_at`, migration 2026-12-06-80) the bounds let the planner read only the
 * window's partitions, and the join on `started_at` lets each id probe one partition's key
 * instead of every partition's.
 */
async function rowsOfPage(
  db: Executor,
  accountId: string,
  ids: { as(alias: 'p'): AliasedSelectQueryBuilder<{ id: string; started_at: number }, 'p'> },
  options: CallListOptions,
): Promise<CallRow[]> {
  let query = db
    .selectFrom(ids.as('p'))
    .innerJoin('calls', (join) =>
      join
        .on('calls.account_id', '=', accountId)
        .onRef('calls.id', '=', 'p.id')
        .onRef('calls.started_at', '=', 'p.started_at'),
    )
    .selectAll('calls');
  if (options.from !== undefined)
    query = query.where('calls.started_at', '>=', Date.parse(options.from));
  if (options.to !== undefined)
    query = query.where('calls.started_at', '<', Date.parse(options.to));
  if (options.cursor !== undefined)
    query = query.where('calls.started_at', '<=', decodeCursor(options.cursor)[0]);
  return query.orderBy('calls.started_at', 'desc').orderBy('calls.id', 'desc').execute();
}

/** A field of a call that a condition or an order can name. */
export const CALL_FIELDS = [
  'seq',
  'id',
  'userId',
  'userNumber',
  'phoneNumber',
  'lineNumber',
  'direction',
  'durationSec',
  'startedAt',
  'status',
  'cost',
  'currency',
  'crmType',
  'crmId',
] as const;
export type CallField = (typeof CALL_FIELDS)[number];

/**
 * One condition on a call field. `=` and `!=` take one value or several (in, not in);
 * `between` and `notBetween` two, both ends included; `contains` and `notContains` one
 * substring, compared without regard to ASCII case on both dialects. `startedAt` values are
 * ISO 8601 instants, `cost` values amounts.
 */
export interface CallCondition {
  readonly field: CallField;
  readonly op:
    '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'notContains' | 'between' | 'notBetween';
  readonly values: readonly (string | number)[];
}

/** The column of a field; `userNumber` is answered through `user_numbers`. */
const COLUMNS = {
  seq: 'calls.seq',
  id: 'calls.id',
  userId: 'calls.user_id',
  userNumber: 'calls.user_id',
  phoneNumber: 'calls.phone_number',
  lineNumber: 'calls.line_number',
  direction: 'calls.direction',
  durationSec: 'calls.duration_sec',
  startedAt: 'calls.started_at',
  status: 'calls.status',
  cost: 'calls.cost_micros',
  currency: 'calls.currency',
  crmType: 'calls.crm_type',
  crmId: 'calls.crm_id',
} as const satisfies Record<CallField, `calls.${keyof CallRow}`>;

/** A condition's value as the column holds it. */
function stored(field: CallField, value: string | number): string | number {
  if (field === 'startedAt') return typeof value === 'number' ? value : Date.parse(value);
  if (field === 'cost') return Math.round(Number(value) * MICROS);
  return value;
}

/**
 * Narrows a query over `calls` by conditions, inside the SQL (STYLE rule 3). A user number
 * is matched through `user_numbers` in a subquery, so its comparisons are the numbers'.
 */
export function whereConditions<O>(
  query: SelectQueryBuilder<Database, 'calls', O>,
  accountId: string,
  conditions: readonly CallCondition[],
): SelectQueryBuilder<Database, 'calls', O> {
  let narrowed = query;
  for (const { field, op, values } of conditions) {
    const column = sql.ref(COLUMNS[field]);
    const held = values.map((value) => stored(field, value));
    const compare = (target: RawBuilder<unknown>) => {
      const [first, second] = held;
      switch (op) {
        case '=':
          return held.length === 1
            ? sql<boolean>`${target} = ${first}`
            : sql<boolean>`${target} in (${sql.join(held)})`;
        case '!=':
          return held.length === 1
            ? sql<boolean>`${target} <> ${first}`
            : sql<boolean>`${target} not in (${sql.join(held)})`;
        case '<':
        case '<=':
        case '>':
        case '>=':
          return sql<boolean>`${target} ${sql.raw(op)} ${first}`;
        case 'between':
          return sql<boolean>`${target} between ${first} and ${second}`;
        case 'notBetween':
          return sql<boolean>`${target} not between ${first} and ${second}`;
        case 'contains':
        case 'notContains': {
          const pattern = `%${String(first)
            .toLowerCase()
            .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          const not = op === 'notContains' ? sql.raw('not ') : sql.raw('');
          return sql<boolean>`lower(${target}) ${not}like ${pattern} escape '\\'`;
        }
      }
    };
    if (held.length === 0 || (op.endsWith('etween') && held.length !== 2)) {
      narrowed = narrowed.where(sql<boolean>`1 = 0`);
    } else if (field === 'userNumber') {
      narrowed = narrowed.where(
        sql<boolean>`calls.user_id in (select n.user_id from ${sql.table('user_numbers')} n
          where n.account_id = ${accountId} and ${compare(sql.ref('n.number'))})`,
      );
    } else {
      narrowed = narrowed.where(compare(column));
    }
  }
  return narrowed;
}

/** A call with its numbers: its own (`seq`) and its owner's (SPEC §12). */
export interface NumberedCall extends CallRecord {
  readonly seq: number | null;
  readonly userNumber: number | null;
}

export interface CallQuery {
  readonly conditions: readonly CallCondition[];
  readonly orderBy: { readonly field: CallField; readonly direction: 'asc' | 'desc' };
  readonly offset: number;
  readonly limit: number;
  /** Whether to count every call that meets the conditions (a second query). */
  readonly count: boolean;
}

/**
 * A page of the calls a scope reaches that meet the conditions, in any field's order and
 * from any offset (the Bitrix24 surface's lists), and how many there are in all when asked.
 * Scope and conditions are both in the SQL; ties are broken by `seq`.
 */
export async function queryCalls(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  query: CallQuery,
): Promise<{ items: NumberedCall[]; total: number | null }> {
  const matching = whereConditions(
    whereCallInScope(db, db.selectFrom('calls'), accountId, scope).where(
      'calls.account_id',
      '=',
      accountId,
    ),
    accountId,
    query.conditions,
  );
  const direction = query.orderBy.direction;
  const rows = await matching
    .leftJoin('user_numbers as un', (join) =>
      join
        .onRef('un.account_id', '=', 'calls.account_id')
        .onRef('un.user_id', '=', 'calls.user_id'),
    )
    .selectAll('calls')
    .select('un.number as user_number')
    .orderBy(sql.ref(COLUMNS[query.orderBy.field]), direction)
    .orderBy('calls.seq', direction)
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  let total: number | null = null;
  if (query.count) {
    const counted = await matching
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirst();
    total = Number(counted?.n ?? 0);
  }
  return {
    items: rows.map((row) => ({
      ...fromRow(row),
      seq: row.seq === null ? null : Number(row.seq),
      userNumber: row.user_number === null ? null : Number(row.user_number),
    })),
    total,
  };
}

/**
 * The newest-first cursor is `[startedAt, id]`, as before there were other orders; any
 * other order's is `[sort, key, id]`, so a cursor is never read under another order.
 */
function encodeCursor(sort: CallSort, key: number, id: string): string {
  const value = sort === '-startedAt' ? [key, id] : [sort, key, id];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Reads a cursor this module wrote for this order; anything else is refused rather than guessed at. */
export function decodeCursor(cursor: string, sort: CallSort = '-startedAt'): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const parts: unknown[] = Array.isArray(value) ? value : [];
    const [key, id] = sort === '-startedAt' ? parts : parts[0] === sort ? parts.slice(1) : [];
    if (
      parts.length === (sort === '-startedAt' ? 2 : 3) &&
      Number.isSafeInteger(key) &&
      typeof id === 'string'
    ) {
      return [key as number, id];
    }
  } catch {
    // fall through to the refusal below
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this service gave out');
  }
}

export const STATS_GROUPS = ['user', 'day'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

export interface CallTotals {
  readonly count: number;
  readonly answered: number;
  readonly missed: number;
  readonly totalDurationSec: number;
  readonly averageDurationSec: number;
  readonly totalCost: number;
}

export interface CallStats {
  readonly totals: CallTotals;
  /** Per user (key: user id, or null for calls no employee took) or per UTC day (key: YYYY-MM-DD). */
  readonly groups: (CallTotals & { readonly key: string | null })[];
  /** Per user as well, when asked (`alsoByUser`). */
  readonly byUser?: (CallTotals & { readonly key: string | null })[];
}

const DAY_MS = 86_400_000;

/** The sums of a group of calls, as the database adds them: cost in micro-units, exact. */
interface Sums {
  count: number;
  answered: number;
  missed: number;
  duration: number;
  costMicros: number;
}

const NO_SUMS: Sums = { count: 0, answered: 0, missed: 0, duration: 0, costMicros: 0 };

/** A group's key as SQL answers it: a day number, a user id, '' or null for no owner. */
type RawKey = string | number | null;

export interface CallStatsOptions {
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: StatsGroup;
  /** Also the groups per user, from the same read (the statistics page's two charts). */
  readonly alsoByUser?: boolean;
  /**
   * `calls` adds up every call, never the daily totals: the plain aggregate the tests hold
   * the fast path to.
   */
  readonly source?: 'calls';
}

/**
 * Totals over the calls a scope reaches, computed in SQL with the same filter as the list,
 * so no aggregate can count a call the actor may not see (SPEC §7). The whole UTC days of
 * the window are read from `call_day_totals` (a row per owner and day, written with the
 * calls); only the partial days at its edges, if any, are added up from the calls.
 *
 * @example await callStats(db, 'acme', { kind: 'own', userId: 'u1' }, { groupBy: 'day' })
 */
export async function callStats(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  options: CallStatsOptions,
): Promise<CallStats> {
  // One read per breakdown asked for: grouping by day and owner at once would answer a row
  // per person and day (60,000 for a month of the large demo) where 31 and 2,000 will do.
  const first: GroupKey = options.groupBy ?? null;
  const [rows, userRows] = await Promise.all([
    sumCalls(db, accountId, scope, options, first),
    options.alsoByUser === true && first !== 'user'
      ? sumCalls(db, accountId, scope, options, 'user')
      : null,
  ]);
  const totals = { ...NO_SUMS };
  const groups = new Map<RawKey, Sums>();
  for (const row of rows) {
    add(totals, row.sums);
    const key = first === 'user' && row.key === null ? '' : row.key;
    const sum = groups.get(key);
    if (sum === undefined) groups.set(key, { ...row.sums });
    else add(sum, row.sums);
  }
  const present = (key: GroupKey, sums: Map<RawKey, Sums>) =>
    [...sums]
      .map(([raw, sum]) => ({ key: presentKey(key, raw), ...presentSums(sum) }))
      // Per user, calls no employee took first (as SQL orders null); per day, by date.
      .sort((a, b) =>
        a.key === b.key ? 0 : a.key === null ? -1 : b.key === null ? 1 : a.key < b.key ? -1 : 1,
      );
  const byUser = (): Map<RawKey, Sums> => {
    const users = new Map<RawKey, Sums>();
    for (const row of userRows ?? rows) {
      const key = row.key === null ? '' : row.key;
      const sum = users.get(key);
      if (sum === undefined) users.set(key, { ...row.sums });
      else add(sum, row.sums);
    }
    return users;
  };
  return {
    totals: presentSums(totals),
    groups: first === null ? [] : present(first, groups),
    ...(options.alsoByUser === true && { byUser: present('user', byUser()) }),
  };
}

type GroupKey = StatsGroup | null;

/** A group's key as the API answers it: YYYY-MM-DD per day; a user id, or null, per user. */
function presentKey(key: GroupKey, raw: RawKey): string | null {
  if (key === 'day') return new Date(Number(raw) * DAY_MS).toISOString().slice(0, 10);
  return raw === null || raw === '' ? null : String(raw);
}

function add(sum: Sums, sums: Sums): void {
  sum.count += sums.count;
  sum.answered += sums.answered;
  sum.missed += sums.missed;
  sum.duration += sums.duration;
  sum.costMicros += sums.costMicros;
}

function presentSums(sums: Sums): CallTotals {
  return {
    count: sums.count,
    answered: sums.answered,
    missed: sums.missed,
    totalDurationSec: sums.duration,
    averageDurationSec: average(sums.duration, sums.count),
    totalCost: sums.costMicros / MICROS,
  };
}

interface SumRow {
  readonly key: RawKey;
  readonly sums: Sums;
}

/**
 * The sums over the window, per day and/or owner as asked: whole UTC days from the daily
 * totals, the partial days at the window's edges from the calls.
 */
async function sumCalls(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  options: CallStatsOptions,
  key: GroupKey,
): Promise<SumRow[]> {
  const from = options.from === undefined ? null : Date.parse(options.from);
  const to = options.to === undefined ? null : Date.parse(options.to);
  if (options.source === 'calls') return sumFromCalls(db, accountId, scope, { from, to }, key);
  // The whole days [firstDay, endDay): the window's own days, rounded inward.
  const firstDay = from === null ? null : Math.ceil(from / DAY_MS);
  const endDay = to === null ? null : Math.floor(to / DAY_MS);
  if (firstDay !== null && endDay !== null && firstDay >= endDay)
    return sumFromCalls(db, accountId, scope, { from, to }, key);
  const parts = [sumFromDays(db, accountId, scope, firstDay, endDay, key)];
  if (from !== null && from < firstDay! * DAY_MS)
    parts.push(sumFromCalls(db, accountId, scope, { from, to: firstDay! * DAY_MS }, key));
  if (to !== null && endDay! * DAY_MS < to)
    parts.push(sumFromCalls(db, accountId, scope, { from: endDay! * DAY_MS, to }, key));
  return (await Promise.all(parts)).flat();
}

async function sumFromDays(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  firstDay: number | null,
  endDay: number | null,
  key: GroupKey,
): Promise<SumRow[]> {
  let query = db
    .selectFrom('call_day_totals as t')
    .where('t.account_id', '=', accountId)
    .select([
      (key === 'day'
        ? sql<RawKey>`t.day`
        : key === 'user'
          ? sql<RawKey>`t.user_key`
          : sql<null>`null`
      ).as('key'),
      sql<number | string>`sum(t.calls)`.as('count'),
      sql<number | string>`sum(t.answered)`.as('answered'),
      sql<number | string>`sum(t.missed)`.as('missed'),
      sql<number | string>`sum(t.duration_sec)`.as('duration'),
      sql<number | string>`sum(t.cost_micros)`.as('cost'),
    ]);
  switch (scope.kind) {
    case 'any':
      break;
    case 'none':
      return [];
    case 'own':
      query = query.where('t.user_key', '=', scope.userId);
      break;
    case 'department':
      query =
        scope.departmentIds.length === 0
          ? query.where('t.user_key', '=', scope.userId)
          : query.where(ownerInDepartments(db, accountId, scope, 't.user_key'));
  }
  if (firstDay !== null) query = query.where('t.day', '>=', firstDay);
  if (endDay !== null) query = query.where('t.day', '<', endDay);
  if (key !== null) query = query.groupBy(key === 'day' ? 't.day' : 't.user_key');
  const rows = await query.execute();
  // No row matched: SQL's sums over nothing are one row of nulls, with nothing counted.
  return rows
    .filter((row) => row.count !== null && Number(row.count) > 0)
    .map((row) => ({ key: row.key, sums: sumsOf(row) }));
}

async function sumFromCalls(
  db: Executor,
  accountId: string,
  scope: ScopeFilter,
  window: { readonly from: number | null; readonly to: number | null },
  key: GroupKey,
): Promise<SumRow[]> {
  const group =
    key === 'day'
      ? sql<RawKey>`calls.started_at / ${sql.lit(DAY_MS)}`
      : key === 'user'
        ? sql<RawKey>`calls.user_id`
        : null;
  let query = whereCallInScope(db, db.selectFrom('calls'), accountId, scope)
    .where('calls.account_id', '=', accountId)
    .select([
      (group ?? sql<null>`null`).as('key'),
      sql<number | string>`count(*)`.as('count'),
      sql<number | string | null>`sum(case when calls.status = 'answered' then 1 else 0 end)`.as(
        'answered',
      ),
      sql<number | string | null>`sum(case when calls.status = 'missed' then 1 else 0 end)`.as(
        'missed',
      ),
      sql<number | string>`coalesce(sum(calls.duration_sec), 0)`.as('duration'),
      sql<number | string>`coalesce(sum(calls.cost_micros), 0)`.as('cost'),
    ]);
  if (group !== null) query = query.groupBy(group);
  if (window.from !== null) query = query.where('calls.started_at', '>=', window.from);
  if (window.to !== null) query = query.where('calls.started_at', '<', window.to);
  const rows = await query.execute();
  return rows
    .filter((row) => Number(row.count) > 0)
    .map((row) => ({ key: row.key, sums: sumsOf(row) }));
}

/** PostgreSQL answers sums of bigint as numeric (text), SQLite as numbers: Number() both. */
function sumsOf(row: {
  count: number | string | null;
  answered: number | string | null;
  missed: number | string | null;
  duration: number | string | null;
  cost: number | string | null;
}): Sums {
  return {
    count: Number(row.count ?? 0),
    answered: Number(row.answered ?? 0),
    missed: Number(row.missed ?? 0),
    duration: Number(row.duration ?? 0),
    costMicros: Number(row.cost ?? 0),
  };
}

function average(duration: number, count: number): number {
  return count === 0 ? 0 : Math.round((duration / count) * 10) / 10;
}
