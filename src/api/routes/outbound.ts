import { Type } from '@sinclair/typebox';
import { PBX_HOOK_URL, decideOutbound, resolvePbxCaller } from '../../telephony/outbound.js';
import { placeOutboundCall } from '../../telephony/place-call.js';
import { signedIn } from '../access.js';
import type { RouteModule } from '../app.js';
import { userOf } from '../principal.js';
import { DestinationSchema, OutboundRuleSchema, errors } from '../schemas.js';

const Dialled = Type.String({ minLength: 1, maxLength: 40 });

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
            classification: DestinationSchema,
            rule: OutboundRuleSchema,
            to: Type.String(),
            crmClient: Type.Optional(
              Type.Object({ type: Type.String(), id: Type.String(), name: Type.String() }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { identity, state } = userOf(request);
      const { to } = request.body;
      const placed = await placeOutboundCall(
        db,
        services.dialer,
        state,
        {
          userId: identity.userId,
          to,
          ...(request.body.from !== undefined && { line: request.body.from }),
          source: 'api',
        },
        services.now(),
        identity.appId,
        (decision) => {
          if (!decision.audited)
            request.log.error({ to }, 'an emergency call could not be audited');
          services.metrics.decisions.inc({
            permission: 'outboundCall.perform',
            outcome: decision.allowed ? 'allowed' : 'denied',
          });
        },
      );
      const { classification, rule } = placed.decision;
      return reply.status(201).send({
        callId: placed.callId,
        classification,
        rule,
        to: placed.to,
        ...(placed.crmClient !== undefined && { crmClient: placed.crmClient }),
      });
    },
  );

  app.get(
    PBX_HOOK_URL,
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
          {
            from: Type.String({ minLength: 1, maxLength: 64 }),
            to: Dialled,
            // Not checked for E.164 here: a 400 must not stop an emergency call. A line the
            // account does not rent is refused by line access, emergency numbers aside.
            line: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            allowed: Type.Boolean(),
            classification: DestinationSchema,
            rule: OutboundRuleSchema,
            reason: Type.String(),
            userId: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { identity, state } = userOf(request);
      const { from, to, line } = request.query;
      // A caller the PBX names who is nobody is still decided on: emergency numbers are
      // allowed to anyone, and everything else is refused (unknownUser), never waved through.
      const caller = resolvePbxCaller(state, from);
      const decision = await decideOutbound(
        db,
        state,
        { userId: caller, caller: from, to, ...(line !== undefined && { line }), source: 'pbx' },
        services.now(),
        identity.appId,
      );
      if (!decision.audited)
        request.log.error({ from, to }, 'an emergency call could not be audited');
      const { metrics } = services;
      if (decision.rule === 'emergencyNumber') metrics.emergencyCalls.inc();
      metrics.hookAnswers.inc({
        classification: decision.classification,
        rule: decision.rule,
        outcome: decision.allowed ? 'allowed' : 'refused',
      });
      return {
        allowed: decision.allowed,
        classification: decision.classification,
        rule: decision.rule,
        reason: decision.reason,
        userId: caller ?? null,
      };
    },
  );
};
