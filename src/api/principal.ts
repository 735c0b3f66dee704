import type { FastifyRequest } from 'fastify';
import { CallgateError } from '../errors.js';
import type { Reader } from '../store/read-replica.js';
import type { PolicyState } from '../telephony/policy.js';
import type { TokenIdentity } from '../telephony/tokens.js';

/** Who is asking: the operator, or one user of one account (directly or through an app). */
export type Principal =
  | { readonly kind: 'operator' }
  | { readonly kind: 'user'; readonly identity: TokenIdentity; readonly state: PolicyState };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The acting user of an account route; the access hook guarantees there is one. */
export function userOf(request: FastifyRequest): UserPrincipal {
  const principal = request.principal;
  if (principal?.kind !== 'user')
    throw new CallgateError('unauthenticated', 'a user or application token is required');
  return principal;
}

/**
 * Who a replica read is for (issue 15): the user whose own writes it must see, and the
 * policy version their request was decided on, which the replica must hold too.
 */
export function readerOf(principal: UserPrincipal): Reader {
  return {
    accountId: principal.identity.accountId,
    userId: principal.identity.userId,
    policyVersion: principal.state.account.policyVersion,
    lastWrite: principal.identity.lastWrite,
  };
}
