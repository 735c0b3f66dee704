/**
 * The shapes of the API's answers the UI reads, named for the pages: each is an alias of the
 * types `npm run openapi` generates from the route schemas (api-schema.d.ts), so a change
 * to a route's schema changes them, and the compiler finds every page it breaks.
 */
import type { components, paths } from './api-schema';

type Method = 'get' | 'post' | 'put' | 'delete';

/** The JSON body a route answers with `status` (200 unless told). */
export type Answer<
  P extends keyof paths,
  M extends Method,
  S extends number = 200,
> = paths[P][M] extends { readonly responses: infer R }
  ? R extends { readonly [K in S]: { content: { 'application/json': infer T } } }
    ? T
    : never
  : never;

/** The JSON body a route takes. */
export type Body<P extends keyof paths, M extends Method> = paths[P][M] extends {
  readonly requestBody?: { content: { 'application/json': infer T } };
}
  ? T
  : never;

/** A route's query parameters. */
export type Query<P extends keyof paths, M extends Method> = paths[P][M] extends {
  readonly parameters: { readonly query?: infer Q };
}
  ? NonNullable<Q>
  : never;

/** The properties a type names, without its index signature (`additionalProperties`). */
type NamedOnly<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

/** The catalogue's permission keys (SPEC §2): those a role's levels name. */
export type PermissionKey = keyof NamedOnly<Role['permissions']>;
/** Every permission key, in the catalogue's order; the compiler proves the list whole. */
export const PERMISSION_KEYS = Object.keys({
  'callStats.view': true,
  'recording.listen': true,
  'recording.delete': true,
  'outboundCall.perform': true,
  'userSettings.modify': true,
  'telephonySettings.modify': true,
  'numbers.manage': true,
  'balance.manage': true,
} satisfies Record<PermissionKey, true>) as readonly PermissionKey[];

export type ApiErrorBody = components['schemas']['Error'];
/**
 * What an error adds to its code and message: the details the schema names (the refused
 * permission, the reasons, ...), and whatever else a code adds.
 */
export type ApiErrorDetails = Omit<NamedOnly<ApiErrorBody['error']>, 'code' | 'message'> &
  Readonly<Record<string, unknown>>;

/** The session, with /me and the catalogue the app starts from. */
export type SessionInfo = Answer<'/api/v1/session', 'get'>;
/** A user's effective permissions, by permission key, with every reason behind each level. */
export type EffectivePermissions = Answer<'/api/v1/users/{id}/effective-permissions', 'get'>;
export type EffectivePermission = EffectivePermissions[string];
export type Me = Answer<'/api/v1/me', 'get'>;
export type PermissionSource = EffectivePermission['sources'][number];
export type CatalogueEntry = Answer<'/api/v1/permissions/catalogue', 'get'>[number];

export type Directory = Answer<'/api/v1/directory', 'get'>;
export type DirectoryUser = Directory['users'][number];
export type DirectoryDepartment = Directory['departments'][number];
export type Named = Directory['workgroups'][number];

export type Role = Answer<'/api/v1/roles', 'get'>[number];
export type AssignmentSet = Answer<'/api/v1/role-assignments', 'get'>;
export type Assignment = AssignmentSet['items'][number];
export type DryRunAnswer = Answer<'/api/v1/roles', 'post'>;
export type LevelChange = DryRunAnswer['changes'][number];

export type CallDirection = NonNullable<Query<'/api/v1/calls', 'get'>['direction']>;
export const CALL_DIRECTIONS = [
  'inbound',
  'outbound',
  'callback',
  'internal',
] as const satisfies readonly CallDirection[];

/**
 * One reason behind a decision, as the engine gives it (src/engine/question.ts): a role the
 * level came through, or a rule with its parameters. reasons.ts words each.
 */
export type Reason = components['schemas']['Reason'];
export type RoleReason = Extract<Reason, { roleId: string }>;
export type RuleReason = Exclude<Reason, RoleReason>;

export type CallPage = Answer<'/api/v1/calls', 'get'>;
export type Call = Answer<'/api/v1/calls/{id}', 'get'>;
export type CallStats = Answer<'/api/v1/calls/stats', 'get'>;
export type CallTotals = CallStats['totals'];

type Check = Answer<'/api/v1/permissions/check', 'post'>;
/**
 * A check's answer for one question. The route's schema answers a single check or a batch
 * with one object of optional fields, so the fields a single check always carries are
 * required here.
 */
export type CheckAnswer = Check & Required<Pick<Check, 'allowed' | 'level' | 'detail'>>;

export type OutboundAnswer = Answer<'/api/v1/calls/outbound', 'post', 201>;
/** The rules that decide an outbound call, in the order SPEC §5 applies them. */
export type OutboundRule = OutboundAnswer['rule'];

/** A line's access list (GET/PUT /numbers/{number}/access): [] is everyone. */
export type LineAccess = Answer<'/api/v1/numbers/{number}/access', 'get'>;
/** PUT /numbers/{number}/access's answer: who gains or loses the use of the line. */
export type LineAccessAnswer = Answer<'/api/v1/numbers/{number}/access', 'put'>;

/** Settings section `outbound-policy` (SPEC §5 rule 4). */
export type DestinationPolicy = SettingsValue<'outbound-policy'>;

/** Each settings section as `GET /api/v1/settings/{section}` answers it, by section. */
type SettingsDocuments = {
  readonly [P in keyof paths as P extends `/api/v1/settings/${infer S}` ? S : never]: Answer<
    P,
    'get'
  >;
};
/** The account's settings sections, as their routes name them. */
export type SettingsSection = keyof SettingsDocuments;
/** A settings section as `GET /settings/{section}` answers it: its value and version. */
export type SettingsDocument<S extends SettingsSection> = SettingsDocuments[S];
/** What a settings section holds, as `PUT /settings/{section}` takes it. */
export type SettingsValue<S extends SettingsSection> = SettingsDocument<S>['value'];

export type UserSettings = Answer<'/api/v1/users/{id}/telephony-settings', 'get'>;
export type Device = NonNullable<UserSettings['device']>;
export const DEVICES = ['softphone', 'sip', 'mobile'] as const satisfies readonly Device[];

export type FolderSection = SettingsDocument<'recordings-folder'>;
export type FolderEntry = FolderSection['value']['entries'][number];

export type AuditPage = Answer<'/api/v1/audit-log', 'get'>;
export type AuditEntry = AuditPage['items'][number];

export type RentedNumber = Answer<'/api/v1/numbers', 'get'>['items'][number];
export type Balance = Answer<'/api/v1/balance', 'get'>;
export type LedgerEntry = Balance['ledger'][number];
