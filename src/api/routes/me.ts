import { type Static, Type } from '@sinclair/typebox';
import { CATALOGUE, PERMISSION_KEYS } from '../../engine/catalogue.js';
import type { EffectivePermission } from '../../engine/effective.js';
import { type LineAccess, describeEffective } from '../../telephony/permissions.js';
import type { PolicyState } from '../../telephony/policy.js';
import { type TokenIdentity, listTokens, mintToken, revokeToken } from '../../telephony/tokens.js';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import {
  LevelSchema,
  MintedTokenSchema,
  ReasonsSchema,
  TokenTtlSchema,
  describing,
  errors,
} from '../schemas.js';

/** One permission's effective level, with what it came through. */
const EffectivePermissionSchema = describing<
  EffectivePermission & { readonly lines?: LineAccess[] }
>()(
  Type.Object({
    level: LevelSchema,
    sources: Type.Array(
      Type.Object({ roleId: Type.String(), roleName: Type.String(), accessCode: Type.String() }),
    ),
    admin: Type.Optional(Type.Literal(true)),
    reasons: ReasonsSchema(
      'every reason behind the level, as the check explains it; on recording.listen a `recordingsFolder` rule means the folder is closed to the user whatever the level',
    ),
    lines: Type.Optional(
      Type.Array(Type.Object({ line: Type.String(), allowed: Type.Boolean() }), {
        description:
          'outboundCall.perform only: each line the account rents and whether the user may call out from it (SPEC §5 rule 5)',
      }),
    ),
  }),
);

export const EffectivePermissionsSchema = Type.Record(Type.String(), EffectivePermissionSchema);

/** GET /me's answer: the user, their account, access codes and effective permissions. */
export const MeSchema = Type.Object({
  user: Type.Object({
    id: Type.String(),
    name: Type.String(),
    active: Type.Boolean(),
    admin: Type.Boolean(),
  }),
  account: Type.Object({
    id: Type.String(),
    name: Type.String(),
    plan: Type.String(),
    edition: Type.String(),
    canEditPermissions: Type.Boolean(),
  }),
  accessCodes: Type.Array(Type.String()),
  permissions: EffectivePermissionsSchema,
  appId: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(Type.String()),
});

/** The user `identity` acts as, as GET /me (and the session's answer) describe them. */
export function describeMe(
  identity: Pick<TokenIdentity, 'userId' | 'appId' | 'scopes'>,
  state: PolicyState,
): Static<typeof MeSchema> {
  const { account } = state;
  return {
    ...describeEffective(state.policy, state.directory.users, identity.userId),
    account: {
      id: account.id,
      name: account.name,
      plan: account.plan,
      edition: account.edition,
      canEditPermissions: !state.policy.usesPlanDefaults,
    },
    appId: identity.appId,
    scopes: [...identity.scopes],
  };
}

/** The permissions and their ordered levels: the same for everyone. */
export const CatalogueSchema = Type.Array(
  Type.Object({ key: Type.String(), levels: Type.Array(Type.String()) }),
);

export function describeCatalogue(): Static<typeof CatalogueSchema> {
  return PERMISSION_KEYS.map((key) => ({ key, levels: [...CATALOGUE[key]] }));
}

/** The signed-in user: who they are, what they may do, and their personal tokens. */
export const meRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['me'];

  app.get(
    '/api/v1/me',
    {
      config: signedIn('telephony', 'every user may see their own profile and permissions'),
      schema: {
        tags,
        response: {
          200: MeSchema,
          ...errors(401),
        },
      },
    },
    (request) => {
      const { identity, state } = userOf(request);
      return describeMe(identity, state);
    },
  );

  app.get(
    '/api/v1/permissions/catalogue',
    {
      config: signedIn('telephony', 'the catalogue is the same for everyone'),
      schema: {
        tags: ['permissions'],
        response: {
          200: CatalogueSchema,
          ...errors(401),
        },
      },
    },
    describeCatalogue,
  );

  const TokenSummary = Type.Object({
    id: Type.String(),
    appId: Type.Union([Type.String(), Type.Null()]),
    scopes: Type.Array(Type.String()),
    label: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
  });

  app.get(
    '/api/v1/me/tokens',
    {
      config: signedIn('telephony', 'a user sees their own tokens'),
      schema: {
        tags,
        response: { 200: Type.Object({ items: Type.Array(TokenSummary) }), ...errors(401) },
      },
    },
    async (request) => {
      const { identity } = userOf(request);
      return { items: await listTokens(db, identity.accountId, identity.userId, services.now()) };
    },
  );

  app.post(
    '/api/v1/me/tokens',
    {
      config: signedIn(
        'telephony',
        "a user may create personal tokens for themselves, with no scope beyond telephony; an application's token may not",
      ),
      schema: {
        tags,
        body: Type.Object(
          {
            label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            ttlSeconds: TokenTtlSchema,
          },
          { additionalProperties: false },
        ),
        response: {
          201: MintedTokenSchema,
          ...errors(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      const minted = await db.transaction().execute((trx) =>
        mintToken(
          trx,
          identity.accountId,
          {
            userId: identity.userId,
            scopes: ['telephony'],
            label: request.body.label ?? null,
            ...(request.body.ttlSeconds !== undefined && { ttlSeconds: request.body.ttlSeconds }),
          },
          `user:${identity.userId}`,
          services.now(),
          ['telephony'],
          { lifetimes: services.config.tokenLifetimes, mintedBy: identity },
        ),
      );
      return reply.status(201).send(minted);
    },
  );

  app.delete(
    '/api/v1/me/tokens/:tokenId',
    {
      config: signedIn('telephony', 'a user may revoke their own tokens, and only those'),
      schema: {
        tags,
        params: Type.Object({ tokenId: Type.String({ pattern: '^[A-Za-z0-9_-]{12}$' }) }),
        response: { ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      await db
        .transaction()
        .execute((trx) =>
          revokeToken(
            trx,
            identity.accountId,
            request.params.tokenId,
            `user:${identity.userId}`,
            services.now(),
            identity.userId,
          ),
        );
      return reply.status(204).send();
    },
  );
};
