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

export const PERMISSION_KEYS = [
  'callStats.view',
  'recording.listen',
  'recording.delete',
  'outboundCall.perform',
  'userSettings.modify',
  'telephonySettings.modify',
  'numbers.manage',
  'balance.manage',
] as const satisfies readonly (keyof Role['permissions'])[];
export type PermissionKey = (typeof PERMISSION_KEYS)[number];

export type ApiErrorBody = components['schemas']['def-0'];

/**
 * One permission's effective level. The route's schema gives reasons as loose objects; they
 * are the engine's (question.ts), narrowed here for reasons.ts to word.
 */
type GeneratedEffective = Answer<'/api/v1/users/{id}/effective-permissions', 'get'>;
export type EffectivePermission = Omit<GeneratedEffective[string], 'reasons' | 'lines'> & {
  /** Every reason behind the level, as the check gives them (worded by reasons.ts). */
  readonly reasons?: readonly Reason[];
  /** outboundCall.perform: each rented line and whether the user may call out from it. */
  readonly lines?: readonly { readonly line: string; readonly allowed: boolean }[];
};
export type EffectivePermissions = Readonly<Record<string, EffectivePermission>>;
export type Me = Omit<Answer<'/api/v1/me', 'get'>, 'permissions'> & {
  readonly permissions: EffectivePermissions;
};
export type PermissionSource = EffectivePermission['sources'][number];
/** The session, with /me and the catalogue the app starts from. */
export type SessionInfo = Omit<Answer<'/api/v1/session', 'get'>, 'me'> & { readonly me: Me };
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

/** A role a level came through (src/engine/question.ts RoleReason). */
export interface RoleReason {
  readonly roleId: string;
  readonly roleName: string;
  readonly accessCode: string;
  readonly level: string;
}

/** A rule that decided, with its parameters (src/engine/question.ts RuleReason). */
export interface RuleReason {
  readonly rule:
    | 'accountAdministrator'
    | 'freePlanDefaults'
    | 'recordingsFolder'
    | 'blockedNumber'
    | 'internalCall'
    | 'inactiveUser'
    | 'unknownUser'
    | 'emergencyNumber'
    | 'invalidNumber'
    | 'destinationPolicy'
    | 'lineAccess';
  readonly level?: string;
  readonly region?: string;
  readonly accountList?: true;
  readonly setting?: 'premiumRate' | 'international';
  readonly mode?: 'listed' | 'none';
  readonly line?: string;
  readonly rented?: boolean;
  readonly postDial?: true;
}

export type Reason = RoleReason | RuleReason;

export type CallPage = Answer<'/api/v1/calls', 'get'>;
export type Call = Answer<'/api/v1/calls/{id}', 'get'>;
export type CallStats = Answer<'/api/v1/calls/stats', 'get'>;
export type CallTotals = CallStats['totals'];

/** The rules that decide an outbound call, in the order SPEC §5 applies them. */
export type OutboundRule =
  | 'emergencyNumber'
  | 'unknownUser'
  | 'inactiveUser'
  | 'internalCall'
  | 'invalidNumber'
  | 'blockedNumber'
  | 'destinationPolicy'
  | 'lineAccess'
  | 'level';

type Check = Answer<'/api/v1/permissions/check', 'post'>;
/**
 * A check's answer for one question. The route's schema answers a single check or a batch
 * with one loose object, so the fields a single check always carries are narrowed here.
 */
export type CheckAnswer = Omit<
  Check,
  'allowed' | 'level' | 'detail' | 'rule' | 'line' | 'reasons' | 'owner'
> & {
  readonly allowed: boolean;
  readonly level: string;
  readonly detail: string;
  /** Outbound calls: the rule that decided (`line`: the line the call would go out from). */
  readonly rule?: OutboundRule;
  readonly line?: string | null;
  readonly reasons?: readonly Reason[];
  /** A check naming a call: the call's employee, null when none. */
  readonly owner?: string | null;
};

export type OutboundAnswer = Omit<Answer<'/api/v1/calls/outbound', 'post', 201>, 'rule'> & {
  readonly rule: OutboundRule;
};

/** A line's access list (GET/PUT /numbers/{number}/access): [] is everyone. */
export type LineAccess = Answer<'/api/v1/numbers/{number}/access', 'get'>;
/** PUT /numbers/{number}/access's answer: who gains or loses the use of the line. */
export type LineAccessAnswer = Answer<'/api/v1/numbers/{number}/access', 'put'>;

/** Settings section `outbound-policy` (SPEC §5 rule 4). */
export type DestinationPolicy = Answer<'/api/v1/settings/outbound-policy', 'get'>['value'];

export interface SettingsDocument<V> {
  readonly section: string;
  readonly value: V;
  readonly version: number;
}

export type UserSettings = Answer<'/api/v1/users/{id}/telephony-settings', 'get'>;
export type Device = NonNullable<UserSettings['device']>;
export const DEVICES = ['softphone', 'sip', 'mobile'] as const satisfies readonly Device[];

export type FolderSection = Answer<'/api/v1/settings/recordings-folder', 'get'>;
export type FolderEntry = FolderSection['value']['entries'][number];

export type AuditPage = Answer<'/api/v1/audit-log', 'get'>;
export type AuditEntry = AuditPage['items'][number];

export type RentedNumber = Answer<'/api/v1/numbers', 'get'>['items'][number];
export type Balance = Answer<'/api/v1/balance', 'get'>;
export type LedgerEntry = Balance['ledger'][number];
