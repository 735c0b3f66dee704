import type { PermissionKey } from '../engine/catalogue.js';
import type {} from 'fastify';
import type { AppScope } from '../telephony/tokens.js';

/**
 * What a route needs, declared in its options (STYLE rule 5) so that a test can list every
 * route and prove none is unguarded. Anything without a declaration is refused.
 *
 * - `account`: a user or application token of an account, holding `scope`; `permission`
 *   is the permission the route is about: the user must hold it above `none` before the
 *   handler runs, and the handler decides the target (scope reach, destination) through
 *   the engine. `permission: null` needs a reason: the route serves every signed-in user
 *   (their own profile, the catalogue) or decides per target in the handler.
 * - `operator`: the operator token (CALLGATE_OPERATOR_TOKEN).
 * - `metrics`: the metrics token (CALLGATE_METRICS_TOKEN); closed without one.
 * - `signedUrl`: no token: the URL's signature names the user and the recording, and the
 *   handler checks that user's permission again.
 * - `public`: no authentication, with the reason.
 * - `bitrixRest`: the Bitrix24-compatible REST API (src/bitrix/). Its credentials travel in
 *   the path, the query or the body, so the adapter authenticates each call itself and
 *   guards each method by the permission and scope its method table declares (a test
 *   enumerates that table); it also limits its own request rates, answering in Bitrix24's
 *   error shape.
 */
export type RouteAccess =
  | { readonly kind: 'account'; readonly scope: AppScope; readonly permission: PermissionKey }
  | {
      readonly kind: 'account';
      readonly scope: AppScope;
      readonly permission: null;
      readonly reason: string;
    }
  | { readonly kind: 'operator' }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'signedUrl' }
  | { readonly kind: 'public'; readonly reason: string }
  | { readonly kind: 'bitrixRest' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * The PBX hook: its own per-token limit, and no limit at all for an emergency call,
     * which the access hook can tell only once it has the account's policy (SPEC §5).
     */
    pbxHook?: true;
  }
}

export const needs = (scope: AppScope, permission: PermissionKey): { access: RouteAccess } => ({
  access: { kind: 'account', scope, permission },
});

export const signedIn = (scope: AppScope, reason: string): { access: RouteAccess } => ({
  access: { kind: 'account', scope, permission: null, reason },
});

export const operatorOnly = { access: { kind: 'operator' } } as const satisfies {
  access: RouteAccess;
};
