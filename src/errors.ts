import { ValidationError } from './engine/validation-error.js';

/**
 * The closed error catalogue (API.md "Errors"): every error Callgate answers has one of
 * these codes and its status. A code not listed here cannot be thrown.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  permission_denied: 403,
  scope_missing: 403,
  escalation: 403,
  feature_not_in_plan: 403,
  destination_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  legal_hold: 409,
  version_mismatch: 412,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error meant for the caller: a stable code, a message a person can act on, details. */
export class CallgateError extends Error {
  override readonly name = 'CallgateError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function notFound(what: string): CallgateError {
  return new CallgateError('not_found', `${what} not found`);
}

/**
 * Any thrown value as a catalogue error. Validation failures keep their issues; anything
 * unexpected becomes `internal_error` with no detail, so internals never reach a caller.
 */
export function toCallgateError(error: unknown): CallgateError {
  if (error instanceof CallgateError) return error;
  if (error instanceof ValidationError) {
    return new CallgateError('invalid_request', error.message, { issues: error.issues });
  }
  return new CallgateError('internal_error', 'internal error');
}
