import { Type } from '@sinclair/typebox';
import { E164_PATTERN } from '../../telephony/numbers.js';
import { parseIfMatch } from '../if-match.js';
import {
  DEVICES,
  assertMayModifyUserSettings,
  changeUserSettings,
  readUserSettings,
} from '../../telephony/user-settings.js';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { IdParam, Nullable, errors } from '../schemas.js';

const Device = Type.Union(DEVICES.map((device) => Type.Literal(device)));
const SipLogin = Type.String({ pattern: '^[A-Za-z0-9_.@+-]{1,64}$' });
const CallerId = Type.String({ pattern: E164_PATTERN });

export const UserSettingsSchema = Type.Object({
  userId: Type.String(),
  device: Nullable(Device),
  sipLogin: Nullable(Type.String()),
  sipSecret: Type.Optional(Nullable(Type.String())),
  hasSipSecret: Type.Boolean(),
  callerIdNumber: Nullable(Type.String()),
  callerIdChoices: Type.Optional(
    Type.Array(Type.String(), {
      description:
        'the rented numbers this user may call out from (line access): the caller IDs they may be given; in GET answers',
    }),
  ),
  version: Type.Integer(),
});

const access = signedIn(
  'telephony',
  'the user themself reads their own settings; others need userSettings.modify to reach the user; decided in the handler',
);
const params = Type.Object({ id: IdParam });
const headers = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'the version the change is based on' })),
});

/**
 * A user's telephony settings: device, SIP login and secret, outbound caller ID. Readable
 * by the user themself and by whoever's userSettings.modify reaches them; changeable by the
 * latter only. The SIP secret is shown only to those who may change it.
 */
export const userSettingsRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['user settings'];

  app.get(
    '/api/v1/users/:id/telephony-settings',
    {
      config: access,
      schema: {
        tags,
        params,
        response: { 200: UserSettingsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { identity, state } = userOf(request);
      const settings = await readUserSettings(
        db,
        { accountId: identity.accountId, policy: state.policy },
        identity.userId,
        request.params.id,
        services.secrets,
      );
      return reply.header('etag', `"${settings.version}"`).send(settings);
    },
  );

  app.put(
    '/api/v1/users/:id/telephony-settings',
    {
      config: access,
      schema: {
        tags,
        params,
        headers,
        body: Type.Object(
          {
            device: Nullable(Device),
            sipLogin: Nullable(SipLogin),
            sipSecret: Type.Optional(
              Nullable(
                Type.String({
                  minLength: 1,
                  maxLength: 128,
                  description: 'omit to keep the stored secret; null removes it',
                }),
              ),
            ),
            callerIdNumber: Nullable(CallerId),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserSettingsSchema, ...errors(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const { identity, state } = userOf(request);
      // Who may act comes before what the request lacks: 404/403 ahead of a missing If-Match.
      assertMayModifyUserSettings(state.policy, identity.userId, request.params.id);
      const expectedVersion = parseIfMatch(request.headers['if-match']);
      const settings = await db
        .transaction()
        .execute((trx) =>
          changeUserSettings(
            trx,
            { accountId: identity.accountId, policy: state.policy },
            identity.userId,
            request.params.id,
            request.body,
            expectedVersion,
            services.secrets,
            services.now(),
          ),
        );
      return reply.header('etag', `"${settings.version}"`).send(settings);
    },
  );
};
