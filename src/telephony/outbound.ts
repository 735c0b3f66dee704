import { type Destination, type Explanation, explain } from '../engine/decide.js';
import { CallgateError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import { findRentedNumber } from '../store/numbers.js';
import { findUserSettings } from '../store/user-settings.js';
import type { PolicyState } from './policy.js';

/** Places calls once allowed; a real PBX plugs in behind this (api/services.ts has the default). */
export interface Dialer {
  place(call: {
    accountId: string;
    userId: string;
    to: string;
    from: string | null;
  }): Promise<{ callId: string }>;
}

export interface OutboundDecision {
  readonly allowed: boolean;
  readonly classification: Destination;
  readonly reason: string;
  readonly explanation: Explanation;
}

/**
 * Decides an outbound call for a user (SPEC §5) and audits a refusal (SPEC §11): the same
 * decision whether the user asks through the API or a PBX asks before dialling.
 */
export async function decideOutbound(
  db: Executor,
  state: PolicyState,
  userId: string,
  to: string,
  source: 'api' | 'pbx',
  now: number,
): Promise<OutboundDecision> {
  const explanation = explain(state.policy, {
    userId,
    permission: 'outboundCall.perform',
    phoneNumber: to,
  });
  const classification = explanation.classification ?? 'invalid';
  if (!explanation.allowed) {
    await appendAudit(
      db,
      state.account.id,
      {
        type: 'outboundCall.refused',
        actor: `user:${userId}`,
        subject: to,
        detail: { source, classification, level: explanation.level, reason: explanation.detail },
      },
      now,
    );
  }
  return { allowed: explanation.allowed, classification, reason: explanation.detail, explanation };
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

/**
 * The one place the rate limits ask whether a hook request is an emergency call: those
 * are never limited (SPEC §5: "nothing below can refuse them — … a rate limit").
 *
 * MERGE POINT (h/outbound): emergency-number detection (Google's short-number metadata and
 * the account's `emergency-numbers` section) lands on that branch; call its exported
 * predicate here. Until then no number is known to be an emergency one.
 */
export const isEmergencyCall: EmergencyCallPredicate = () => false;
