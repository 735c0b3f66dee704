import type { Executor } from '../store/database.js';
import { readableCrmClientOf } from './crm-clients.js';
import {
  type Dialer,
  type OutboundCall,
  type OutboundDecision,
  decideOutbound,
  refusalOf,
  resolveCallerId,
} from './outbound.js';
import type { PolicyState } from './policy.js';

/** A call a user asks to place: `POST /api/v1/calls/outbound`, a Bitrix24 callback or info call. */
export interface CallToPlace {
  readonly userId: string;
  readonly to: string;
  /** The line asked for (`from`, FROM_LINE): a number the account rents. */
  readonly line?: string;
  readonly source: OutboundCall['source'];
  readonly direction?: 'outbound' | 'callback';
}

export interface PlacedCall {
  readonly callId: string;
  /** The CRM client called, when the number is one the caller may read (the call's `crm`). */
  readonly crmClient?: { readonly type: string; readonly id: string; readonly name: string };
  /** The number dialled, normalised to E.164 where it could be. */
  readonly to: string;
  readonly decision: OutboundDecision;
}

/**
 * Places a user's outbound call once SPEC §5 allows it, in its order (decideOutbound: the
 * one decision, audited there): refused, it throws `destination_not_allowed` with the reason,
 * the level, the class and the rule; allowed, the dialer places it and the call is recorded.
 * The line asked for must be one the account rents, except for an emergency call, which goes
 * out whatever is wrong with the line, with the caller ID it can have. `observe` sees every
 * decision before anything is thrown (metrics, logs).
 */
export async function placeOutboundCall(
  db: Executor,
  dialer: Dialer,
  state: PolicyState,
  call: CallToPlace,
  now: number,
  appId: string | null,
  observe?: (decision: OutboundDecision) => void,
): Promise<PlacedCall> {
  const accountId = state.account.id;
  const decision = await decideOutbound(
    db,
    state,
    {
      userId: call.userId,
      caller: call.userId,
      to: call.to,
      ...(call.line !== undefined && { line: call.line }),
      source: call.source,
    },
    now,
    appId,
  );
  observe?.(decision);
  if (!decision.allowed) throw refusalOf(decision);
  const { explanation } = decision;
  // The line the engine decided on is the caller ID: the one asked (it must be rented),
  // else the caller's own, else the account's default.
  const from =
    decision.rule === 'emergencyNumber'
      ? await resolveCallerId(db, accountId, call.userId, call.line).catch(() => null)
      : call.line !== undefined
        ? await resolveCallerId(db, accountId, call.userId, call.line)
        : (explanation.line ?? null);
  const to = explanation.destination ?? call.to.trim();
  // A call to a CRM client names it, on the call record (`crm`) and in the answer.
  const client =
    decision.classification === 'crmClient'
      ? await readableCrmClientOf(db, state.policy, accountId, call.userId, to)
      : undefined;
  const { callId } = await dialer.place({
    accountId,
    userId: call.userId,
    to,
    from,
    ...(call.direction !== undefined && { direction: call.direction }),
    crm: client === undefined ? null : { type: client.type, id: client.id },
  });
  return {
    callId,
    to,
    decision,
    ...(client !== undefined && {
      crmClient: { type: client.type, id: client.id, name: client.name },
    }),
  };
}
