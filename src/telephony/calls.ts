import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Id } from '../directory/schema.js';
import { isAccountAdministrator } from '../engine/effective.js';
import { type CountryCode, normalizePhoneNumber } from '../engine/phone-number.js';
import type { Policy } from '../engine/policy.js';
import { isIsoInstant } from '../engine/roles.js';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import {
  CALL_DIRECTIONS,
  CALL_SORTS,
  CALL_STATUSES,
  type CallRecord,
  existingCallIds,
  insertCalls,
  lockAccountCalls,
} from '../store/calls.js';
import type { Executor } from '../store/database.js';
import { loadDirectory } from '../store/directory.js';
import { requireAccount } from './accounts.js';
import { CsvError, parseCsv } from './csv.js';

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/** A call record as it arrives (API.md "Call record"). */
export const CallRecordSchema = Type.Object(
  {
    id: Type.Optional(Id),
    userId: Type.Optional(Type.Union([Id, Type.Null()])),
    direction: literals(CALL_DIRECTIONS),
    phoneNumber: Type.String({ minLength: 1, maxLength: 40 }),
    lineNumber: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()]),
    ),
    startedAt: Type.String({ maxLength: 40, description: 'ISO 8601 date-time with a zone' }),
    durationSec: Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 }),
    status: literals(CALL_STATUSES),
    cost: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1e9 }), Type.Null()])),
    currency: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z]{3}$' }), Type.Null()])),
    crm: Type.Optional(
      Type.Union([
        Type.Object(
          { type: Type.String({ pattern: '^[a-z]{1,32}$' }), id: Id },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type CallRecordInput = Static<typeof CallRecordSchema>;

const checkCall = TypeCompiler.Compile(CallRecordSchema);

/** The CSV columns, in the order `calls export` would write them; the header names them. */
export const CSV_COLUMNS = [
  'id',
  'userId',
  'direction',
  'phoneNumber',
  'lineNumber',
  'startedAt',
  'durationSec',
  'status',
  'cost',
  'currency',
  'crmType',
  'crmId',
] as const;

/**
 * Reads call records from JSON (an array, or `{"items": [...]}`) or CSV with a header
 * row. Returns raw records with where each came from; {@link importCalls} checks them.
 */
export function readCallFile(
  text: string,
  format: 'json' | 'csv',
): { where: string; record: unknown }[] {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CallgateError('invalid_request', `not JSON: ${(error as Error).message}`);
    }
    const items: unknown = Array.isArray(value)
      ? value
      : (value as { items?: unknown } | null)?.items;
    if (!Array.isArray(items))
      throw new CallgateError(
        'invalid_request',
        'expected an array of call records or {"items": [...]}',
      );
    return (items as unknown[]).map((record, i) => ({ where: `[${i}]`, record }));
  }
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new CallgateError('invalid_request', error.message);
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const issues = new IssueList();
  header.cells.forEach((name, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(name))
      issues.add(
        `line 1, column ${i + 1}`,
        `unknown column ${JSON.stringify(name)}; columns are ${CSV_COLUMNS.join(', ')}`,
      );
  });
  issues.throwIfAny();
  return body.map(({ line, cells }) => {
    const where = `line ${line}`;
    if (cells.length !== header.cells.length) {
      return {
        where,
        record: new CsvError(
          line,
          `${cells.length} cells where the header has ${header.cells.length}`,
        ),
      };
    }
    const cell = (name: (typeof CSV_COLUMNS)[number]): string | undefined => {
      const i = header.cells.indexOf(name);
      return i < 0 || cells[i] === '' ? undefined : cells[i];
    };
    const number = (name: 'durationSec' | 'cost'): number | string | undefined => {
      const text = cell(name);
      return text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    };
    const crmType = cell('crmType');
    const crmId = cell('crmId');
    const record: Record<string, unknown> = {
      id: cell('id'),
      userId: cell('userId') ?? null,
      direction: cell('direction'),
      phoneNumber: cell('phoneNumber'),
      lineNumber: cell('lineNumber'),
      startedAt: cell('startedAt'),
      durationSec: number('durationSec'),
      status: cell('status'),
      cost: number('cost'),
      currency: cell('currency'),
      crm: crmType !== undefined || crmId !== undefined ? { type: crmType, id: crmId } : undefined,
    };
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
    return { where, record };
  });
}

/**
 * Checks call records and stores them all, or none: every failing record is named with
 * why (a bad field, an unknown user, an id already taken). Run inside a transaction.
 */
export async function importCalls(
  db: Executor,
  accountId: string,
  items: readonly { where: string; record: unknown }[],
  actor: Actor,
  now = Date.now(),
): Promise<{ imported: number; ids: string[] }> {
  const account = await requireAccount(db, accountId);
  const directory = await loadDirectory(db, accountId);
  const users = new Set(directory.users.map((u) => u.id));
  const issues = new IssueList();
  const calls: CallRecord[] = [];
  const seen = new Map<string, string>();
  for (const { where, record } of items) {
    const call = checkCallRecord(record, where, account.defaultCountry, users, issues);
    if (!call) continue;
    const earlier = seen.get(call.id);
    if (earlier !== undefined)
      issues.add(`${where}.id`, `call id ${call.id} also appears at ${earlier}`);
    seen.set(call.id, where);
    calls.push(call);
    if (issues.issues.length >= 100) break;
  }
  issues.throwIfAny();
  await lockAccountCalls(db, accountId);
  const taken = await existingCallIds(
    db,
    accountId,
    calls.map((c) => c.id),
  );
  if (taken.length > 0) {
    throw new CallgateError(
      'conflict',
      `calls already recorded: ${taken.slice(0, 10).join(', ')}${taken.length > 10 ? ' …' : ''}`,
      { ids: taken },
    );
  }
  await insertCalls(db, accountId, calls);
  await appendAudit(
    db,
    accountId,
    { type: 'calls.imported', actor, detail: { count: calls.length } },
    now,
  );
  return { imported: calls.length, ids: calls.map((c) => c.id) };
}

function checkCallRecord(
  record: unknown,
  where: string,
  country: CountryCode,
  users: ReadonlySet<string>,
  issues: IssueList,
): CallRecord | undefined {
  if (record instanceof CsvError) {
    issues.add(where, record.message.replace(/^line \d+: /, ''));
    return undefined;
  }
  if (!checkCall.Check(record)) {
    for (const error of checkCall.Errors(record)) {
      issues.add(`${where}${error.path.replaceAll('/', '.')}`, error.message);
      break;
    }
    return undefined;
  }
  const input = record;
  let ok = true;
  if (!isIsoInstant(input.startedAt)) {
    issues.add(`${where}.startedAt`, 'must be an ISO 8601 date-time with a zone');
    ok = false;
  }
  const userId = input.userId ?? null;
  if (userId !== null && !users.has(userId)) {
    issues.add(`${where}.userId`, `no user "${userId}" in the directory`);
    ok = false;
  }
  if (!ok) return undefined;
  const phone = (text: string): string => normalizePhoneNumber(text, country) ?? text.trim();
  return {
    id: input.id ?? randomUUID(),
    userId,
    direction: input.direction,
    phoneNumber: phone(input.phoneNumber),
    lineNumber: input.lineNumber == null ? null : phone(input.lineNumber),
    startedAt: new Date(input.startedAt).toISOString(),
    durationSec: input.durationSec,
    status: input.status,
    cost: input.cost ?? null,
    currency: input.currency ?? null,
    crm: input.crm ?? null,
    recordingRef: null,
  };
}

/**
 * Whose eyes a call list or its statistics are seen through: the asker's own, or with
 * `viewAs` another user's. Seeing as someone else must never show more than the asker's
 * own `callStats.view` scope, so only account administrators may (their scope is `any`, so
 * the other user's scope is always within it). Holding `telephonySettings.modify` = `any`
 * is not enough: a role can give that to a user whose own scope is `own`.
 *
 * @example resolveViewer(policy, 'u0', 'u4') // 'u4'; resolveViewer(policy, 'u7', 'u0') throws permission_denied
 */
export function resolveViewer(policy: Policy, askerId: string, viewAs: string | undefined): string {
  if (viewAs === undefined || viewAs === askerId) return askerId;
  if (!isAccountAdministrator(policy, askerId)) {
    throw new CallgateError(
      'permission_denied',
      "only account administrators may see calls as another user: it would show calls outside the asker's own callStats.view scope",
    );
  }
  if (!policy.users.has(viewAs)) throw new CallgateError('not_found', `user ${viewAs} not found`);
  return viewAs;
}

/** The directions, statuses and list orders a call may have, for the surfaces' schemas. */
export { CALL_DIRECTIONS, CALL_SORTS, CALL_STATUSES };

/**
 * Refuses a `from`/`to` that is not an ISO 8601 date-time with a zone, naming the field as
 * a query parameter: the range of a call list or its statistics.
 */
export function checkTimeRange(query: { readonly from?: string; readonly to?: string }): void {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isIsoInstant(value)) {
      throw new CallgateError(
        'invalid_request',
        `${field} must be an ISO 8601 date-time with a zone`,
        {
          fields: [
            { path: `querystring.${field}`, message: 'must be an ISO 8601 date-time with a zone' },
          ],
        },
      );
    }
  }
}
