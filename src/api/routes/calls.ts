import { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type {
  CallDirection,
  CallListOptions,
  CallRecord,
  CallSort,
  CallStatus,
} from '../../store/calls.js';
import { userNames } from '../../telephony/directory.js';
import { type CallViewer, listVisibleCalls, visibleCallsCsv } from '../../telephony/call-list.js';
import { STATS_GROUPS, visibleCallStats } from '../../telephony/call-stats.js';
import { findVisibleCall } from '../../telephony/call-visibility.js';
import {
  CALL_DIRECTIONS,
  CALL_SORTS,
  CALL_STATUSES,
  CallRecordSchema,
  checkTimeRange,
  importCalls,
  resolveViewer,
} from '../../telephony/calls.js';
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
  userName: Nullable(
    Type.String({
      description:
        'the name of the employee who took the call (null when nobody did, or the directory no longer has them), so a list names them without the whole directory',
    }),
  ),
});

/**
 * A call as the API shows it: the storage reference of its recording stays inside; the
 * employee is named from the account's directory (`userNames`).
 */
export function presentCall(
  call: CallRecord,
  names: ReadonlyMap<string, string>,
): Static<typeof CallSchema> {
  const { recordingRef, ...rest } = call;
  return {
    ...rest,
    crm: call.crm === null ? null : { ...call.crm },
    hasRecording: recordingRef !== null,
    userName: call.userId === null ? null : (names.get(call.userId) ?? null),
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

/** The call list's filters and order, the same for its pages and its CSV export. */
const ListFilters = {
  ...Range,
  userId: Type.Optional(IdParam),
  viewAs: Type.Optional(ViewAsParam),
  direction: Type.Optional(literals(CALL_DIRECTIONS)),
  status: Type.Optional(literals(CALL_STATUSES)),
  phoneNumber: Type.Optional(
    Type.String({
      pattern: '^\\+?[0-9]{1,16}$',
      description: "the start of the other party's number as stored, E.164 (`+1415`)",
    }),
  ),
  sort: Type.Optional(
    Type.Union(
      CALL_SORTS.map((v) => Type.Literal(v)),
      {
        description:
          'startedAt, durationSec or cost, ascending, or descending with a leading `-`; `-startedAt` (newest first) when absent. A cursor pages only the order it was given for.',
      },
    ),
  ),
};

type ListQuery = {
  from?: string;
  to?: string;
  userId?: string;
  viewAs?: string;
  direction?: string;
  status?: string;
  phoneNumber?: string;
  sort?: string;
};

/** The viewer and the list options a list or export query names. */
function listRequest(
  query: ListQuery,
  identity: { accountId: string; userId: string },
  policy: CallViewer['policy'],
): { viewer: CallViewer; options: Omit<CallListOptions, 'limit' | 'cursor'> } {
  checkTimeRange(query);
  const { from, to, userId, direction, status, phoneNumber, sort, viewAs } = query;
  return {
    viewer: {
      accountId: identity.accountId,
      userId: identity.userId,
      policy,
      ...(viewAs !== undefined && { viewAs }),
    },
    options: {
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      ...(userId !== undefined && { userId }),
      ...(direction !== undefined && { direction: direction as CallDirection }),
      ...(status !== undefined && { status: status as CallStatus }),
      ...(phoneNumber !== undefined && { phonePrefix: phoneNumber }),
      ...(sort !== undefined && { sort: sort as CallSort }),
    },
  };
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
            ...ListFilters,
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
      const { limit = 50, cursor } = request.query;
      const { viewer, options } = listRequest(
        request.query,
        principal.identity,
        principal.state.policy,
      );
      const page = await services.reads.run(readerOf(principal), (reader) =>
        listVisibleCalls(reader, viewer, {
          kind: 'page',
          limit,
          ...options,
          ...(cursor !== undefined && { cursor }),
        }),
      );
      const names = userNames(principal.state.directory);
      return {
        items: page.items.map((call) => presentCall(call, names)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/api/v1/calls/export.csv',
    {
      config: needs('telephony', 'callStats.view'),
      schema: {
        tags,
        description:
          'Every call the list would page through with these filters and order, as CSV (RFC 4180, a header row), streamed page by page; only calls in scope.',
        querystring: Type.Object(ListFilters, { additionalProperties: false }),
        response: { ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const { viewer, options } = listRequest(
        request.query,
        principal.identity,
        principal.state.policy,
      );
      // Refuse a viewAs that may not be used before the 200 and the first byte go out.
      resolveViewer(viewer.policy, viewer.userId, viewer.viewAs);
      const lines = visibleCallsCsv((cursor) =>
        services.reads.run(readerOf(principal), (reader) =>
          listVisibleCalls(reader, viewer, {
            kind: 'page',
            limit: 1000,
            ...options,
            ...(cursor !== null && { cursor }),
          }),
        ),
      );
      const stamp = new Date(services.now()).toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="calls-${stamp}.csv"`)
        .send(Readable.from(lines));
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
  const UserGroup = Type.Intersect([
    Group,
    Type.Object({
      name: Nullable(
        Type.String({
          description:
            "the user's name (null for calls nobody took, or a user the directory no longer has), so a chart names them without the whole directory",
        }),
      ),
    }),
  ]);

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
            byUser: Type.Optional(Type.Array(UserGroup)),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const principal = userOf(request);
      checkTimeRange(request.query);
      const { from, to, groupBy, alsoByUser, viewAs } = request.query;
      const viewer = {
        accountId: principal.identity.accountId,
        userId: principal.identity.userId,
        policy: principal.state.policy,
        ...(viewAs !== undefined && { viewAs }),
      };
      const stats = await services.reads.run(readerOf(principal), (reader) =>
        visibleCallStats(reader, viewer, {
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
          ...(groupBy !== undefined && { groupBy: groupBy as (typeof STATS_GROUPS)[number] }),
          ...(alsoByUser === true && { alsoByUser }),
        }),
      );
      const { byUser, ...rest } = stats;
      if (byUser === undefined) return rest;
      const names = userNames(principal.state.directory);
      return {
        ...rest,
        byUser: byUser.map((group) => ({
          ...group,
          name: group.key === null ? null : (names.get(group.key) ?? null),
        })),
      };
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
      const viewer = {
        accountId: identity.accountId,
        userId: identity.userId,
        policy: state.policy,
      };
      const call = await services.reads.run(readerOf(principal), (reader) =>
        findVisibleCall(reader, viewer, request.params.id),
      );
      return presentCall(call, userNames(state.directory));
    },
  );
};
