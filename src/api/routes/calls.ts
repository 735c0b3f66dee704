import { type Static, Type } from '@sinclair/typebox';
import { decide, scopeFilter } from '../../engine/decide.js';
import { isIsoInstant } from '../../engine/roles.js';
import { CallgateError } from '../../errors.js';
import {
  CALL_DIRECTIONS,
  type CallDirection,
  type CallRecord,
  STATS_GROUPS,
  callStats,
  findCall,
} from '../../store/calls.js';
import { listVisibleCalls } from '../../telephony/call-list.js';
import { CallRecordSchema, importCalls, resolveViewer } from '../../telephony/calls.js';
import { needs, signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { readerOf, userOf } from '../principal.js';
import { IdParam, Nullable, errors } from '../schemas.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const CallSchema = Type.Object({
  id: Type.String(),
  userId: Nullable(Type.String()),
  direction: Type.String(),
  phoneNumber: Type.String(),
  lineNumber: Nullable(Type.String()),
  startedAt: Type.String(),
  durationSec: Type.Integer(),
  status: Type.String(),
  cost: Nullable(Type.Number()),
  currency: Nullable(Type.String()),
  crm: Nullable(Type.Object({ type: Type.String(), id: Type.String() })),
  hasRecording: Type.Boolean(),
});

/** A call as the API shows it: the storage reference of its recording stays inside. */
export function presentCall(call: CallRecord): Static<typeof CallSchema> {
  const { recordingRef, ...rest } = call;
  return {
    ...rest,
    crm: call.crm === null ? null : { ...call.crm },
    hasRecording: recordingRef !== null,
  };
}

/** Only account administrators may see as another user: see resolveViewer. */
const ViewAsParam = Type.String({
  pattern: IdParam.pattern,
  description:
    "another user's id, to see the calls as they would (account administrators only; anyone else naming another user gets 403)",
});

const Instant = Type.String({ maxLength: 40, description: 'ISO 8601 date-time with a zone' });
const Range = { from: Type.Optional(Instant), to: Type.Optional(Instant) };

function checkRange(query: { from?: string; to?: string }): void {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isIsoInstant(value)) {
      throw new CallgateError(
        'invalid_request',
        `${field} must be an ISO 8601 date-time with a zone`,
        {
          fields: [
            { path: `querystring.${field}`, message: 'must be an ISO 8601 date-time with a zone' },
          ],
        },
      );
    }
  }
}

/** Call ingest, the call list, statistics and call details (API.md, SPEC §4, §7). */
export const callRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['calls'];

  app.post(
    '/api/v1/calls',
    {
      config: signedIn(
        'calls.write',
        'ingest is for applications holding calls.write, acting for any user of the account',
      ),
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        tags,
        body: Type.Union([
          CallRecordSchema,
          Type.Object(
            { items: Type.Array(CallRecordSchema, { maxItems: 10_000 }) },
            { additionalProperties: false },
          ),
        ]),
        response: {
          201: Type.Object({ imported: Type.Integer(), ids: Type.Array(Type.String()) }),
          ...errors(400, 401, 403, 409, 413),
        },
      },
    },
    async (request, reply) => {
      const { identity } = userOf(request);
      const body = request.body;
      const records = 'items' in body ? body.items : [body];
      const result = await db.transaction().execute((trx) =>
        importCalls(
          trx,
          identity.accountId,
          records.map((record, i) => ({
            where: 'items' in body ? `body.items[${i}]` : 'body',
            record,
          })),
          `user:${identity.userId}`,
          services.now(),
        ),
      );
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/v1/calls',
    {
      config: needs('telephony', 'callStats.view'),
      schema: {
        tags,
        querystring: Type.Object(
          {
            ...Range,
            userId: Type.Optional(IdParam),
            viewAs: Type.Optional(ViewAsParam),
            direction: Type.Optional(literals(CALL_DIRECTIONS)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(CallSchema), nextCursor: Nullable(Type.String()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const principal = userOf(request);
      const { identity, state } = principal;
      const { from, to, userId, direction, limit = 50, cursor, viewAs } = request.query;
      checkRange(request.query);
      const viewer = {
        accountId: identity.accountId,
        userId: identity.userId,
        policy: state.policy,
        ...(viewAs !== undefined && { viewAs }),
      };
      const page = await services.reads.run(readerOf(principal), (reader) =>
        listVisibleCalls(reader, viewer, {
          kind: 'page',
          limit,
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
          ...(userId !== undefined && { userId }),
          ...(direction !== undefined && { direction: direction as CallDirection }),
          ...(cursor !== undefined && { cursor }),
        }),
      );
      return { items: page.items.map(presentCall), nextCursor: page.nextCursor };
    },
  );

  const Totals = Type.Object({
    count: Type.Integer(),
    answered: Type.Integer(),
    missed: Type.Integer(),
    totalDurationSec: Type.Number(),
    averageDurationSec: Type.Number(),
    totalCost: Type.Number(),
  });

  const Group = Type.Intersect([Type.Object({ key: Nullable(Type.String()) }), Totals]);

  app.get(
    '/api/v1/calls/stats',
    {
      config: needs('telephony', 'callStats.view'),
      schema: {
        tags,
        querystring: Type.Object(
          {
            ...Range,
            groupBy: Type.Optional(literals(STATS_GROUPS)),
            alsoByUser: Type.Optional(
              Type.Boolean({
                description:
                  'also the groups per user (`byUser`), from the same read: a page showing both charts asks once',
              }),
            ),
            viewAs: Type.Optional(ViewAsParam),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            totals: Totals,
            groups: Type.Array(Group),
            byUser: Type.Optional(Type.Array(Group)),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const principal = userOf(request);
      checkRange(request.query);
      const { from, to, groupBy, alsoByUser, viewAs } = request.query;
      const scope = scopeFilter(
        principal.state.policy,
        resolveViewer(principal.state.policy, principal.identity.userId, viewAs),
        'callStats.view',
      );
      return services.reads.run(readerOf(principal), (reader) =>
        callStats(reader, principal.identity.accountId, scope, {
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
          ...(groupBy !== undefined && { groupBy: groupBy as (typeof STATS_GROUPS)[number] }),
          ...(alsoByUser === true && { alsoByUser }),
        }),
      );
    },
  );

  app.get(
    '/api/v1/calls/:id',
    {
      config: needs('telephony', 'callStats.view'),
      schema: {
        tags,
        params: Type.Object({ id: IdParam }),
        response: { 200: CallSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const principal = userOf(request);
      const { identity, state } = principal;
      const call = await services.reads.run(readerOf(principal), (reader) =>
        findCall(reader, identity.accountId, request.params.id),
      );
      // Out of scope reads as not found, so nobody learns another's call exists (SPEC §10).
      if (
        !call ||
        !decide(state.policy, {
          userId: identity.userId,
          permission: 'callStats.view',
          targetUserId: call.userId,
        }).allowed
      ) {
        throw new CallgateError('not_found', `call ${request.params.id} not found`);
      }
      return presentCall(call);
    },
  );
};
