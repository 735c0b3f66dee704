import { Type } from '@sinclair/typebox';
import { isLive, readiness } from '../../telephony/health.js';
import type { RouteModule } from '../app.js';

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
      (await isLive(services.store))
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
      const { ready, reason } = await readiness(services.store);
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
