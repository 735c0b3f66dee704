import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallgateError } from '../errors.js';
import { verifySession } from '../telephony/credentials.js';
import { requirePermission } from '../telephony/guard.js';
import type { HookQuery } from '../telephony/outbound.js';
import type { TokenIdentity } from '../telephony/tokens.js';
import { sendError } from './errors.js';
import type { Limiter } from './rate-limits.js';
import type { Services } from './services.js';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return match?.[1];
}

/**
 * A user or application token sent as HTTP Basic credentials: the password is the token,
 * the user name is ignored. For clients that can keep a connection open only when the
 * credentials are a user name and password: Kamailio's http_client reuses named connections,
 * which carry no other header (integrations/kamailio). Operator endpoints take Bearer only.
 */
function basicToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Basic ([A-Za-z0-9+/]{1,700}={0,2})$/.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('latin1');
  const token = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && /^[\x21-\x7e]{1,512}$/.test(token) ? token : undefined;
}

/** The web app's session cookie. */
export const SESSION_COOKIE = 'cg_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  // Compare digests: equal length whatever was sent, so timing reveals nothing.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The hook's query before validation (onRequest): only plain strings count. */
function hookQueryOf(query: unknown): HookQuery {
  const { from, to, line } = (query ?? {}) as Record<string, unknown>;
  return {
    from: typeof from === 'string' ? from : '',
    to: typeof to === 'string' ? to : '',
    ...(typeof line === 'string' && { line }),
  };
}

/**
 * The one gate every request passes (onRequest, before the body is read): it finds the
 * route's declared access and refuses what it does not allow. A route that declares
 * nothing is refused: deny by default.
 */
export function accessHook(services: Services, limiter: Limiter) {
  /**
   * A bearer token (or the same token as Basic credentials), or else the web app's session
   * cookie. A cookie is sent by the browser on its own, so an unsafe request made with one
   * must also carry the session's CSRF token.
   */
  const identify = async (request: FastifyRequest): Promise<TokenIdentity | undefined> => {
    const token = bearer(request) ?? basicToken(request);
    if (token !== undefined)
      return services.tokens.verify(services.store.db, token, services.now());
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie === undefined) return undefined;
    const session = await verifySession(services.store.db, cookie, services.now());
    if (session === undefined) return undefined;
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        throw new CallgateError(
          'permission_denied',
          'the x-csrf-token header of this session is missing or wrong',
        );
      }
    }
    return session.identity;
  };
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.principal = null;
    const access = request.routeOptions.config.access;
    // The Bitrix24 surface authenticates, guards and limits each call itself (access.ts).
    if (access?.kind === 'bitrixRest') return;
    // The PBX hook counts against the limits only once it knows the call is no emergency call
    // (SPEC §5): an emergency call is answered whatever the rates.
    const isPbxHook = request.routeOptions.config.pbxHook === true;
    try {
      if (!isPbxHook) await limiter.take('address', request.ip, request);
      if (access === undefined) {
        // Unmatched URLs reach the not-found handler, which declares nothing either.
        if (request.routeOptions.url === undefined) return;
        throw new CallgateError('permission_denied', 'this route declares no access and is closed');
      }
      switch (access.kind) {
        case 'public':
        case 'signedUrl':
          return;
        case 'operator': {
          const token = bearer(request);
          const expected = services.config.operatorToken;
          if (expected === undefined)
            throw new CallgateError(
              'unauthenticated',
              'operator endpoints are disabled (CALLGATE_OPERATOR_TOKEN is not set)',
            );
          if (token === undefined || !sameSecret(token, expected))
            throw new CallgateError('unauthenticated', 'the operator token is required');
          request.principal = { kind: 'operator' };
          return;
        }
        case 'metrics': {
          const token = bearer(request);
          const expected = services.config.metricsToken;
          if (expected === undefined)
            throw new CallgateError(
              'unauthenticated',
              'metrics are not served on this port (set CALLGATE_METRICS_TOKEN, or scrape the metrics port)',
            );
          if (token === undefined || !sameSecret(token, expected))
            throw new CallgateError('unauthenticated', 'the metrics token is required');
          return;
        }
        case 'account': {
          const identity = await identify(request).catch(async (error: unknown) => {
            if (isPbxHook) await limiter.take('address', request.ip, request);
            throw error;
          });
          if (identity === undefined) {
            if (isPbxHook) await limiter.take('address', request.ip, request);
            throw new CallgateError(
              'unauthenticated',
              'a valid user or application token is required',
            );
          }
          if (!isPbxHook) {
            await limiter.take('token', identity.tokenId, request);
            await limiter.take('account', identity.accountId, request);
          }
          if (!identity.scopes.has(access.scope)) {
            throw new CallgateError(
              'scope_missing',
              `this token lacks the application scope ${access.scope}`,
              { scope: access.scope },
            );
          }
          const state = await services.policies.get(
            services.store.db,
            identity.accountId,
            services.now(),
            identity.policyVersion,
          );
          if (access.permission !== null)
            requirePermission(state.policy, identity.userId, access.permission);
          // A PBX is one address carrying a whole call centre: once its token is known, its
          // token's limit is the one that counts, not the address's.
          if (isPbxHook && !services.isEmergencyCall(state, hookQueryOf(request.query))) {
            await limiter.take('pbxToken', identity.tokenId, request);
            await limiter.take('account', identity.accountId, request);
          }
          request.principal = { kind: 'user', identity, state };
          return;
        }
      }
    } catch (error) {
      await sendError(request, reply, error);
    }
  };
}
