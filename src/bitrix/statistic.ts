import type { CallCondition, CallField } from '../telephony/call-list.js';
import { listVisibleCalls, recordingUrlsFor } from '../telephony/call-list.js';
import { badArgument } from './errors.js';
import type { MethodAnswer, MethodContext } from './methods.js';
import { scalarText, upperKeys, valuesOf } from './params.js';

/** Bitrix24 lists come 50 at a time. */
export const PAGE_SIZE = 50;

type Direction = 'inbound' | 'outbound' | 'callback' | 'internal';
type Status = 'answered' | 'missed' | 'busy' | 'failed' | 'placed';

/**
 * Bitrix24's CALL_TYPE for Callgate's directions: 1 outbound, 2 inbound, 3 inbound with
 * redirect, 4 callback, 5 info call. Callgate has no redirect or info calls; an internal call
 * (an employee dialling an extension) is an outbound call of the employee who placed it.
 */
const CALL_TYPE = {
  outbound: 1,
  inbound: 2,
  callback: 4,
  internal: 1,
} as const satisfies Record<Direction, number>;

/** Bitrix24's CALL_FAILED_CODE for Callgate's statuses (200 success, 304 missed, 486 busy). */
const FAILED_CODE = {
  answered: '200',
  missed: '304',
  busy: '486',
  failed: 'OTHER',
  placed: 'OTHER',
} as const satisfies Record<Status, string>;

interface FieldSpec {
  readonly field: CallField;
  readonly kind: 'integer' | 'number' | 'text' | 'instant';
  /** A Bitrix24 value as the Callgate values it stands for (CALL_TYPE, CALL_FAILED_CODE). */
  readonly translate?: (value: string) => string[];
  readonly sortable: boolean;
}

const byValue =
  <K extends string>(table: Record<K, string | number>) =>
  (value: string) =>
    (Object.keys(table) as K[]).filter((key) => String(table[key]) === value.toUpperCase());

/** The fields of voximplant.statistic.get that a FILTER or SORT may name. */
const FIELDS: Readonly<Record<string, FieldSpec>> = {
  ID: { field: 'seq', kind: 'integer', sortable: true },
  CALL_ID: { field: 'id', kind: 'text', sortable: true },
  PORTAL_USER_ID: { field: 'userNumber', kind: 'integer', sortable: false },
  PORTAL_NUMBER: { field: 'lineNumber', kind: 'text', sortable: true },
  PHONE_NUMBER: { field: 'phoneNumber', kind: 'text', sortable: true },
  CALL_TYPE: { field: 'direction', kind: 'text', translate: byValue(CALL_TYPE), sortable: false },
  CALL_DURATION: { field: 'durationSec', kind: 'integer', sortable: true },
  CALL_START_DATE: { field: 'startedAt', kind: 'instant', sortable: true },
  CALL_FAILED_CODE: {
    field: 'status',
    kind: 'text',
    translate: byValue(FAILED_CODE),
    sortable: true,
  },
  COST: { field: 'cost', kind: 'number', sortable: true },
  COST_CURRENCY: { field: 'currency', kind: 'text', sortable: true },
  CRM_ENTITY_TYPE: {
    field: 'crmType',
    kind: 'text',
    translate: (value) => [value.toLowerCase()],
    sortable: true,
  },
  CRM_ENTITY_ID: { field: 'crmId', kind: 'text', sortable: true },
};

/** FILTER key prefixes, longest first so `>=` is not read as `>`. */
const OPERATORS = [
  ['!><', 'notBetween'],
  ['><', 'between'],
  ['>=', '>='],
  ['<=', '<='],
  ['!=', '!='],
  ['!%', 'notContains'],
  ['>', '>'],
  ['<', '<'],
  ['!', '!='],
  ['%', 'contains'],
  ['=', '='],
  ['', '='],
] as const satisfies readonly (readonly [string, CallCondition['op']])[];

function valueOf(spec: FieldSpec, name: string, raw: unknown): string | number {
  const text = scalarText(raw);
  if (text === undefined) throw badArgument(`FILTER ${name}: a value must be text or a number`);
  switch (spec.kind) {
    case 'integer': {
      if (!/^-?\d{1,15}$/.test(text.trim()))
        throw badArgument(`FILTER ${name}: ${JSON.stringify(text)} is not an integer`);
      return Number(text);
    }
    case 'number': {
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number) || Math.abs(number) > 1e12)
        throw badArgument(`FILTER ${name}: ${JSON.stringify(text)} is not a number`);
      return number;
    }
    case 'instant': {
      const at = Date.parse(text);
      if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}/.test(text))
        throw badArgument(`FILTER ${name}: ${JSON.stringify(text)} is not an ISO 8601 date`);
      return at;
    }
    case 'text':
      return text;
  }
}

/** FILTER as conditions on calls, answered inside the SQL. Unknown fields are refused. */
export function readFilter(filter: unknown): CallCondition[] {
  if (
    filter !== undefined &&
    filter !== null &&
    filter !== '' &&
    (typeof filter !== 'object' || Array.isArray(filter))
  )
    throw badArgument('FILTER must be an object of field conditions');
  const conditions: CallCondition[] = [];
  for (const [key, raw] of upperKeys(filter)) {
    const [prefix, op] = OPERATORS.find(([prefix]) => key.startsWith(prefix))!;
    const name = key.slice(prefix.length);
    const spec = FIELDS[name];
    if (spec === undefined)
      throw badArgument(`FILTER: unknown field ${JSON.stringify(name.slice(0, 64))}`);
    const list = valuesOf(raw);
    if (list.length > 100) throw badArgument(`FILTER ${name}: at most 100 values`);
    const ranged = op === 'between' || op === 'notBetween';
    if (ranged && list.length !== 2)
      throw badArgument(`FILTER ${key}: give two values, from and to`);
    if (!ranged && op !== '=' && op !== '!=' && list.length !== 1)
      throw badArgument(`FILTER ${key}: give one value`);
    if ((op === 'contains' || op === 'notContains') && spec.kind !== 'text')
      throw badArgument(`FILTER ${key}: % applies to text fields`);
    let values: (string | number)[] = list.map((item) => valueOf(spec, name, item));
    if (spec.translate !== undefined) {
      if (op !== '=' && op !== '!=')
        throw badArgument(`FILTER ${key}: only = and ! apply to ${name}`);
      values = values.flatMap((value) => spec.translate!(String(value)));
      // "Not any of these" over values that stand for nothing leaves every call.
      if (values.length === 0 && op === '!=') continue;
    }
    conditions.push({ field: spec.field, op, values });
  }
  return conditions;
}

/** SORT and ORDER (`SORT: 'ID', ORDER: 'DESC'`, or `order: {ID: 'ASC'}` as list helpers send). */
export function readOrder(
  sort: unknown,
  order: unknown,
): { field: CallField; direction: 'asc' | 'desc' } {
  let name = scalarText(sort)?.toUpperCase();
  let direction = scalarText(order)?.toLowerCase();
  const entries = upperKeys(order);
  if (entries.length > 0) {
    const [key, value] = entries[0]!;
    name = key;
    direction = scalarText(value)?.toLowerCase();
  }
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    throw badArgument('ORDER is ASC or DESC');
  if (name === undefined || name === '') return { field: 'seq', direction: direction ?? 'asc' };
  const spec = FIELDS[name];
  if (spec === undefined || !spec.sortable)
    throw badArgument(`SORT: ${JSON.stringify(name.slice(0, 64))} cannot be sorted by`);
  return { field: spec.field, direction: direction ?? 'asc' };
}

/** `start`: the offset of the page; a negative one (the list helpers send -1) asks for no total. */
export function readStart(start: unknown): { offset: number; count: boolean } {
  const text = scalarText(start);
  const value = text === undefined ? 0 : Number.parseInt(text, 10);
  if (!Number.isFinite(value)) return { offset: 0, count: true };
  if (value < 0) return { offset: 0, count: false };
  return { offset: Math.min(value, 2 ** 31 - 1), count: true };
}

const isoSeconds = (iso: string): string => iso.replace(/\.\d{3}Z$/, '+00:00');

/**
 * voximplant.statistic.get: the calls the caller's callStats.view reaches (SPEC §12), 50 at a
 * time, through the same use case as `GET /api/v1/calls`; a recording link only where the
 * caller may play it, as a signed URL.
 */
export async function getStatistic(context: MethodContext): Promise<MethodAnswer> {
  const { db, caller, params } = context;
  const conditions = readFilter(params.filter);
  const orderBy = readOrder(params.sort, params.order);
  const { offset, count } = readStart(params.start);
  const viewer = {
    accountId: caller.accountId,
    userId: caller.userId,
    policy: caller.state.policy,
  };
  const { items, total } = await context.read((reader) =>
    listVisibleCalls(reader, viewer, {
      kind: 'query',
      conditions,
      orderBy,
      offset,
      limit: PAGE_SIZE,
      count,
    }),
  );
  const urls = await recordingUrlsFor(
    db,
    context.secrets,
    { ...viewer, appId: caller.appId },
    items,
    { ttlSeconds: context.signedUrlTtlSeconds, now: context.now },
  );
  const result = items.map((call) => ({
    ID: call.seq === null ? null : String(call.seq),
    CALL_ID: call.id,
    PORTAL_USER_ID: call.userNumber === null ? null : String(call.userNumber),
    PORTAL_NUMBER: call.lineNumber ?? '',
    PHONE_NUMBER: call.phoneNumber,
    CALL_CATEGORY: 'external',
    CALL_DURATION: String(call.durationSec),
    CALL_START_DATE: isoSeconds(call.startedAt),
    CALL_RECORD_URL: urls.has(call.id) ? `${context.baseUrl}${urls.get(call.id)!}` : null,
    CALL_VOTE: null,
    COST: (call.cost ?? 0).toFixed(4),
    COST_CURRENCY: call.currency ?? '',
    CALL_FAILED_CODE: FAILED_CODE[call.status],
    CALL_FAILED_REASON: '',
    CRM_ENTITY_TYPE: call.crm === null ? '' : call.crm.type.toUpperCase(),
    CRM_ENTITY_ID: call.crm === null ? '' : call.crm.id,
    CRM_ACTIVITY_ID: null,
    REST_APP_ID: null,
    REST_APP_NAME: null,
    TRANSCRIPT_ID: null,
    TRANSCRIPT_PENDING: 'N',
    SESSION_ID: null,
    REDIAL_ATTEMPT: null,
    COMMENT: null,
    RECORD_DURATION: null,
    RECORD_FILE_ID: null,
    CALL_TYPE: String(CALL_TYPE[call.direction]),
  }));
  if (total === null) return { result };
  return {
    result,
    total,
    ...(offset + PAGE_SIZE < total && { next: offset + PAGE_SIZE }),
  };
}
