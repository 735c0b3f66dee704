/**
 * The shapes of the API's answers the UI reads, written by hand after the route schemas in
 * src/api/routes/ (the contract); only what the UI uses is typed.
 */

export const PERMISSION_KEYS = [
  'callStats.view',
  'recording.listen',
  'recording.delete',
  'outboundCall.perform',
  'userSettings.modify',
  'telephonySettings.modify',
  'numbers.manage',
  'balance.manage',
] as const;
export type PermissionKey = (typeof PERMISSION_KEYS)[number];

export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly [key: string]: unknown;
  };
}

export interface SessionInfo {
  readonly user: { readonly id: string; readonly name: string };
  readonly accountId: string;
  readonly csrfToken: string;
}

export interface PermissionSource {
  readonly roleId: string;
  readonly roleName: string;
  readonly accessCode: string;
}

export interface EffectivePermission {
  readonly level: string;
  readonly sources: readonly PermissionSource[];
  readonly admin?: true;
  /** Every reason behind the level, as the check gives them (worded by reasons.ts). */
  readonly reasons?: readonly Reason[];
  /** outboundCall.perform: each rented line and whether the user may call out from it. */
  readonly lines?: readonly { readonly line: string; readonly allowed: boolean }[];
}

/** A role a level came through (src/engine/decide.ts RoleReason). */
export interface RoleReason {
  readonly roleId: string;
  readonly roleName: string;
  readonly accessCode: string;
  readonly level: string;
}

/** A rule that decided, with its parameters (src/engine/decide.ts RuleReason). */
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

export type EffectivePermissions = Readonly<Record<string, EffectivePermission>>;

export interface Me {
  readonly user: {
    readonly id: string;
    readonly name: string;
    readonly active: boolean;
    readonly admin: boolean;
  };
  readonly account: {
    readonly id: string;
    readonly name: string;
    readonly plan: string;
    readonly edition: string;
    readonly canEditPermissions: boolean;
  };
  readonly accessCodes: readonly string[];
  readonly permissions: EffectivePermissions;
}

export interface CatalogueEntry {
  readonly key: string;
  readonly levels: readonly string[];
}

export interface DirectoryUser {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly admin: boolean;
  readonly departmentIds: readonly string[];
}

export interface DirectoryDepartment {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly headUserId: string | null;
}

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface Directory {
  readonly users: readonly DirectoryUser[];
  readonly departments: readonly DirectoryDepartment[];
  readonly workgroups: readonly Named[];
  readonly userGroups: readonly Named[];
}

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly permissions: Readonly<Record<string, string>>;
  readonly version: number;
}

export interface Assignment {
  readonly roleId: string;
  readonly accessCode: string;
  readonly expiresAt?: string | null;
}

export interface AssignmentSet {
  readonly version: number;
  readonly items: readonly Assignment[];
}

export interface LevelChange {
  readonly userId: string;
  readonly userName: string;
  readonly permission: string;
  readonly from: string;
  readonly to: string;
}

export interface DryRunAnswer {
  readonly dryRun: true;
  readonly changes: readonly LevelChange[];
}

export const CALL_DIRECTIONS = ['inbound', 'outbound', 'callback', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export interface Call {
  readonly id: string;
  readonly userId: string | null;
  readonly direction: string;
  readonly phoneNumber: string;
  readonly lineNumber: string | null;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly status: string;
  readonly cost: number | null;
  readonly currency: string | null;
  readonly crm: { readonly type: string; readonly id: string } | null;
  readonly hasRecording: boolean;
}

export interface CallPage {
  readonly items: readonly Call[];
  readonly nextCursor: string | null;
}

export interface CallTotals {
  readonly count: number;
  readonly answered: number;
  readonly missed: number;
  readonly totalDurationSec: number;
  readonly averageDurationSec: number;
  readonly totalCost: number;
}

export interface CallStats {
  readonly totals: CallTotals;
  readonly groups: readonly (CallTotals & { readonly key: string | null })[];
}

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

export interface CheckAnswer {
  readonly allowed: boolean;
  readonly level: string;
  readonly detail: string;
  readonly classification?: string;
  /** Outbound calls: the rule that decided, and the line the call would go out from. */
  readonly rule?: OutboundRule;
  readonly line?: string | null;
  readonly reasons?: readonly Reason[];
  /** A check naming a call: the call's employee, null when none. */
  readonly owner?: string | null;
}

export interface OutboundAnswer {
  readonly callId: string;
  readonly classification: string;
  readonly rule: OutboundRule;
  readonly to: string;
}

/** A line's access list (GET/PUT /numbers/{number}/access): [] is everyone. */
export interface LineAccess {
  readonly number: string;
  readonly accessCodes: readonly string[];
  readonly version: number;
}

/** PUT /numbers/{number}/access's answer: who gains or loses the use of the line. */
export interface LineAccessAnswer extends LineAccess {
  readonly dryRun: boolean;
  readonly changes: readonly { userId: string; userName: string; gains: boolean }[];
}

/** Settings section `outbound-policy` (SPEC §5 rule 4). */
export interface DestinationPolicy {
  readonly premiumRate: 'block' | 'allow';
  readonly international: {
    readonly mode: 'any' | 'listed' | 'none';
    readonly countries: readonly string[];
  };
}

export interface SettingsDocument<V> {
  readonly section: string;
  readonly value: V;
  readonly version: number;
}

export const DEVICES = ['softphone', 'sip', 'mobile'] as const;
export type Device = (typeof DEVICES)[number];

export interface UserSettings {
  readonly userId: string;
  readonly device: Device | null;
  readonly sipLogin: string | null;
  readonly sipSecret?: string | null;
  readonly hasSipSecret: boolean;
  readonly callerIdNumber: string | null;
  readonly version: number;
}

export interface FolderEntry {
  readonly accessCode: string;
  readonly access: 'read' | 'none';
}

export interface FolderSection {
  readonly section: 'recordings-folder';
  readonly value: { readonly entries: readonly FolderEntry[] };
  readonly version: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly type: string;
  readonly subject: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly detail?: unknown;
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  readonly nextCursor: string | null;
}

export interface RentedNumber {
  readonly number: string;
  readonly country: string;
  readonly monthlyFee: number;
  readonly currency: string;
  readonly rentedAt: string;
  readonly connection: {
    readonly host: string | null;
    readonly username: string | null;
    readonly hasPassword: boolean;
  };
}

export interface LedgerEntry {
  readonly id: string;
  readonly at: string;
  readonly amount: number;
  readonly currency: string;
  readonly kind: string;
  readonly description: string;
}

export interface Balance {
  readonly balance: number;
  readonly currency: string;
  readonly ledger: readonly LedgerEntry[];
}
