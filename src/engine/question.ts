import type { Level, PermissionKey } from './catalogue.js';

/**
 * One question to the engine. With no target it asks "any level above `none`"; with
 * `targetUserId` it asks whether the actor's scope reaches that user's items (`null` is an
 * item no employee owns, reached only at `any`); with `phoneNumber` it asks whether that
 * destination may be dialled (`outboundCall.perform` only).
 */
export interface Question {
  readonly userId: string;
  readonly permission: PermissionKey;
  readonly targetUserId?: string | null;
  readonly phoneNumber?: string;
  /**
   * The line (a number in E.164) an outbound call goes out from. Omitted: the caller's
   * caller-ID number, else the account's default caller ID, else none (SPEC §5 rule 5).
   */
  readonly line?: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly level: Level;
}

/** What a dialled number is (SPEC §5). `invalid` is text that cannot be a phone number. */
export type Destination =
  'emergency' | 'internal' | 'employee' | 'crmClient' | 'other' | 'blocked' | 'invalid';

/**
 * The rule that decided an outbound call, in the order SPEC §5 applies them (the first
 * that decides wins); `level` is the caller's outboundCall.perform level with its roles.
 */
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

export interface RoleReason {
  readonly roleId: string;
  readonly roleName: string;
  readonly accessCode: string;
  readonly level: Level;
}

/** The rules that decide without (or on top of) a role. */
export type Rule =
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

/** A rule and its parameters: data, worded by each surface for its reader (STYLE rule 16). */
export interface RuleReason {
  readonly rule: Rule;
  readonly level?: Level;
  /** emergencyNumber: the region whose metadata says so; destinationPolicy: the number's. */
  readonly region?: string;
  /** emergencyNumber: the number is on the account's own list. */
  readonly accountList?: true;
  /** destinationPolicy: the setting that refuses, and the international mode. */
  readonly setting?: 'premiumRate' | 'international';
  readonly mode?: 'listed' | 'none';
  /** lineAccess: the line, and whether the account rents it. */
  readonly line?: string;
  readonly rented?: boolean;
  /** invalidNumber: the dial string has an extension, pause or post-dial part. */
  readonly postDial?: true;
}

export type Reason = RoleReason | RuleReason;

export interface Explanation extends Decision {
  readonly reasons: Reason[];
  readonly detail: string;
  readonly classification?: Destination;
  /** Outbound calls: the rule that decided. */
  readonly rule?: OutboundRule;
  /** Outbound calls: what to dial (E.164, an extension, or an emergency number's digits). */
  readonly destination?: string;
  /** Outbound calls: the line the call goes out from, or null when none applies. */
  readonly line?: string | null;
}
