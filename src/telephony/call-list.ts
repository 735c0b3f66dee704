import type { Policy } from '../engine/policy.js';
import { CallgateError } from '../errors.js';
import {
  type CallCondition,
  type CallField,
  type CallListOptions,
  type CallPage,
  type CallQuery,
  type CallRecord,
  InvalidCursorError,
  type NumberedCall,
  listCalls,
  queryCalls,
} from '../store/calls.js';
import type { Executor } from '../store/database.js';
import { visibleCallScope } from './call-visibility.js';
import { checkRecordingAccess } from './recordings/access.js';
import { issueRecordingUrl } from './recordings/signed-urls.js';
import type { Secrets } from './secrets.js';

/** Whose eyes a call list is seen through. */
export interface CallViewer {
  readonly accountId: string;
  /** The acting user. */
  readonly userId: string;
  /** The account's compiled policy, current for this request. */
  readonly policy: Policy;
  /**
   * Another user whose list the actor wants to see as they would (account administrators
   * checking what someone sees; see `resolveViewer`).
   */
  readonly viewAs?: string;
}

/** A page newest first with a keyset cursor (the REST API), or any order from an offset (Bitrix24). */
export type CallListRequest =
  ({ readonly kind: 'page' } & CallListOptions) | ({ readonly kind: 'query' } & CallQuery);

export type { CallCondition, CallField };

/**
 * The use case "list the calls this person may see" (SPEC §4, §7), whatever surface asks:
 * only calls whose owner the viewer's callStats.view scope reaches, filtered inside the SQL
 * (STYLE rule 3), so no page, count or total can hold a call out of scope.
 *
 * @example listVisibleCalls(db, { accountId, userId: 'mia', policy }, { kind: 'page', limit: 50 })
 */
export async function listVisibleCalls(
  db: Executor,
  viewer: CallViewer,
  request: CallListRequest & { kind: 'page' },
): Promise<CallPage>;
export async function listVisibleCalls(
  db: Executor,
  viewer: CallViewer,
  request: CallListRequest & { kind: 'query' },
): Promise<{ items: NumberedCall[]; total: number | null }>;
export async function listVisibleCalls(
  db: Executor,
  viewer: CallViewer,
  request: CallListRequest,
): Promise<CallPage | { items: NumberedCall[]; total: number | null }> {
  const scope = visibleCallScope(viewer);
  if (request.kind === 'query') return queryCalls(db, viewer.accountId, scope, request);
  try {
    return await listCalls(db, viewer.accountId, scope, request);
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new CallgateError('invalid_request', error.message, {
        fields: [{ path: 'querystring.cursor', message: error.message }],
      });
    throw error;
  }
}

const CSV_COLUMNS = [
  'id',
  'startedAt',
  'userId',
  'direction',
  'phoneNumber',
  'lineNumber',
  'durationSec',
  'status',
  'cost',
  'currency',
  'crmType',
  'crmId',
  'hasRecording',
] as const;

/**
 * One CSV cell (RFC 4180). A text a spreadsheet would run as a formula gets a leading `'`;
 * a phone number (`+` then digits) is left as it is, since a spreadsheet only reads it as
 * a number and a quote would spoil it for every other reader.
 */
function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  const formula = /^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-]?[0-9.]+$/.test(text));
  const safe = formula ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(call: CallRecord): string {
  return [
    call.id,
    call.startedAt,
    call.userId,
    call.direction,
    call.phoneNumber,
    call.lineNumber,
    call.durationSec,
    call.status,
    call.cost,
    call.currency,
    call.crm?.type ?? null,
    call.crm?.id ?? null,
    call.recordingRef !== null,
  ]
    .map(csvCell)
    .join(',');
}

/**
 * The call list as CSV lines (a header, then a line per call, each ending in CRLF),
 * reading one page at a time through `readPage` (a page of {@link listVisibleCalls} after
 * a cursor), so an export of a million calls never holds more than a page.
 */
export async function* visibleCallsCsv(
  readPage: (cursor: string | null) => Promise<CallPage>,
): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let cursor: string | null = null;
  do {
    const page: CallPage = await readPage(cursor);
    if (page.items.length > 0) yield page.items.map((call) => `${csvLine(call)}\r\n`).join('');
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/**
 * Signed recording URLs (SPEC §7) for the listed calls whose recording the viewer may play
 * right now: recording.listen reaches the owner and the "Recorded calls" folder lets them
 * read. Calls without a recording, or out of reach, get none.
 */
export async function recordingUrlsFor(
  db: Executor,
  secrets: Secrets,
  viewer: {
    readonly accountId: string;
    readonly userId: string;
    readonly appId: string | null;
    readonly policy: Policy;
  },
  calls: readonly CallRecord[],
  options: { readonly ttlSeconds: number; readonly now: number },
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const call of calls) {
    if (call.recordingRef === null) continue;
    if (
      checkRecordingAccess(viewer.policy, viewer.userId, call.userId, 'recording.listen').kind !==
      'allowed'
    )
      continue;
    const { url } = await issueRecordingUrl(db, secrets, {
      ...viewer,
      callId: call.id,
      download: false,
      ttlSeconds: options.ttlSeconds,
      now: options.now,
    });
    urls.set(call.id, url);
  }
  return urls;
}
