import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { DirectoryDocumentSchema } from '../../directory/schema.js';
import { EDITIONS, PLANS } from '../../engine/catalogue.js';
import { changeAccount, createAccount, requireAccount } from '../../telephony/accounts.js';
import { setPassword } from '../../telephony/credentials.js';
import { importDirectory } from '../../telephony/directory.js';
import { APP_SCOPES, createApp, mintToken } from '../../telephony/tokens.js';
import { operatorOnly } from '../access.js';
import type { RouteModule } from '../app.js';
import { IdParam, MintedTokenSchema, TokenTtlSchema, errors } from '../schemas.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const AccountParams = Type.Object({ accountId: IdParam });

const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  plan: Type.String(),
  edition: Type.String(),
  defaultCountry: Type.String(),
  createdAt: Type.String(),
});

/** Operator endpoints (API.md): accounts, directories, applications and tokens. */
export const accountRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['operator'];

  app.post(
    '/api/v1/accounts',
    {
      config: operatorOnly,
      schema: {
        tags,
        body: Type.Object(
          {
            id: Type.Optional(IdParam),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            plan: literals(PLANS),
            edition: Type.Optional(literals(EDITIONS)),
            defaultCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: AccountSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const account = await db
        .transaction()
        .execute((trx) =>
          createAccount(
            trx,
            { ...body, id: body.id ?? `acc-${randomBytes(6).toString('hex')}` },
            'operator',
            services.now(),
          ),
        );
      return reply.status(201).send(account);
    },
  );

  app.patch(
    '/api/v1/accounts/:accountId',
    {
      config: operatorOnly,
      schema: {
        tags,
        description:
          "Change an account's name, plan or edition (not in API.md: an operator extension).",
        params: AccountParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            plan: Type.Optional(literals(PLANS)),
            edition: Type.Optional(literals(EDITIONS)),
          },
          { additionalProperties: false },
        ),
        response: { 200: AccountSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      // The schema admits only the catalogue's plans and editions.
      const changes = request.body as Parameters<typeof changeAccount>[2];
      return db
        .transaction()
        .execute((trx) => changeAccount(trx, accountId, changes, 'operator', services.now()));
    },
  );

  app.put(
    '/api/v1/accounts/:accountId/directory',
    {
      config: operatorOnly,
      bodyLimit: 256 * 1024 * 1024,
      schema: {
        tags,
        params: AccountParams,
        body: DirectoryDocumentSchema,
        response: {
          200: Type.Object({
            users: Type.Integer(),
            departments: Type.Integer(),
            userGroups: Type.Integer(),
            workgroups: Type.Integer(),
            crmClients: Type.Integer(),
            crmReadScopes: Type.Integer(),
            blockedNumbers: Type.Integer(),
          }),
          ...errors(400, 401, 404, 413),
        },
      },
    },
    async (request) =>
      db
        .transaction()
        .execute((trx) =>
          importDirectory(trx, request.params.accountId, request.body, 'operator', services.now()),
        ),
  );

  app.post(
    '/api/v1/accounts/:accountId/tokens',
    {
      config: operatorOnly,
      schema: {
        tags,
        params: AccountParams,
        body: Type.Object(
          {
            userId: IdParam,
            appId: Type.Optional(IdParam),
            scopes: Type.Optional(
              Type.Array(literals(APP_SCOPES), { maxItems: APP_SCOPES.length }),
            ),
            ttlSeconds: TokenTtlSchema,
          },
          { additionalProperties: false },
        ),
        response: {
          201: MintedTokenSchema,
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const minted = await db.transaction().execute(async (trx) => {
        await requireAccount(trx, accountId);
        return mintToken(trx, accountId, request.body, 'operator', services.now(), undefined, {
          lifetimes: services.config.tokenLifetimes,
        });
      });
      return reply.status(201).send(minted);
    },
  );

  app.post(
    '/api/v1/accounts/:accountId/apps',
    {
      config: operatorOnly,
      schema: {
        tags,
        params: AccountParams,
        body: Type.Object(
          {
            id: IdParam,
            name: Type.String({ minLength: 1, maxLength: 200 }),
            scopes: Type.Array(literals(APP_SCOPES), { maxItems: APP_SCOPES.length }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            name: Type.String(),
            scopes: Type.Array(Type.String()),
          }),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const created = await db.transaction().execute(async (trx) => {
        await requireAccount(trx, accountId);
        return createApp(trx, accountId, request.body, services.now());
      });
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/api/v1/accounts/:accountId/users/:userId/password',
    {
      config: operatorOnly,
      schema: {
        tags,
        description: "Sets a user's web sign-in password (not in API.md: an operator extension).",
        params: Type.Object({ accountId: IdParam, userId: IdParam }),
        body: Type.Object(
          { password: Type.String({ minLength: 10, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { accountId, userId } = request.params;
      await db
        .transaction()
        .execute((trx) =>
          setPassword(trx, accountId, userId, request.body.password, services.now()),
        );
      return reply.status(204).send(null);
    },
  );
};
