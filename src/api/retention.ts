import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { RecordingStorage } from '../telephony/recording-storage.js';
import { type RetentionSweepResult, sweepExpiredRecordings } from '../telephony/retention.js';
import type { Services } from './services.js';

/**
 * Runs the retention sweep once and records it in the metrics; a failure is logged and
 * counted, never thrown (the next run tries again).
 */
export async function runRetentionSweep(
  services: Services,
  storage: RecordingStorage,
  log: FastifyBaseLogger,
): Promise<RetentionSweepResult | undefined> {
  const { metrics } = services;
  try {
    const result = await sweepExpiredRecordings(services.store.db, storage, {
      now: services.now(),
    });
    const deleted = result.accounts.reduce((sum, a) => sum + a.deleted.length, 0);
    const held = result.accounts.reduce((sum, a) => sum + a.held.length, 0);
    metrics.sweepRuns.inc({ outcome: 'ok' });
    metrics.sweepDeleted.inc(deleted);
    metrics.sweepHeld.inc(held);
    if (deleted > 0 || held > 0) log.info({ deleted, held }, 'retention sweep');
    return result;
  } catch (error) {
    metrics.sweepRuns.inc({ outcome: 'failed' });
    log.warn({ err: error }, 'retention sweep failed; it runs again at its next turn');
    return undefined;
  } finally {
    metrics.sweepLastRun.set(Date.now() / 1000);
  }
}

/**
 * The server's schedule: a first sweep a minute after start (not during a rolling
 * restart's busiest moment), then every `retentionSweepIntervalSeconds`. Every server of
 * a deployment may run it: concurrent sweeps delete each recording once.
 */
export function scheduleRetentionSweep(
  services: Services,
  storage: RecordingStorage,
  log: FastifyBaseLogger,
  config: Pick<Config, 'retentionSweepIntervalSeconds'>,
): { stop(): void } {
  const interval = config.retentionSweepIntervalSeconds * 1000;
  if (interval === 0) return { stop: () => undefined };
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => runRetentionSweep(services, storage, log));
  };
  const first = setTimeout(run, Math.min(60_000, interval));
  const every = setInterval(run, interval);
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
