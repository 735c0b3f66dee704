import { Type } from '@sinclair/typebox';
import type { Explanation } from '../../engine/decide.js';
import { normalizePhoneNumber } from '../../engine/phone-number.js';
import { CallgateError } from '../../errors.js';
import { decideOutbound, resolveCallerId, resolvePbxCaller } from '../../telephony/outbound.js';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { errors } from '../schemas.js';

const Dialled = Type.String({ minLength: 1, maxLength: 40 });

/** The rule that decided, as a metrics label: the last rule reason, else the level. */
function ruleOf(explanation: Explanation): string {
  const rules = explanation.reasons.flatMap((reason) =>
    'rule' in reason && typeof reason.rule === 'string' ? [reason.rule] : [],
  );
  return rules.at(-1) ?? 'level';
}

/** Placing calls and the hook a PBX asks before dialling (API.md, SPEC §5). */
export const outboundRoutes: RouteModule = (app, services) => {
  const { db } = services.store;
  const tags = ['outbound'];

  app.post(
    '/api/v1/calls/outbound',
    {
      // Internal calls need no level, so the gate cannot demand outboundCall.perform > none.
      config: signedIn(
        'telephony',
        'the engine decides outboundCall.perform per destination; internal calls need no level',
      ),
      schema: {
        tags,
        body: Type.Object(
          { to: Dialled, from: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            callId: Type.String(),
            classification: Type.String(),
            to: Type.String(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { identity, state } = userOf(request);
      const now = services.now();
      const decision = await db
        .transaction()
        .execute((trx) => decideOutbound(trx, state, identity.userId, request.body.to, 'api', now));
      services.metrics.decisions.inc({
        permission: 'outboundCall.perform',
        outcome: decision.allowed ? 'allowed' : 'denied',
      });
      if (!decision.allowed) {
        throw new CallgateError('destination_not_allowed', decision.reason, {
          permission: 'outboundCall.perform',
          level: decision.explanation.level,
          classification: decision.classification,
        });
      }
      const from = await resolveCallerId(
        db,
        identity.accountId,
        identity.userId,
        request.body.from,
      );
      const to =
        decision.classification === 'internal'
          ? request.body.to.trim()
          : (normalizePhoneNumber(request.body.to, state.account.defaultCountry) ??
            request.body.to);
      const { callId } = await services.dialer.place({
        accountId: identity.accountId,
        userId: identity.userId,
        to,
        from,
      });
      return reply.status(201).send({ callId, classification: decision.classification, to });
    },
  );

  app.get(
    '/api/v1/pbx/authorize',
    {
      // A refusal is audited (SPEC §11): a HEAD, which must change nothing, has no route.
      exposeHeadRoute: false,
      config: {
        ...signedIn(
          'pbx',
          'the PBX application asks for any caller of its account; the engine decides for that caller',
        ),
        pbxHook: true,
      },
      schema: {
        tags,
        querystring: Type.Object(
          { from: Type.String({ minLength: 1, maxLength: 64 }), to: Dialled },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            allowed: Type.Boolean(),
            classification: Type.String(),
            reason: Type.String(),
            userId: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { state } = userOf(request);
      const { metrics } = services;
      if (services.isEmergencyCall(state, request.query)) metrics.emergencyCalls.inc();
      const caller = resolvePbxCaller(state, request.query.from);
      // An unknown caller is refused, never waved through: every failure path denies.
      if (caller === undefined) {
        metrics.hookAnswers.inc({
          classification: 'invalid',
          rule: 'unknownCaller',
          outcome: 'refused',
        });
        return {
          allowed: false,
          classification: 'invalid',
          reason: `no user or extension "${request.query.from}" in this account`,
          userId: null,
        };
      }
      // No transaction around it: an allowed call writes nothing, and a refusal's audit
      // entry opens its own (appendAudit). BEGIN and COMMIT for every answer cost the hook
      // about a fifth of its throughput on SQLite.
      const decision = await decideOutbound(
        db,
        state,
        caller,
        request.query.to,
        'pbx',
        services.now(),
      );
      metrics.hookAnswers.inc({
        classification: decision.classification,
        rule: ruleOf(decision.explanation),
        outcome: decision.allowed ? 'allowed' : 'refused',
      });
      return {
        allowed: decision.allowed,
        classification: decision.classification,
        reason: decision.reason,
        userId: caller,
      };
    },
  );
};
