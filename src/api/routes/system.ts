import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { migrationStatus } from '../../store/database.js';
import type { RouteModule } from '../app.js';
import type { Services } from '../services.js';

/** Liveness: the process answers and the database does. */
export async function isLive(services: Services): Promise<boolean> {
  try {
    await sql`select 1`.execute(services.store.db);
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
export async function readiness(services: Services): Promise<{ ready: boolean; reason?: string }> {
  try {
    const { known, applied } = await migrationStatus(services.store);
    const pending = known.filter((name) => !applied.includes(name));
    return pending.length === 0
      ? { ready: true }
      : { ready: false, reason: `migrations pending: ${pending.join(', ')}` };
  } catch {
    return { ready: false, reason: 'the database is unreachable' };
  }
}

const Status = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  reason: Type.Optional(Type.String()),
});

export const systemRoutes: RouteModule = (app, services) => {
  app.get(
    '/healthz',
    {
      config: { access: { kind: 'public', reason: 'load balancers probe it without credentials' } },
      schema: { hide: true, response: { 200: Status, 503: Status } },
    },
    async (_request, reply) =>
      (await isLive(services))
        ? { status: 'ok' as const }
        : reply
            .status(503)
            .header('retry-after', '1')
            .send({ status: 'unavailable' as const }),
  );

  app.get(
    '/readyz',
    {
      config: {
        access: { kind: 'public', reason: 'load balancers ask it whether to send traffic' },
      },
      schema: { hide: true, response: { 200: Status, 503: Status } },
    },
    async (_request, reply) => {
      const { ready, reason } = await readiness(services);
      return ready
        ? { status: 'ok' as const }
        : reply
            .status(503)
            .header('retry-after', '1')
            .send({ status: 'unavailable' as const, ...(reason !== undefined && { reason }) });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: { kind: 'metrics' } },
      schema: { hide: true },
    },
    async (_request, reply) =>
      reply
        .type(services.metrics.registry.contentType)
        .send(await services.metrics.registry.metrics()),
  );
};
