import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { levelOf } from '../engine/decide.js';
import { CallgateError } from '../errors.js';
import { verifyToken } from '../telephony/tokens.js';
import { sendError } from './errors.js';
import { permissionDenied } from './principal.js';
import { RateLimiter } from './rate-limit.js';
import type { Services } from './services.js';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return match?.[1];
}

function sameSecret(a: string, b: string): boolean {
  // Compare digests: equal length whatever was sent, so timing reveals nothing.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The one gate every request passes (onRequest, before the body is read): it finds the
 * route's declared access and refuses what it does not allow. A route that declares
 * nothing is refused: deny by default.
 */
export function accessHook(services: Services) {
  const { perToken, perAddress } = services.config.rateLimits;
  const byToken = new RateLimiter(perToken.rate, perToken.burst);
  const byAddress = new RateLimiter(perAddress.rate, perAddress.burst);
  const limit = (limiter: RateLimiter, key: string): void => {
    const verdict = limiter.take(key, services.now());
    if (!verdict.allowed) {
      throw new CallgateError(
        'rate_limited',
        `too many requests; retry in ${verdict.retryAfterSeconds} s`,
        {
          retryAfterSeconds: verdict.retryAfterSeconds,
        },
      );
    }
  };
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.principal = null;
    const access = request.routeOptions.config.access;
    try {
      limit(byAddress, request.ip);
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
        case 'account': {
          const token = bearer(request);
          const identity =
            token === undefined
              ? undefined
              : await verifyToken(services.store.db, token, services.now());
          if (identity === undefined)
            throw new CallgateError(
              'unauthenticated',
              'a valid user or application token is required',
            );
          limit(byToken, identity.tokenId);
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
          );
          if (
            access.permission !== null &&
            levelOf(state.policy, identity.userId, access.permission) === 'none'
          ) {
            throw permissionDenied(access.permission);
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
