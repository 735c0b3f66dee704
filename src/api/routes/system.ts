import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { RouteModule } from '../app.js';

export const systemRoutes: RouteModule = (app, services) => {
  app.get(
    '/healthz',
    {
      config: { access: { kind: 'public', reason: 'load balancers probe it without credentials' } },
      schema: {
        hide: true,
        response: {
          200: Type.Object({ status: Type.Literal('ok') }),
          503: Type.Object({ status: Type.Literal('unavailable') }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(services.store.db);
        return { status: 'ok' as const };
      } catch {
        return reply
          .status(503)
          .header('retry-after', '1')
          .send({ status: 'unavailable' as const });
      }
    },
  );
};
