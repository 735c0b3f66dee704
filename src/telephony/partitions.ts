import type { Executor } from '../store/database.js';
import { ensureCallPartitions } from '../store/partitions.js';

/**
 * Keeps the call history partitioned ahead (PostgreSQL; store/partitions.ts): this month's
 * partition and `ahead` more, and calls the default partition caught moved to their month.
 * Every server may run it at once; the store serialises them. Returns the partitions made.
 */
export function partitionCallHistoryAhead(
  db: Executor,
  now: number,
  ahead: number,
): Promise<string[]> {
  return ensureCallPartitions(db, { now, ahead });
}
