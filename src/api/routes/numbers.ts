import { Type } from '@sinclair/typebox';
import {
  E164_PATTERN,
  addNumbersToInventory,
  changeNumberConnection,
  listAccountNumbers,
  listNumberOffers,
  releaseNumber,
  rentNumber,
} from '../../telephony/numbers.js';
import { BALANCE_CURRENCY } from '../../telephony/balance.js';
import { changeLineAccess, readLineAccess } from '../../telephony/line-access.js';
import { parseIfMatch } from '../if-match.js';
import { needs, operatorOnly } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { Nullable, errors } from '../schemas.js';

const PhoneNumber = Type.String({
  pattern: E164_PATTERN,
  description: 'E.164; in a path, URL-encoded (+ as %2B)',
});
const Country = Type.String({ pattern: '^[A-Z]{2}$' });

const OfferSchema = Type.Object({
  number: Type.String(),
  country: Type.String(),
  monthlyFee: Type.Number(),
  currency: Type.String(),
});

/** A rented number. There is no field for the SIP password: it can never be serialized. */
const RentedNumberSchema = Type.Object({
  number: Type.String(),
  country: Type.String(),
  monthlyFee: Type.Number(),
  currency: Type.String(),
  rentedAt: Type.String(),
  connection: Type.Object({
    host: Nullable(Type.String()),
    username: Nullable(Type.String()),
    hasPassword: Type.Boolean(),
  }),
});

const NumberParams = Type.Object({ number: PhoneNumber });

const LineAccessSchema = Type.Object({
  number: Type.String(),
  accessCodes: Type.Array(Type.String()),
  version: Type.Integer(),
});

/**
 * The account's phone numbers (numbers.manage): the rented ones with their SIP connection
 * settings, the pool's free ones, renting (which debits the monthly fee) and releasing.
 * The operator fills the pool.
 */
export const numberRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['numbers'];
  const access = needs('telephony', 'numbers.manage');

  app.get(
    '/api/v1/numbers',
    {
      config: access,
      schema: {
        tags,
        response: {
          200: Type.Object({ items: Type.Array(RentedNumberSchema) }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => ({
      items: await listAccountNumbers(db, userOf(request).identity.accountId),
    }),
  );

  app.get(
    '/api/v1/numbers/available',
    {
      config: access,
      schema: {
        tags,
        description: 'Numbers of the pool that no account rents.',
        querystring: Type.Object(
          {
            country: Type.Optional(Country),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(OfferSchema) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => ({
      items: await listNumberOffers(db, {
        limit: request.query.limit,
        ...(request.query.country !== undefined && { country: request.query.country }),
      }),
    }),
  );

  app.post(
    '/api/v1/numbers',
    {
      config: access,
      schema: {
        tags,
        description:
          'Rent a number of the pool: 404 if the pool has no such number, 409 if it is rented. The first monthly fee is debited from the balance.',
        body: Type.Object({ number: PhoneNumber }, { additionalProperties: false }),
        response: { 201: RentedNumberSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      const { number } = await db
        .transaction()
        .execute((trx) =>
          rentNumber(
            trx,
            identity.accountId,
            request.body.number,
            `user:${identity.userId}`,
            services.now(),
          ),
        );
      return reply.status(201).send(number);
    },
  );

  app.delete(
    '/api/v1/numbers/:number',
    {
      config: access,
      schema: {
        tags,
        description: 'Release a rented number; caller IDs that used it fall back to none.',
        params: NumberParams,
        response: { ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      await db
        .transaction()
        .execute((trx) =>
          releaseNumber(
            trx,
            identity.accountId,
            request.params.number,
            `user:${identity.userId}`,
            services.now(),
          ),
        );
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/v1/numbers/:number/connection',
    {
      config: access,
      schema: {
        tags,
        description:
          'The SIP connection of a rented number. The password is stored encrypted and never returned; omit it to keep the stored one, send null to remove it.',
        params: NumberParams,
        body: Type.Object(
          {
            host: Type.String({
              minLength: 1,
              maxLength: 253,
              pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$',
            }),
            username: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }),
            password: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 256 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: RentedNumberSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { identity } = userOf(request);
      return db
        .transaction()
        .execute((trx) =>
          changeNumberConnection(
            trx,
            identity.accountId,
            request.params.number,
            request.body,
            services.secrets,
            `user:${identity.userId}`,
            services.now(),
          ),
        );
    },
  );

  app.get(
    '/api/v1/numbers/:number/access',
    {
      config: access,
      schema: {
        tags,
        description:
          'Line access (SPEC §5 rule 5): the access codes that may call out from this line; [] is everyone. Administrators always may.',
        params: NumberParams,
        response: { 200: LineAccessSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { identity } = userOf(request);
      return readLineAccess(db, identity.accountId, request.params.number);
    },
  );

  app.put(
    '/api/v1/numbers/:number/access',
    {
      config: access,
      schema: {
        tags,
        description:
          'Replaces the line access list given If-Match: <version>. Answers who gains or loses the use of the line; with ?dryRun=1 nothing is saved.',
        params: NumberParams,
        querystring: Type.Object(
          {
            dryRun: Type.Optional(
              Type.Union([
                Type.Literal('1'),
                Type.Literal('true'),
                Type.Literal('0'),
                Type.Literal('false'),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
        body: Type.Object(
          {
            accessCodes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
              maxItems: 1000,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ...LineAccessSchema.properties,
            dryRun: Type.Boolean(),
            changes: Type.Array(
              Type.Object({
                userId: Type.String(),
                userName: Type.String(),
                gains: Type.Boolean(),
              }),
            ),
          }),
          ...errors(400, 401, 403, 404, 412),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const expected = parseIfMatch(request.headers['if-match']);
      const dryRun = request.query.dryRun === '1' || request.query.dryRun === 'true';
      const { access: view, changes } = await db.transaction().execute((trx) =>
        changeLineAccess(trx, state, request.params.number, request.body.accessCodes, expected, {
          dryRun,
          actor: `user:${identity.userId}`,
          now: services.now(),
        }),
      );
      return { ...view, dryRun, changes };
    },
  );

  app.post(
    '/api/v1/number-inventory',
    {
      config: operatorOnly,
      schema: {
        tags: ['operator'],
        description:
          'Add numbers to the pool accounts rent from. A number already there on the same terms is accepted again; on other terms, 409.',
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                {
                  number: PhoneNumber,
                  country: Country,
                  monthlyFee: Type.Number({ minimum: 0, maximum: 1_000_000 }),
                  currency: Type.Literal(BALANCE_CURRENCY),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 10_000 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ added: Type.Integer(), unchanged: Type.Integer() }),
          ...errors(400, 401, 409),
        },
      },
    },
    async (request, reply) => {
      const result = await db
        .transaction()
        .execute((trx) => addNumbersToInventory(trx, request.body.items));
      return reply.status(201).send(result);
    },
  );
};
