import { type TSchema, Type } from '@sinclair/typebox';

/** The error body every route may answer (API.md "Errors"). */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      { code: Type.String(), message: Type.String() },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error' },
);

export const IdParam = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });

/** The error answers a route can give, for its schema's `response`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref(ErrorSchema)]));
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
