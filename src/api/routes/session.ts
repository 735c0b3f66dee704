import { Type } from '@sinclair/typebox';
import { signIn, signOut, verifySession } from '../../telephony/credentials.js';
import { SESSION_COOKIE } from '../auth.js';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { IdParam, errors } from '../schemas.js';
import { CatalogueSchema, MeSchema, describeCatalogue, describeMe } from './me.js';

const SessionAnswer = Type.Object({
  user: Type.Object({ id: Type.String(), name: Type.String() }),
  accountId: Type.String(),
  csrfToken: Type.String(),
  // What GET /me and GET /permissions/catalogue answer: the web app starts from this one
  // answer instead of three requests in a row.
  me: MeSchema,
  catalogue: CatalogueSchema,
});

/** Sign-in for the web app: a session in an HTTP-only cookie, and a CSRF token for writes. */
export const sessionRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['session'];
  const cookieOptions = (request: { protocol: string }) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
  });

  app.post(
    '/api/v1/session',
    {
      config: {
        access: { kind: 'public', reason: 'signing in is how a browser gets its session' },
      },
      schema: {
        tags,
        body: Type.Object(
          {
            accountId: IdParam,
            email: Type.String({ minLength: 3, maxLength: 320 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionAnswer, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const now = services.now();
      const session = await signIn(db, request.body, now, {
        limits: services.signIns,
        address: request.ip,
      });
      void reply.setCookie(SESSION_COOKIE, session.secret, {
        ...cookieOptions(request),
        expires: new Date(session.expiresAt),
      });
      const state = await services.policies.get(db, request.body.accountId, now);
      return {
        user: { id: session.userId, name: session.userName },
        accountId: request.body.accountId,
        csrfToken: session.csrfToken,
        me: describeMe(
          { userId: session.userId, appId: null, scopes: new Set(['telephony']) },
          state,
        ),
        catalogue: describeCatalogue(),
      };
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: signedIn('telephony', 'a browser asks who is signed in, to restore the app'),
      schema: { tags, response: { 200: SessionAnswer, ...errors(401) } },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const secret = request.cookies[SESSION_COOKIE];
      // A bearer token needs no CSRF token; a session hands its own back.
      const session =
        secret === undefined ? undefined : await verifySession(db, secret, services.now());
      const user = state.directory.users.find((u) => u.id === identity.userId)!;
      return {
        user: { id: user.id, name: user.name },
        accountId: identity.accountId,
        csrfToken: session?.csrfToken ?? '',
        me: describeMe(identity, state),
        catalogue: describeCatalogue(),
      };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: signedIn('telephony', 'anyone signed in may sign out'),
      schema: { tags, response: { 204: Type.Null(), ...errors(401, 403) } },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret !== undefined) await signOut(db, secret);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.status(204).send(null);
    },
  );
};
