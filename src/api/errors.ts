import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../engine/validation-error.js';
import { CallgateError, ERROR_STATUS, type ErrorCode, toCallgateError } from '../errors.js';
import { isStoreUnavailable } from '../store/database.js';

/** The error body of API.md: `{"error": {"code", "message", ...details}}`. */
export function errorBody(error: CallgateError): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.message, ...error.details } };
}

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_BAD_URL: 'invalid_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

const byStatus = Object.fromEntries(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
) as Readonly<Record<number, ErrorCode>>;

/**
 * Turns anything thrown into the catalogue's shape. What is shown is kept apart from what
 * is logged: a 5xx says only "internal error" to the caller, and the log has the rest.
 */
export function toHttpError(error: unknown): CallgateError {
  if (error instanceof CallgateError || error instanceof ValidationError)
    return toCallgateError(error);
  const fastifyError = error as Partial<FastifyError> & {
    validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
    validationContext?: string;
  };
  if (fastifyError.validation) {
    const fields = fastifyError.validation.map((v) => ({
      path: `${fastifyError.validationContext ?? 'body'}${(v.instancePath ?? '').replaceAll('/', '.')}${
        typeof v.params?.additionalProperty === 'string' ? `.${v.params.additionalProperty}` : ''
      }`,
      message: v.message ?? 'invalid',
    }));
    return new CallgateError(
      'invalid_request',
      fields.map((f) => `${f.path}: ${f.message}`).join('; '),
      { fields },
    );
  }
  // The database is down, restarting or locked: the caller may retry, and was refused nothing.
  if (isStoreUnavailable(error)) {
    return new CallgateError('unavailable', 'the database is unavailable; retry shortly');
  }
  const code = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code];
  if (code !== undefined) return new CallgateError(code, fastifyError.message ?? code);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new CallgateError(
      byStatus[status] ?? 'invalid_request',
      fastifyError.message ?? 'invalid request',
    );
  }
  return new CallgateError('internal_error', 'internal error');
}

/**
 * Whether the client hung up before its request was read to the end: whatever error that
 * raised (an `aborted` ECONNRESET from the body parser, an upload stream cut off), it is the
 * client's doing, not a fault of ours or of the database.
 */
function clientHungUp(request: FastifyRequest): boolean {
  const raw = request.raw;
  return !raw.complete && (raw.destroyed || raw.socket?.destroyed === true);
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply {
  if (clientHungUp(request)) {
    // Nobody will read this answer; the log says what happened, at the level it deserves.
    request.log.info({ code: 'client_closed' }, 'the client closed the connection mid-request');
    return reply
      .status(400)
      .type('application/json')
      .send(
        errorBody(new CallgateError('invalid_request', 'the request was cut off before its end')),
      );
  }
  const httpError = toHttpError(error);
  if (httpError.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: httpError.code }, httpError.message);
  if (httpError.code === 'unavailable') void reply.header('retry-after', '1');
  if (httpError.code === 'rate_limited') {
    const seconds = httpError.details.retryAfterSeconds;
    void reply.header('retry-after', typeof seconds === 'number' ? String(seconds) : '1');
  }
  return reply.status(httpError.status).type('application/json').send(errorBody(httpError));
}
