import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { partitionCallHistoryAhead } from '../telephony/partitions.js';
import type { Services } from './services.js';

const DAY_MS = 86_400_000;

/**
 * Partitions the call history ahead (PostgreSQL; store/partitions.ts): once before the
 * server listens, so this month's calls never land in the default partition for long, then
 * daily. Every server runs it; the store serialises them. A failure is logged, never thrown:
 * calls still have the default partition, and the next turn tries again.
 */
export async function scheduleCallPartitions(
  services: Services,
  log: FastifyBaseLogger,
  config: Pick<Config, 'callPartitionsAheadMonths'>,
): Promise<{ stop(): void }> {
  const run = async () => {
    try {
      const created = await partitionCallHistoryAhead(
        services.store.db,
        services.now(),
        config.callPartitionsAheadMonths,
      );
      if (created.length > 0) log.info({ created }, 'call history partitions created');
    } catch (error) {
      log.warn({ err: error }, 'creating call history partitions failed; tried again tomorrow');
    }
  };
  await run();
  const every = setInterval(() => void run(), DAY_MS);
  every.unref();
  return { stop: () => clearInterval(every) };
}
