import { type Static, Type } from '@sinclair/typebox';
import { PERMISSION_KEYS } from '../../engine/catalogue.js';
import { CallgateError } from '../../errors.js';
import { checkManyForAsker, parseCheckRequest } from '../../telephony/check.js';
import { readEffectivePermissions } from '../../telephony/permissions.js';
import {
  type Editor,
  createRole,
  deleteRole,
  listRoles,
  replaceAssignmentSet,
  updateRole,
} from '../../telephony/role-admin.js';
import { needs, signedIn } from '../access.js';
import { errorBody, toHttpError } from '../errors.js';
import { parseIfMatch } from '../if-match.js';
import type { RouteModule } from '../app.js';
import { type UserPrincipal, userOf } from '../principal.js';
import {
  DestinationSchema,
  IdParam,
  LevelSchema,
  Nullable,
  OutboundRuleSchema,
  ReasonsSchema,
  errors,
} from '../schemas.js';
import { EffectivePermissionsSchema } from './me.js';

const Levels = Type.Object(Object.fromEntries(PERMISSION_KEYS.map((key) => [key, Type.String()])), {
  additionalProperties: true,
  description: 'one level for every permission of the catalogue',
});
const RoleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  permissions: Levels,
  version: Type.Integer(),
});
const RoleBody = Type.Object(
  {
    id: Type.Optional(IdParam),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    permissions: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
);
export const LevelChangeSchema = Type.Object({
  userId: Type.String(),
  userName: Type.String(),
  permission: Type.String(),
  from: Type.String(),
  to: Type.String(),
});
export const DryRunQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Union([
        Type.Literal('1'),
        Type.Literal('true'),
        Type.Literal('0'),
        Type.Literal('false'),
      ]),
    ),
  },
  { additionalProperties: false },
);
export const DryRunAnswer = Type.Object({
  dryRun: Type.Literal(true),
  changes: Type.Array(LevelChangeSchema),
});
const AssignmentSchema = Type.Object(
  {
    roleId: IdParam,
    accessCode: Type.String({ minLength: 1, maxLength: 200 }),
    expiresAt: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  },
  { additionalProperties: false },
);
const CheckQuestion = Type.Object(
  {
    userId: Type.Optional(IdParam),
    permission: Type.String({ maxLength: 64 }),
    callId: Type.Optional(IdParam),
    targetUserId: Type.Optional(IdParam),
    phoneNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    line: Type.Optional(Type.String({ maxLength: 16 })),
    explain: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const CheckAnswerFields = {
  allowed: Type.Optional(Type.Boolean()),
  level: Type.Optional(LevelSchema),
  reasons: Type.Optional(ReasonsSchema()),
  detail: Type.Optional(Type.String()),
  classification: Type.Optional(DestinationSchema),
  rule: Type.Optional(OutboundRuleSchema),
  destination: Type.Optional(Type.String()),
  line: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  owner: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: "a check naming a call: the call's employee, null when none",
    }),
  ),
  error: Type.Optional(Type.Object({}, { additionalProperties: true })),
};
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) });

export const isDryRun = (query: Static<typeof DryRunQuery>): boolean =>
  query.dryRun === '1' || query.dryRun === 'true';
const editorOf = (principal: UserPrincipal): Editor => ({
  actor: `user:${principal.identity.userId}`,
  userId: principal.identity.userId,
});

/** Roles, the assignment set, effective permissions and checks (API.md, SPEC §4, §8, §9). */
export const permissionRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['permissions'];
  const admin = needs('telephony', 'telephonySettings.modify');
  const options = (query: Static<typeof DryRunQuery>, principal: ReturnType<typeof userOf>) => ({
    dryRun: isDryRun(query),
    now: services.now(),
    previous: principal.state,
  });

  app.get(
    '/api/v1/roles',
    {
      config: admin,
      schema: { tags, response: { 200: Type.Array(RoleSchema), ...errors(401, 403) } },
    },
    async (request) => listRoles(db, userOf(request).identity.accountId),
  );

  app.post(
    '/api/v1/roles',
    {
      config: admin,
      schema: {
        tags,
        querystring: DryRunQuery,
        body: RoleBody,
        response: { 201: RoleSchema, 200: DryRunAnswer, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const { applied, changes, result } = await db
        .transaction()
        .execute((trx) =>
          createRole(
            trx,
            principal.identity.accountId,
            request.body,
            editorOf(principal),
            options(request.query, principal),
          ),
        );
      if (!applied) return reply.send({ dryRun: true as const, changes });
      return reply.status(201).header('etag', `"${result.version}"`).send(result);
    },
  );

  app.put(
    '/api/v1/roles/:id',
    {
      config: admin,
      schema: {
        tags,
        params: Type.Object({ id: IdParam }),
        headers: IfMatch,
        querystring: DryRunQuery,
        body: RoleBody,
        response: {
          200: Type.Union([RoleSchema, DryRunAnswer]),
          ...errors(400, 401, 403, 404, 412),
        },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const version = parseIfMatch(request.headers['if-match']);
      const { applied, changes, result } = await db
        .transaction()
        .execute((trx) =>
          updateRole(
            trx,
            principal.identity.accountId,
            request.params.id,
            version,
            request.body,
            editorOf(principal),
            options(request.query, principal),
          ),
        );
      if (!applied) return reply.send({ dryRun: true as const, changes });
      return reply.header('etag', `"${result.version}"`).send(result);
    },
  );

  app.delete(
    '/api/v1/roles/:id',
    {
      config: admin,
      schema: {
        tags,
        params: Type.Object({ id: IdParam }),
        headers: IfMatch,
        querystring: DryRunQuery,
        response: { 200: DryRunAnswer, 204: Type.Null(), ...errors(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const header = request.headers['if-match'];
      const version = header === undefined ? undefined : parseIfMatch(header);
      const { applied, changes } = await db
        .transaction()
        .execute((trx) =>
          deleteRole(
            trx,
            principal.identity.accountId,
            request.params.id,
            version,
            editorOf(principal),
            options(request.query, principal),
          ),
        );
      if (!applied) return reply.send({ dryRun: true as const, changes });
      return reply.status(204).send(null);
    },
  );

  const AssignmentSet = Type.Object({
    version: Type.Integer(),
    items: Type.Array(AssignmentSchema),
  });

  app.get(
    '/api/v1/role-assignments',
    { config: admin, schema: { tags, response: { 200: AssignmentSet, ...errors(401, 403) } } },
    (request, reply) => {
      const { state } = userOf(request);
      const version = state.account.assignmentsVersion;
      void reply.header('etag', `"${version}"`);
      return { version, items: [...state.assignments] };
    },
  );

  app.put(
    '/api/v1/role-assignments',
    {
      config: admin,
      schema: {
        tags,
        headers: IfMatch,
        querystring: DryRunQuery,
        body: Type.Object(
          { items: Type.Array(AssignmentSchema, { maxItems: 10_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Union([AssignmentSet, DryRunAnswer]), ...errors(400, 401, 403, 412) },
      },
    },
    async (request, reply) => {
      const principal = userOf(request);
      const version = parseIfMatch(request.headers['if-match']);
      const { applied, changes, result } = await db
        .transaction()
        .execute((trx) =>
          replaceAssignmentSet(
            trx,
            principal.identity.accountId,
            version,
            request.body.items,
            editorOf(principal),
            options(request.query, principal),
          ),
        );
      if (!applied) return reply.send({ dryRun: true as const, changes });
      return reply.header('etag', `"${result.version}"`).send(result);
    },
  );

  app.get(
    '/api/v1/users/:id/effective-permissions',
    {
      config: signedIn(
        'telephony',
        'a user reads their own; anyone else needs telephonySettings.modify, checked in the handler',
      ),
      schema: {
        tags,
        params: Type.Object({ id: IdParam }),
        response: { 200: EffectivePermissionsSchema, ...errors(401, 403, 404) },
      },
    },
    (request) => {
      const { identity, state } = userOf(request);
      return readEffectivePermissions(
        state.policy,
        state.directory.users,
        identity.userId,
        request.params.id,
      ).permissions;
    },
  );

  app.post(
    '/api/v1/permissions/check',
    {
      config: signedIn(
        'telephony',
        'a user may ask about themself; asking about another needs telephonySettings.modify, checked in the handler',
      ),
      schema: {
        tags,
        description:
          'One question, or `{"items": [...]}` of up to 1,000 answered in order as `{"items": [...]}` (an item that cannot be answered holds `{"error": {...}}` in its place). A batch is one request for the rate limits.',
        body: Type.Union([
          CheckQuestion,
          Type.Object(
            { items: Type.Array(CheckQuestion, { minItems: 1, maxItems: 1000 }) },
            { additionalProperties: false },
          ),
        ]),
        response: {
          // One object with optional fields rather than a union: the serializer of a union
          // tries each branch, and this is the busiest route.
          200: Type.Object({
            ...CheckAnswerFields,
            items: Type.Optional(Type.Array(Type.Object(CheckAnswerFields))),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const body = request.body;
      const questions = 'items' in body ? body.items : [body];
      const parsed = questions.map((question, i) => {
        try {
          return parseCheckRequest(
            { ...question, userId: question.userId ?? identity.userId },
            'items' in body ? `body.items[${i}]` : 'body',
          );
        } catch (error) {
          return toHttpError(error);
        }
      });
      const answers = await checkManyForAsker(
        db,
        identity.accountId,
        state.policy,
        identity.userId,
        parsed,
      );
      answers.forEach((answer, i) => {
        const question = questions[i]!;
        if (!(answer instanceof CallgateError))
          services.metrics.decisions.inc({
            permission: question.permission,
            outcome: answer.allowed ? 'allowed' : 'denied',
          });
      });
      if ('items' in body)
        return {
          items: answers.map((answer) =>
            answer instanceof CallgateError ? errorBody(answer) : answer,
          ),
        };
      const [answer] = answers;
      if (answer instanceof CallgateError) throw answer;
      return answer!;
    },
  );
};
