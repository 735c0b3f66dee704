import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { CallgateError } from '../../errors.js';
import { requireAccount } from '../../telephony/accounts.js';
import {
  WEBHOOK_SCOPES,
  createWebhook,
  listWebhooks,
  revokeWebhook,
} from '../../telephony/webhooks.js';
import { operatorOnly, signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { IdParam, errors } from '../schemas.js';

const Scopes = Type.Array(Type.Union(WEBHOOK_SCOPES.map((scope) => Type.Literal(scope))), {
  minItems: 1,
  maxItems: WEBHOOK_SCOPES.length,
});

const CreatedWebhook = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'ends in /rest/<userNumber>/<secret>/; shown once' }),
  userNumber: Type.Integer(),
  scopes: Type.Array(Type.String()),
});

const WebhookSummary = Type.Object({
  id: Type.String(),
  userNumber: Type.Integer(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
});

/** The service's own address as the client reached it, for the webhook URL. */
const baseUrl = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/**
 * Incoming webhooks for the Bitrix24-compatible REST API (SPEC §12, API.md): a user's own,
 * and the operator's for any user of an account.
 */
export const webhookRoutes: RouteModule = (app, services) => {
  const { db } = services.store;

  app.get(
    '/api/v1/me/webhooks',
    {
      config: signedIn('telephony', 'a user sees their own webhooks, never their secrets'),
      schema: {
        tags: ['me'],
        response: { 200: Type.Object({ items: Type.Array(WebhookSummary) }), ...errors(401) },
      },
    },
    async (request) => {
      const { identity } = userOf(request);
      return { items: await listWebhooks(db, identity.accountId, identity.userId) };
    },
  );

  app.post(
    '/api/v1/me/webhooks',
    {
      config: signedIn(
        'telephony',
        'a user may create webhooks acting as themselves; their permissions still decide each call',
      ),
      schema: {
        tags: ['me'],
        body: Type.Object({ scopes: Scopes }, { additionalProperties: false }),
        response: { 201: CreatedWebhook, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      // A webhook is the user's own secret: an application acting for them may not mint one.
      if (identity.appId !== null)
        throw new CallgateError(
          'permission_denied',
          'an application cannot create webhooks; the user does, signed in as themselves',
        );
      const created = await db
        .transaction()
        .execute((trx) =>
          createWebhook(
            trx,
            identity.accountId,
            { userId: identity.userId, scopes: request.body.scopes },
            `user:${identity.userId}`,
            services.now(),
          ),
        );
      return reply.status(201).send({
        id: created.id,
        url: `${baseUrl(request)}${created.path}`,
        userNumber: created.userNumber,
        scopes: created.scopes,
      });
    },
  );

  app.delete(
    '/api/v1/me/webhooks/:id',
    {
      config: signedIn('telephony', 'a user may revoke their own webhooks, and only those'),
      schema: {
        tags: ['me'],
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{12}$' }) }),
        response: { ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      await db
        .transaction()
        .execute((trx) =>
          revokeWebhook(
            trx,
            identity.accountId,
            request.params.id,
            `user:${identity.userId}`,
            services.now(),
            identity.userId,
          ),
        );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/accounts/:accountId/webhooks',
    {
      config: operatorOnly,
      schema: {
        tags: ['operator'],
        params: Type.Object({ accountId: IdParam }),
        body: Type.Object({ userId: IdParam, scopes: Scopes }, { additionalProperties: false }),
        response: { 201: CreatedWebhook, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const created = await db.transaction().execute(async (trx) => {
        await requireAccount(trx, accountId);
        return createWebhook(trx, accountId, request.body, 'operator', services.now());
      });
      return reply.status(201).send({
        id: created.id,
        url: `${baseUrl(request)}${created.path}`,
        userNumber: created.userNumber,
        scopes: created.scopes,
      });
    },
  );
};
