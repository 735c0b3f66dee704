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
