import { ValidationError } from '../engine/validation-error.js';
import { CallgateError, type ErrorCode, toCallgateError } from '../errors.js';
import { isStoreUnavailable } from '../store/database.js';

/**
 * An error in Bitrix24's terms: its code (`error`), its HTTP status and a description
 * (`error_description`). Thrown for what only this surface says (an unknown method, a bad
 * argument); anything else thrown is translated from Callgate's catalogue.
 */
export class BitrixError extends Error {
  override readonly name = 'BitrixError';
  constructor(
    readonly code: string,
    readonly status: number,
    description: string,
  ) {
    super(description);
  }
}

/** Callgate's error catalogue in Bitrix24's codes and statuses: one mapping, checked complete. */
const FROM_CATALOGUE = {
  invalid_request: ['INVALID_REQUEST', 400],
  unauthenticated: ['NO_AUTH_FOUND', 401],
  permission_denied: ['ACCESS_DENIED', 403],
  // Bitrix24 refuses a method outside a token's or webhook's scope this way.
  scope_missing: ['insufficient_scope', 401],
  escalation: ['ACCESS_DENIED', 403],
  feature_not_in_plan: ['ACCESS_DENIED', 403],
  destination_not_allowed: ['ACCESS_DENIED', 403],
  not_found: ['NOT_FOUND', 404],
  conflict: ['ERROR_CONFLICT', 409],
  legal_hold: ['ERROR_CONFLICT', 409],
  version_mismatch: ['ERROR_CONFLICT', 409],
  payload_too_large: ['INVALID_REQUEST', 400],
  uri_too_long: ['INVALID_REQUEST', 400],
  unsupported_media_type: ['INVALID_REQUEST', 400],
  range_not_satisfiable: ['INVALID_REQUEST', 400],
  rate_limited: ['QUERY_LIMIT_EXCEEDED', 503],
  internal_error: ['INTERNAL_SERVER_ERROR', 500],
  unavailable: ['INTERNAL_SERVER_ERROR', 503],
} as const satisfies Record<ErrorCode, readonly [string, number]>;

/** The errors this surface answers with beyond the catalogue's, for documentation and tests. */
export const BITRIX_ONLY_ERRORS = {
  ERROR_METHOD_NOT_FOUND: 404,
  ERROR_ARGUMENT: 400,
  INVALID_CREDENTIALS: 401,
  invalid_token: 401,
  ERROR_BATCH_LENGTH_EXCEEDED: 400,
  ERROR_BATCH_METHOD_NOT_ALLOWED: 400,
} as const;

const FASTIFY_BAD_REQUESTS = new Set([
  'FST_ERR_CTP_BODY_TOO_LARGE',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_BAD_URL',
  'FST_ERR_MAX_PARAM_LENGTH',
]);

export const methodNotFound = (method: string): BitrixError =>
  new BitrixError('ERROR_METHOD_NOT_FOUND', 404, `Method not found! (${method.slice(0, 100)})`);

export const badArgument = (description: string): BitrixError =>
  new BitrixError('ERROR_ARGUMENT', 400, description);

/**
 * Anything thrown, as Bitrix24's error: the code, the status and the description. 5xx hide
 * their detail, as the rest of the service does.
 */
export function toBitrixError(error: unknown): BitrixError {
  if (error instanceof BitrixError) return error;
  let callgate: CallgateError;
  if (error instanceof CallgateError || error instanceof ValidationError) {
    callgate = toCallgateError(error);
  } else if (isStoreUnavailable(error)) {
    callgate = new CallgateError('unavailable', 'the database is unavailable; retry shortly');
  } else {
    const code = (error as { code?: unknown } | null)?.code;
    callgate =
      typeof code === 'string' && FASTIFY_BAD_REQUESTS.has(code)
        ? new CallgateError('invalid_request', (error as Error).message)
        : toCallgateError(error);
  }
  const [code, status] = FROM_CATALOGUE[callgate.code];
  return new BitrixError(code, status, callgate.message);
}

/** The body of an error answer. */
export const errorEnvelope = (error: BitrixError) => ({
  error: error.code,
  error_description: error.message,
});

/** Every Bitrix24 error code this surface answers, with the statuses it comes with. */
export const BITRIX_ERRORS: ReadonlyMap<string, ReadonlySet<number>> = (() => {
  const all = new Map<string, Set<number>>();
  const add = (code: string, status: number) =>
    all.set(code, (all.get(code) ?? new Set()).add(status));
  for (const [code, status] of Object.values(FROM_CATALOGUE)) add(code, status);
  for (const [code, status] of Object.entries(BITRIX_ONLY_ERRORS)) add(code, status);
  return all;
})();
