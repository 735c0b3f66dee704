import { sql } from 'kysely';
import { type Store, migrationStatus } from '../store/database.js';

/** Liveness: the process answers and the database does. */
export async function isLive(store: Store): Promise<boolean> {
  try {
    await sql`select 1`.execute(store.db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Readiness: the database answers and every migration this build knows is applied. A
 * server whose schema is behind (another server's newer build migrated it, or a restore is
 * half way) must not take traffic, though it is alive.
 */
export async function readiness(store: Store): Promise<{ ready: boolean; reason?: string }> {
  try {
    const { known, applied } = await migrationStatus(store);
    const pending = known.filter((name) => !applied.includes(name));
    return pending.length === 0
      ? { ready: true }
      : { ready: false, reason: `migrations pending: ${pending.join(', ')}` };
  } catch {
    return { ready: false, reason: 'the database is unreachable' };
  }
}
