import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAccess } from '../api/access.js';
import type { RouteModule } from '../api/app.js';
import { CallgateError } from '../errors.js';
import { requirePermission } from '../telephony/guard.js';
import { localRecordingStorage } from '../telephony/recording-storage.js';
import { verifyWebhook } from '../telephony/webhooks.js';
import { type Caller, callerKey } from './caller.js';
import { BitrixError, errorEnvelope, methodNotFound, toBitrixError } from './errors.js';
import { METHODS, type MethodAnswer, type MethodContext, scopeAllows } from './methods.js';
import { type Params, parseBracketed, readParams, scalarText } from './params.js';
import { timeBlock } from './time.js';

const BITRIX_REST = { access: { kind: 'bitrixRest' } satisfies RouteAccess };

/** The method a path names: `.json` is optional, case does not matter. */
const methodName = (raw: string): string => raw.replace(/\.json$/i, '').toLowerCase();

/**
 * Runs one method as the caller, through its guard in {@link METHODS}: unknown names are
 * not found, a scope the caller lacks is refused, and the permission must be held above
 * `none` before the method decides its targets.
 */
async function dispatch(
  base: Omit<MethodContext, 'params' | 'call'>,
  name: string,
  params: Params,
): Promise<MethodAnswer> {
  const key = methodName(name);
  const spec = Object.hasOwn(METHODS, key) ? METHODS[key] : undefined;
  if (spec === undefined) throw methodNotFound(name);
  if (!scopeAllows(spec, base.caller))
    throw new CallgateError('scope_missing', `the method ${key} needs a scope this caller lacks`);
  if (spec.permission !== null)
    requirePermission(base.caller.state.policy, base.caller.userId, spec.permission);
  return spec.run({ ...base, params, call: (method, more) => dispatch(base, method, more) });
}

/**
 * The Bitrix24-compatible REST API (SPEC §12, API.md): `/rest/<userNumber>/<secret>/<method>`
 * for incoming webhooks and `/rest/<method>?auth=<token>` for tokens, GET or POST, with
 * parameters in the query, a form body or a JSON body. Answers and errors are Bitrix24's.
 * A thin adapter (STYLE rule 13): it reads the call, finds the caller, and runs the method,
 * whose work is a use case of telephony/.
 */
export const bitrixRoutes: RouteModule = (app, services, limiter) => {
  const { db } = services.store;
  const recordings = {
    storage: localRecordingStorage(services.config.dataDir),
    maxBytes: services.config.maxRecordingBytes,
  };

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseBracketed(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  const send = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const failure = toBitrixError(error);
    if (failure.status >= 500 && failure.code !== 'QUERY_LIMIT_EXCEEDED')
      request.log.error({ err: error }, 'bitrix call failed');
    else request.log.info({ code: failure.code }, failure.message);
    return reply.status(failure.status).type('application/json').send(errorEnvelope(failure));
  };
  app.setErrorHandler((error, request, reply) => send(request, reply, error));

  const callerOf = async (
    request: FastifyRequest,
    params: Params,
    webhook?: { userNumber: string; secret: string },
  ): Promise<Caller> => {
    const now = services.now();
    if (webhook !== undefined) {
      const identity = await verifyWebhook(db, webhook.userNumber, webhook.secret);
      if (identity === undefined)
        throw new BitrixError('INVALID_CREDENTIALS', 401, 'Invalid request credentials');
      const state = await services.policies.get(
        db,
        identity.accountId,
        now,
        identity.policyVersion,
      );
      return {
        via: 'webhook',
        webhookId: identity.webhookId,
        accountId: identity.accountId,
        userId: identity.userId,
        userNumber: identity.userNumber,
        scopes: identity.scopes,
        appId: null,
        lastWrite: identity.lastWrite,
        state,
      };
    }
    const token = scalarText(params.auth) ?? bearer(request);
    if (token === undefined || token === '')
      throw new CallgateError('unauthenticated', 'Wrong authorization data');
    const identity = await services.tokens.verify(db, token, now);
    if (identity === undefined)
      throw new BitrixError('invalid_token', 401, 'The access token provided is invalid.');
    const state = await services.policies.get(db, identity.accountId, now, identity.policyVersion);
    return {
      via: 'token',
      tokenId: identity.tokenId,
      accountId: identity.accountId,
      userId: identity.userId,
      scopes: identity.scopes,
      appId: identity.appId,
      lastWrite: identity.lastWrite,
      state,
    };
  };

  const handle =
    (webhook: boolean) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const startedAt = services.now();
      const started = performance.now();
      await limiter.take('address', request.ip, request);
      const path = request.params as { userNumber?: string; secret?: string; method: string };
      const params = readParams(request.url.split('?')[1] ?? '', request.body);
      const caller = await callerOf(
        request,
        params,
        webhook ? { userNumber: path.userNumber ?? '', secret: path.secret ?? '' } : undefined,
      );
      await limiter.take('token', callerKey(caller), request);
      await limiter.take('account', caller.accountId, request);
      const answer = await dispatch(
        {
          db,
          dialer: services.dialer,
          caller,
          secrets: services.secrets,
          signedUrlTtlSeconds: services.config.signedUrlTtlSeconds,
          recordings,
          now: startedAt,
          baseUrl: baseUrlOf(request),
          read: (read) =>
            services.reads.run(
              {
                accountId: caller.accountId,
                userId: caller.userId,
                policyVersion: caller.state.account.policyVersion,
                lastWrite: caller.lastWrite,
              },
              read,
            ),
        },
        path.method,
        params,
      );
      return reply
        .status(200)
        .type('application/json')
        .send({ ...answer, time: timeBlock(startedAt, performance.now() - started) });
    };

  for (const url of ['/rest/:userNumber/:secret/:method', '/rest/:method'])
    app.route({
      method: ['GET', 'POST'],
      url,
      config: BITRIX_REST,
      schema: {
        tags: ['bitrix24'],
        summary:
          url === '/rest/:method'
            ? 'A Bitrix24 REST method, as an application: auth=<token> in the query or body'
            : 'A Bitrix24 REST method, through an incoming webhook',
        description:
          'Parameters in the query, a form body or JSON; answers in Bitrix24’s envelope. See README “Coming from Bitrix24”.',
      },
      handler: handle(url !== '/rest/:method'),
    });
  // Anything else under /rest names no method this service has.
  app.route({
    method: ['GET', 'POST'],
    url: '/rest/*',
    config: BITRIX_REST,
    schema: { hide: true },
    handler: (request, reply) => send(request, reply, methodNotFound(request.url.split('?')[0]!)),
  });
};

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer ([\x21-\x7e]{1,512})$/.exec(header)?.[1];
}

const baseUrlOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;
