import { Type } from '@sinclair/typebox';
import {
  LEDGER_KINDS,
  BALANCE_CURRENCY,
  MAX_TOP_UP,
  describeBalance,
  topUpBalance,
} from '../../telephony/balance.js';
import { needs } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { errors } from '../schemas.js';

const LedgerEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  amount: Type.Number(),
  currency: Type.String(),
  kind: Type.Union(LEDGER_KINDS.map((kind) => Type.Literal(kind))),
  description: Type.String(),
});

/**
 * The telephony balance and its ledger (balance.manage). Amounts are decimals in the
 * answers and integer micro-units in the database.
 */
export const balanceRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['balance'];
  const access = needs('telephony', 'balance.manage');

  app.get(
    '/api/v1/balance',
    {
      config: access,
      schema: {
        tags,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            balance: Type.Number(),
            currency: Type.String(),
            ledger: Type.Array(LedgerEntrySchema),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => describeBalance(db, userOf(request).identity.accountId, request.query.limit),
  );

  app.post(
    '/api/v1/balance/top-ups',
    {
      config: access,
      schema: {
        tags,
        description: `Credit the balance: above 0, at most ${MAX_TOP_UP}, in cents.`,
        body: Type.Object(
          {
            amount: Type.Number({ exclusiveMinimum: 0, maximum: MAX_TOP_UP }),
            currency: Type.Optional(Type.Literal(BALANCE_CURRENCY)),
          },
          { additionalProperties: false },
        ),
        response: { 201: LedgerEntrySchema, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      const entry = await db
        .transaction()
        .execute((trx) =>
          topUpBalance(
            trx,
            identity.accountId,
            request.body,
            `user:${identity.userId}`,
            services.now(),
          ),
        );
      return reply.status(201).send(entry);
    },
  );
};
