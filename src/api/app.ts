import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import { CallgateError } from '../errors.js';
import type { RouteAccess } from './access.js';
import { accessHook } from './auth.js';
import type { Duplex } from 'node:stream';
import { errorBody, sendError } from './errors.js';
import { type Limiter, registerRateLimits } from './rate-limits.js';
import { ErrorSchema, ReasonSchema } from './schemas.js';
import { hasWebApp, isAppPage, registerWebApp, sendAppPage } from './web.js';
import type { Services } from './services.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { balanceRoutes } from './routes/balance.js';
import { callRoutes } from './routes/calls.js';
import { directoryRoutes } from './routes/directory.js';
import { meRoutes } from './routes/me.js';
import { numberRoutes } from './routes/numbers.js';
import { outboundRoutes } from './routes/outbound.js';
import { permissionRoutes } from './routes/permissions.js';
import { recordingRoutes } from './routes/recordings.js';
import { sessionRoutes } from './routes/session.js';
import { settingsRoutes } from './routes/settings.js';
import { systemRoutes } from './routes/system.js';
import { userSettingsRoutes } from './routes/user-settings.js';
import { webhookRoutes } from './routes/webhooks.js';
import { bitrixRoutes } from '../bitrix/routes.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** One route module: registers its routes on the app, with the services they use. */
/**
 * A feature's routes. Most routes are limited by the access hook; a surface that
 * authenticates its own calls (the Bitrix24 REST API) counts them with `limiter` itself.
 */
export type RouteModule = (app: App, services: Services, limiter: Limiter) => void | Promise<void>;

const ROUTE_MODULES: readonly RouteModule[] = [
  systemRoutes,
  accountRoutes,
  meRoutes,
  sessionRoutes,
  directoryRoutes,
  permissionRoutes,
  callRoutes,
  recordingRoutes,
  outboundRoutes,
  userSettingsRoutes,
  settingsRoutes,
  numberRoutes,
  balanceRoutes,
  auditRoutes,
  webhookRoutes,
  bitrixRoutes,
];

/** JSON bodies are small; recordings have their own limit (ServiceConfig.maxRecordingBytes). */
const JSON_BODY_LIMIT = 1024 * 1024;

/** Every route an app registered, with its options, for the test that proves none is unguarded. */
const ROUTES = new WeakMap<object, RouteOptions[]>();
export function registeredRoutes(app: App): readonly RouteOptions[] {
  return ROUTES.get(app) ?? [];
}

/** What Node's HTTP parser refused, in words a client can act on. */
const CLIENT_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'the request headers are too large',
  ERR_HTTP_REQUEST_TIMEOUT: 'the request did not arrive in time',
};

/**
 * Requests Node's HTTP parser refuses (malformed request lines or headers, headers too
 * large, too slow) never reach Fastify's routes or error handler: answer them here, in the
 * catalogue's shape like every other error, rather than Node's or Fastify's own bodies.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset or closed connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const message = CLIENT_ERROR_MESSAGES[error.code ?? ''] ?? 'the request is not valid HTTP';
    const body = JSON.stringify(errorBody(new CallgateError('invalid_request', message)));
    socket.write(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export interface AppOptions {
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve HTTPS with this certificate and key (PEM) instead of HTTP. */
  readonly https?: { readonly cert: Buffer | string; readonly key: Buffer | string };
}

/** The REST API's paths (ours and the Bitrix24-compatible one), as opposed to pages and assets. */
const isApiPath = (url: string): boolean => url.startsWith('/api/') || url.startsWith('/rest/');

const NUL_REFUSED = 'text may not contain the NUL character (U+0000)';

const holdsNul = (values: unknown): boolean =>
  typeof values === 'object' &&
  values !== null &&
  Object.values(values).some((value) =>
    Array.isArray(value)
      ? value.some((item) => typeof item === 'string' && item.includes('\0'))
      : typeof value === 'string' && value.includes('\0'),
  );

/**
 * PostgreSQL text cannot hold NUL, so a name, label or dialled number carrying one would
 * fail in the database (a 500) where SQLite stores it: refuse it at the edge, for every
 * route and both dialects alike. In JSON a NUL can only be written `\u0000`, so the body
 * check is one search of the raw text (it also refuses the rare literal backslash-u0000).
 */
function refuseNulCharacters(app: App): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parseJson = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).includes('\\u0000'))
      return done(new CallgateError('invalid_request', NUL_REFUSED), undefined);
    void parseJson(request, body as string, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    done(
      holdsNul(request.query) || holdsNul(request.params)
        ? new CallgateError('invalid_request', NUL_REFUSED)
        : undefined,
    );
  });
}

/** Unsafe-method routes that only ask a question and write nothing a replica serves. */
const QUESTIONS = new Set(['/api/v1/permissions/check']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read-your-writes across servers (issue 15): before a user's successful write is answered,
 * the primary's WAL position is kept as that user's last write, so whichever server takes
 * their next read sends it to the primary until the replica has replayed past the write
 * (store/read-replica.ts). It runs before the answer is sent, so no read can overtake it.
 * Operator writes are nobody's own action; the directory they change is guarded by the
 * policy version instead.
 * The check route is a question, not a write: it is the hot path and keeps its one query.
 */
function recordWritesForReplicaReads(app: App, services: Services): void {
  app.addHook('onSend', async (request, reply) => {
    const principal = request.principal;
    if (
      principal?.kind !== 'user' ||
      SAFE_METHODS.has(request.method) ||
      reply.statusCode >= 400 ||
      QUESTIONS.has(request.routeOptions.url ?? '')
    )
      return;
    try {
      await services.reads.recordWrite(principal.identity.accountId, principal.identity.userId);
    } catch (error) {
      // The write is committed: answering an error would have it retried. The primary that
      // just took the write rarely fails the next statement; say so where it is seen.
      request.log.warn({ err: error }, 'could not record the write for read replicas');
    }
  });
}

/**
 * The service as a Fastify app that does not listen (server.ts does): schema-first routes,
 * one access hook, one error handler. Bodies are validated strictly (no type coercion, no
 * unknown fields); query strings and path parameters are coerced from text.
 */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<App> {
  const { trustProxy } = services.config;
  const app = Fastify({
    // An HTTPS server answers requests as an HTTP one does; the app's type stays the same.
    ...((options.https !== undefined && { https: options.https }) as object),
    logger: options.logger ?? false,
    // One line per request, written when it is answered (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Only the proxies named: trusting every address would let any client pick its own
    // address in X-Forwarded-For, and with it its own rate limit.
    trustProxy: trustProxy.length === 0 ? false : [...trustProxy],
    bodyLimit: JSON_BODY_LIMIT,
    // Bitrix24 gives an application its endpoint as `…/rest/`, to which its SDK appends
    // `/<method>`: `/rest//voximplant.statistic.get` must reach the method. Each route still
    // declares its own guard; only the path's empty segments are dropped.
    routerOptions: { ignoreDuplicateSlashes: true },
    return503OnClosing: true,
    // The router's own refusals (bad URL encoding, overlong ids) answer in our error shape too.
    frameworkErrors: (error, request, reply) => void sendError(request, reply, error),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const strict = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: false,
    allErrors: true,
    strict: false,
  });
  const coercing = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: 'array',
    allErrors: true,
    strict: false,
  });
  addFormats.default(strict);
  addFormats.default(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );

  refuseNulCharacters(app);

  const routes: RouteOptions[] = [];
  ROUTES.set(app, routes);
  // Keep the options objects themselves: hooks of child scopes may still fill in `config`.
  app.addHook('onRoute', (route) => void routes.push(route as RouteOptions));

  await app.register(cookie);
  app.decorateRequest('principal', null);
  const { metrics } = services;
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    request.log.info(
      { req: request, route, status, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
  });
  const limiter = await registerRateLimits(
    app,
    services.config.rateLimits,
    metrics,
    services.redis,
  );
  app.addHook('onRequest', accessHook(services, limiter));
  // Hooks apply to the scopes registered after them: these come before any route.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
    // API answers are one person's (their calls, their session's CSRF token, a fresh token):
    // no browser or proxy cache may keep them. A route that knows better sets its own.
    if (isApiPath(request.url) && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
  });
  if (services.reads.replicated) recordWritesForReplicaReads(app, services);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    isAppPage(request)
      ? sendAppPage(reply)
      : sendError(
          request,
          reply,
          Object.assign(new Error(`no route ${request.method} ${request.url.split('?')[0]}`), {
            statusCode: 404,
          }),
        ),
  );
  app.addSchema(ReasonSchema);
  app.addSchema(ErrorSchema);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Callgate',
        version: '1',
        description: 'Access permissions for business telephony.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas keep their names (`Error`, `Reason`) in the document and the web's types.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(async (docs) => {
    // The documentation is public; mark its routes so the access test can tell.
    docs.addHook('onRoute', (route) => {
      route.config = {
        ...route.config,
        access: { kind: 'public', reason: 'API documentation' } satisfies RouteAccess,
      };
    });
    // Nobody may frame the documentation: its page runs requests with what a user types.
    docs.addHook('onSend', async (_request, reply) => {
      void reply
        .header('content-security-policy', "frame-ancestors 'none'")
        .header('x-frame-options', 'DENY');
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });

  for (const register of ROUTE_MODULES)
    await app.register(async (scope) => register(scope as App, services, limiter));
  if (hasWebApp()) await registerWebApp(app);
  return app;
}
