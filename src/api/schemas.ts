import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CATALOGUE, type Level } from '../engine/catalogue.js';
import type { Destination, OutboundRule, Reason } from '../engine/question.js';
import { ID_PATTERN_TEXT } from '../telephony/settings.js';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A string that is one of `values`: `{"type": "string", "enum": [...]}` in the OpenAPI
 * document and their union in TypeScript. A plain string to the serializer (a union of
 * literals would be tried member by member on every answer).
 */
export const StringEnum = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** The members of `T`, from a record that must name each of them: the compiler proves it whole. */
const membersOf = <T extends string>(all: Record<T, true>): T[] => Object.keys(all) as T[];

/** Compiles to `true` only when `A` and `B` are assignable to each other. */
type Mirrors<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `schema` itself, once the compiler has proven that it describes exactly `T`: what a
 * route answers cannot drift from the type its use case returns, either way.
 */
export const describing =
  <T>() =>
  <S extends TSchema>(
    schema: S & (Mirrors<Static<S>, T> extends true ? unknown : { readonly schemaDiffersFrom: T }),
  ): S =>
    schema;

/** Any level of any permission of the catalogue (SPEC §2). */
export const LevelSchema = StringEnum([...new Set<Level>(Object.values(CATALOGUE).flat())]);

/** The rule that decided an outbound call (SPEC §5), in the order the rules apply. */
export const OutboundRuleSchema = StringEnum(
  membersOf<OutboundRule>({
    emergencyNumber: true,
    unknownUser: true,
    inactiveUser: true,
    internalCall: true,
    invalidNumber: true,
    blockedNumber: true,
    destinationPolicy: true,
    lineAccess: true,
    level: true,
  }),
);

/** What a dialled number is (SPEC §5). */
export const DestinationSchema = StringEnum(
  membersOf<Destination>({
    emergency: true,
    internal: true,
    employee: true,
    crmClient: true,
    other: true,
    blocked: true,
    invalid: true,
  }),
);

const ruleOnly = <R extends string>(rule: R) => Type.Object({ rule: Type.Literal(rule) });

/**
 * One reason behind a decision, as the engine gives it (engine/question.ts, `Reason`): a
 * role the level came through, or a rule with its parameters. The web app words each
 * (web/src/reasons.ts); `detail` beside them is the same for logs.
 */
export const ReasonSchema = describing<Reason>()(
  Type.Union(
    [
      // First: most reasons are roles, and the serializer tries the members in order.
      Type.Object({
        roleId: Type.String(),
        roleName: Type.String(),
        accessCode: Type.String(),
        level: LevelSchema,
      }),
      Type.Object({ rule: Type.Literal('accountAdministrator'), level: LevelSchema }),
      ruleOnly('freePlanDefaults'),
      ruleOnly('recordingsFolder'),
      ruleOnly('blockedNumber'),
      ruleOnly('internalCall'),
      ruleOnly('inactiveUser'),
      ruleOnly('unknownUser'),
      Type.Object({ rule: Type.Literal('emergencyNumber'), region: Type.String() }),
      Type.Object({ rule: Type.Literal('emergencyNumber'), accountList: Type.Literal(true) }),
      Type.Object({
        rule: Type.Literal('invalidNumber'),
        postDial: Type.Optional(Type.Literal(true)),
      }),
      Type.Object({
        rule: Type.Literal('destinationPolicy'),
        setting: Type.Literal('premiumRate'),
      }),
      Type.Object({
        rule: Type.Literal('destinationPolicy'),
        setting: Type.Literal('international'),
        mode: StringEnum(['listed', 'none'] as const),
        region: Type.String(),
      }),
      Type.Object({
        rule: Type.Literal('lineAccess'),
        line: Type.String(),
        rented: Type.Boolean(),
      }),
    ],
    {
      $id: 'Reason',
      description:
        'a role the level came through ({roleId, roleName, accessCode, level}) or a rule that decided, with its parameters ({rule, ...})',
    },
  ),
);

/** `reasons` of a decision: every reason behind it, as `POST /permissions/check` gives them. */
export const ReasonsSchema = (description?: string) =>
  Type.Array(Type.Ref(ReasonSchema), description === undefined ? {} : { description });

/**
 * The error body every route may answer (API.md "Errors"): the code and message, and the
 * details some codes add (the permission and level a refusal needed, the reasons behind it,
 * the fields a 400 found wrong, ...).
 */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        fields: Type.Optional(
          Type.Array(
            Type.Object({
              path: Type.String(),
              message: Type.String({ description: 'the validator’s words, in English' }),
              keyword: Type.Optional(
                Type.String({
                  description:
                    'the JSON Schema keyword that refused the value: minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, format, type, anyOf (the value fits none of the alternatives, whose refusals are listed beside it), …',
                }),
              ),
              limit: Type.Optional(
                Type.Number({
                  description:
                    'minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minItems, maxItems: the bound the value missed',
                }),
              ),
              format: Type.Optional(
                Type.String({
                  description:
                    'format: the format expected (uri, email, …); pattern: what the pattern accepts, when it is one of the named ones (e164, id, languageTag, keypadKey, httpUrl, countryCode)',
                }),
              ),
            }),
            { description: 'invalid_request: each field found wrong' },
          ),
        ),
        permission: Type.Optional(
          Type.String({ description: 'permission_denied: the permission it needs' }),
        ),
        requiredLevel: Type.Optional(
          Type.String({ description: 'permission_denied: the lowest level that would do' }),
        ),
        level: Type.Optional(
          Type.String({ description: 'destination_not_allowed: the caller’s level' }),
        ),
        classification: Type.Optional(DestinationSchema),
        rule: Type.Optional(OutboundRuleSchema),
        line: Type.Optional(
          Type.String({
            description: 'destination_not_allowed: the line the call would go out from',
          }),
        ),
        reasons: Type.Optional(
          ReasonsSchema(
            'permission_denied of a recording, destination_not_allowed: the reasons behind the refusal',
          ),
        ),
        owner: Type.Optional(
          Nullable(
            Type.String({
              description: "permission_denied of a recording: the call's employee, null when none",
            }),
          ),
        ),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error' },
);

export const IdParam = Type.String({ pattern: ID_PATTERN_TEXT });

/** A token's lifetime as asked. The ceiling is configured: mintToken enforces it. */
export const TokenTtlSchema = Type.Optional(
  Type.Integer({
    minimum: 60,
    description:
      "the token's lifetime; the server's default when omitted, at most its maximum (CALLGATE_TOKEN_MAX_TTL_SECONDS)",
  }),
);

/** A token just minted: the only answer that holds its secret. */
export const MintedTokenSchema = Type.Object({
  token: Type.String(),
  id: Type.String(),
  expiresAt: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
});

/** The error answers a route can give, for its schema's `response`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref(ErrorSchema)]));
}
