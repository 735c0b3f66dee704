import { randomUUID } from 'node:crypto';
import { insertCalls } from '../store/calls.js';
import type { Executor } from '../store/database.js';
import type { Dialer } from './outbound.js';

/**
 * The default dialer: no PBX is attached, so an allowed call is recorded as placed — an
 * outbound call record with status `placed` — and its id returned.
 */
export function recordingDialer(db: Executor, now: () => number): Dialer {
  return {
    async place({ accountId, userId, to, from, direction, crm = null }) {
      const callId = `out-${randomUUID()}`;
      await insertCalls(db, accountId, [
        {
          id: callId,
          userId,
          direction: direction ?? 'outbound',
          phoneNumber: to,
          lineNumber: from,
          startedAt: new Date(now()).toISOString(),
          durationSec: 0,
          status: 'placed',
          cost: null,
          currency: null,
          crm,
          recordingRef: null,
        },
      ]);
      return { callId };
    },
  };
}
