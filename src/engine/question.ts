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

/**
 * A rule that decided without (or on top of) a role, with its parameters: data, worded by
 * each surface for its reader (STYLE rule 16). One member per rule and shape, so a reader
 * that switches on `rule` finds exactly the parameters that rule carries; the API's
 * schema of a reason (api/schemas.ts, ReasonSchema) is checked against this type.
 */
export type RuleReason =
  /** Administrators hold the highest level of each permission (SPEC §4). */
  | { readonly rule: 'accountAdministrator'; readonly level: Level }
  | { readonly rule: 'freePlanDefaults' }
  | { readonly rule: 'recordingsFolder' }
  | { readonly rule: 'blockedNumber' }
  | { readonly rule: 'internalCall' }
  | { readonly rule: 'inactiveUser' }
  | { readonly rule: 'unknownUser' }
  /** The region whose metadata says so, or the account's own list. */
  | { readonly rule: 'emergencyNumber'; readonly region: string }
  | { readonly rule: 'emergencyNumber'; readonly accountList: true }
  /** `postDial`: the dial string has an extension, pause or post-dial part. */
  | { readonly rule: 'invalidNumber'; readonly postDial?: true }
  /** The setting that refuses; for international calls, its mode and the number's region. */
  | { readonly rule: 'destinationPolicy'; readonly setting: 'premiumRate' }
  | {
      readonly rule: 'destinationPolicy';
      readonly setting: 'international';
      readonly mode: 'listed' | 'none';
      readonly region: string;
    }
  /** The line, and whether the account rents it. */
  | { readonly rule: 'lineAccess'; readonly line: string; readonly rented: boolean };

export type Rule = RuleReason['rule'];

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
