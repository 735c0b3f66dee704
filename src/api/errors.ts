import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../engine/validation-error.js';
import { CallgateError, ERROR_STATUS, type ErrorCode, toCallgateError } from '../errors.js';
import { isStoreUnavailable } from '../store/database.js';
import { E164_PATTERN } from '../telephony/numbers.js';
import {
  COUNTRY_CODE_PATTERN,
  HTTP_URL_PATTERN,
  ID_PATTERN_TEXT,
  KEYPAD_KEY_PATTERN,
  LANGUAGE_TAG_PATTERN,
} from '../telephony/settings.js';

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
 * Patterns named by what they accept: a field refused by one carries the name as `format`,
 * so a client can say "isn't a phone number" without reading regular expressions. Keyed by
 * the pattern's text, so every schema that uses the same pattern is named alike.
 */
const NAMED_PATTERNS: ReadonlyMap<string, string> = new Map([
  [E164_PATTERN, 'e164'],
  [ID_PATTERN_TEXT, 'id'],
  [LANGUAGE_TAG_PATTERN, 'languageTag'],
  [KEYPAD_KEY_PATTERN, 'keypadKey'],
  [HTTP_URL_PATTERN, 'httpUrl'],
  [COUNTRY_CODE_PATTERN, 'countryCode'],
]);

/** One schema refusal as Ajv reports it. */
interface SchemaRefusal {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * A schema refusal as a field of `invalid_request`: where and the validator's message, as
 * documented, plus what a client needs to word it itself (ErrorSchema): the JSON Schema
 * `keyword` that refused, the `limit` a length, size or range missed, the `format` expected.
 *
 * @example fieldOf({ instancePath: '/items/0/name', keyword: 'minLength', params: { limit: 1 }, message: 'must NOT have fewer than 1 characters' }, 'body') // { path: 'body.items.0.name', message: '…', keyword: 'minLength', limit: 1 }
 */
function fieldOf(refusal: SchemaRefusal, context: string) {
  const { instancePath = '', keyword, params = {} } = refusal;
  const extra = params.additionalProperty;
  const format =
    keyword === 'format' && typeof params.format === 'string'
      ? params.format
      : keyword === 'pattern' && typeof params.pattern === 'string'
        ? NAMED_PATTERNS.get(params.pattern)
        : undefined;
  return {
    path: `${context}${instancePath.replaceAll('/', '.')}${typeof extra === 'string' ? `.${extra}` : ''}`,
    message: refusal.message ?? 'invalid',
    ...(keyword !== undefined && { keyword }),
    ...(typeof params.limit === 'number' && { limit: params.limit }),
    ...(format !== undefined && { format }),
  };
}

/**
 * Turns anything thrown into the catalogue's shape. What is shown is kept apart from what
 * is logged: a 5xx says only "internal error" to the caller, and the log has the rest.
 */
export function toHttpError(error: unknown): CallgateError {
  if (error instanceof CallgateError || error instanceof ValidationError)
    return toCallgateError(error);
  const fastifyError = error as Partial<FastifyError> & {
    validation?: SchemaRefusal[];
    validationContext?: string;
  };
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'body';
    const fields = fastifyError.validation.map((refusal) => fieldOf(refusal, context));
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
