import { explain } from '../engine/explain.js';
import { isEmergencyCall } from '../engine/outbound-decision.js';
import type { Destination, Explanation, OutboundRule } from '../engine/question.js';
import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findRentedNumber } from '../store/numbers.js';
import { findUserSettings } from '../store/user-settings.js';
import type { PolicyState } from './policy.js';

/** Places calls once allowed; a real PBX plugs in behind this (telephony/dialer.ts has the default). */
export interface Dialer {
  place(call: {
    accountId: string;
    userId: string;
    to: string;
    from: string | null;
    /** `callback` for a callback an application started; `outbound` when absent. */
    direction?: 'outbound' | 'callback';
    /** The CRM client called (the call record's `crm`), when the number is one the caller may read. */
    crm?: { readonly type: string; readonly id: string } | null;
  }): Promise<{ callId: string }>;
}

export interface OutboundDecision {
  readonly allowed: boolean;
  readonly classification: Destination;
  readonly rule: OutboundRule;
  readonly reason: string;
  readonly explanation: Explanation;
  /** False when an emergency call's audit entry could not be written (the call goes on). */
  readonly audited: boolean;
}

/** One outbound call to decide: who places it, to what, from which line. */
export interface OutboundCall {
  /** The user placing it, or undefined when the PBX's `from` names nobody. */
  readonly userId: string | undefined;
  /** What the PBX passed as `from` (the API: the user id). */
  readonly caller: string;
  readonly to: string;
  /** The line it goes out from, when the request names one (`line`, `from`). */
  readonly line?: string;
  readonly source: 'api' | 'pbx' | 'bitrix';
}

/**
 * Decides an outbound call (SPEC §5) and audits it (SPEC §11). `db` is the database, not a
 * transaction: each audit entry is its own transaction, so an emergency call's failing one
 * cannot roll anything back or refuse the call: an emergency call always
 * (`outboundCall.emergency`, with the caller, the line and the number, so administrators
 * see it at once), a refusal always. The same decision whether a user asks through the API
 * or a PBX asks before dialling; a caller the PBX names who is nobody is still asked
 * about, since emergency numbers are allowed to anyone.
 * `appId` is the application whose token asked, named in the entry: a PBX asks for every
 * caller, and the log must say which PBX it was.
 */
export async function decideOutbound(
  db: Executor,
  state: PolicyState,
  call: OutboundCall,
  now: number,
  appId: string | null = null,
): Promise<OutboundDecision> {
  const explanation = explain(state.policy, {
    // An unknown caller is asked about under the name the PBX gave: no user has it.
    userId: call.userId ?? call.caller,
    permission: 'outboundCall.perform',
    phoneNumber: call.to,
    ...(call.line !== undefined && { line: call.line }),
  });
  const classification = explanation.classification ?? 'invalid';
  const rule = explanation.rule ?? 'level';
  const actor: Actor = call.userId === undefined ? 'system' : `user:${call.userId}`;
  const caller = { userId: call.userId ?? null, from: call.caller };
  let audited = true;
  if (rule === 'emergencyNumber') {
    // Nothing may stop an emergency call, a failing audit log included: the call goes on
    // and the caller logs the failure (the route answers `allowed` all the same).
    await appendAudit(
      db,
      state.account.id,
      {
        type: 'outboundCall.emergency',
        actor,
        subject: explanation.destination ?? call.to,
        detail: {
          source: call.source,
          ...(appId !== null && { appId }),
          caller,
          line: explanation.line ?? null,
          number: explanation.destination ?? call.to,
          dialled: call.to,
          reasons: explanation.reasons,
        },
      },
      now,
    ).catch(() => {
      audited = false;
    });
  } else if (!explanation.allowed) {
    await appendAudit(
      db,
      state.account.id,
      {
        type: 'outboundCall.refused',
        actor,
        subject: call.to,
        detail: {
          source: call.source,
          ...(appId !== null && { appId }),
          classification,
          rule,
          level: explanation.level,
          line: explanation.line ?? null,
          reason: explanation.detail,
          ...(call.userId === undefined && { caller }),
        },
      },
      now,
    );
  }
  return {
    allowed: explanation.allowed,
    classification,
    rule,
    reason: explanation.detail,
    explanation,
    audited,
  };
}

/**
 * The refusal a caller answers when an outbound call is not allowed: 403 with the reason,
 * the permission and level, the destination's class and the rule that decided. Every
 * surface that places or registers a call refuses with this one error.
 *
 * @example if (!decision.allowed) throw refusalOf(decision)
 */
export function refusalOf(decision: OutboundDecision): CallgateError {
  return new CallgateError('destination_not_allowed', decision.reason, {
    permission: 'outboundCall.perform',
    level: decision.explanation.level,
    classification: decision.classification,
    rule: decision.rule,
    reasons: decision.explanation.reasons,
    ...(decision.explanation.line != null && { line: decision.explanation.line }),
  });
}

/** The PBX hook's path (API.md): the surface whose emergency answers no rate limit stops. */
export const PBX_HOOK_URL = '/api/v1/pbx/authorize';

/**
 * Is this PBX hook request an emergency call (SPEC §5 rule 1)? Then no refusal may stop it:
 * not a rate limit either. The predicate a rate limiter asks (api/auth.ts today; a
 * `@fastify/rate-limit` `allowList` or `skip` tomorrow) once the request's account is
 * known; it reads the compiled policy only (its bounded cache of numbers), no database.
 *
 * @example isEmergencyHookCall(state, { to: '911' }) // true for a US account
 */
export function isEmergencyHookCall(
  state: PolicyState,
  query: { readonly from?: unknown; readonly to?: unknown; readonly line?: unknown },
): boolean {
  const { from, to, line } = query;
  if (typeof to !== 'string' || to.length === 0 || to.length > 40) return false;
  const caller = typeof from === 'string' ? resolvePbxCaller(state, from) : undefined;
  return isEmergencyCall(state.policy, to, {
    ...(typeof line === 'string' && { line }),
    ...(caller !== undefined && { userId: caller }),
  });
}

/** The caller-ID number for a call: one the account rents, as asked or as the user's setting. */
export async function resolveCallerId(
  db: Executor,
  accountId: string,
  userId: string,
  asked: string | undefined,
): Promise<string | null> {
  if (asked !== undefined) {
    if (!(await findRentedNumber(db, accountId, asked))) {
      throw new CallgateError('invalid_request', `${asked} is not a number this account rents`, {
        fields: [{ path: 'body.from', message: 'not a number of this account' }],
      });
    }
    return asked;
  }
  return (await findUserSettings(db, accountId, userId))?.callerIdNumber ?? null;
}

/**
 * The user a PBX means by `from`: an extension of the account first, then a user id.
 * Undefined when it names nobody: the hook then answers "not allowed".
 */
export function resolvePbxCaller(state: PolicyState, from: string): string | undefined {
  const byExtension = state.policy.phoneBook.extensions.get(from);
  if (byExtension !== undefined) return byExtension;
  return state.policy.users.has(from) ? from : undefined;
}

/** What the PBX hook is asked: the caller, the dialled number, the line it goes out from. */
export interface HookQuery {
  readonly from: string;
  readonly to: string;
  readonly line?: string;
}

/** Whether a PBX hook request is a call to an emergency number (SPEC §5, rule 1). */
export type EmergencyCallPredicate = (state: PolicyState, query: HookQuery) => boolean;
