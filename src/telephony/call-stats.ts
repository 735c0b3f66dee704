import { type CallStats, STATS_GROUPS, callStats } from '../store/calls.js';
import type { Executor } from '../store/database.js';
import type { CallViewer } from './call-list.js';
import { visibleCallScope } from './call-visibility.js';

/** What statistics may be grouped by, for the surfaces' schemas. */
export { STATS_GROUPS };

/**
 * The use case "call statistics of the calls this person may see" (API.md
 * `GET /calls/stats`, SPEC §4): totals and groups over exactly the calls the viewer's list
 * holds, counted inside the SQL.
 *
 * @example await visibleCallStats(db, { accountId, userId: 'mia', policy }, { groupBy: 'user' })
 */
export function visibleCallStats(
  db: Executor,
  viewer: CallViewer,
  options: Parameters<typeof callStats>[3],
): Promise<CallStats> {
  return callStats(db, viewer.accountId, visibleCallScope(viewer), options);
}
