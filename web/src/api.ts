import createClient from 'openapi-fetch';
import type { paths } from './api-schema';
import type { ApiErrorBody, ApiErrorDetails } from './types';

/**
 * The one way the UI talks to the server: JSON in and out, the session cookie sent by the
 * browser, the CSRF token added to every unsafe request, and every refusal turned into an
 * ApiError carrying the server's code and message (`{"error": {"code", "message"}}`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<ApiErrorDetails> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The problems the server listed for a 400, one line each ("path: message"). */
  get fieldProblems(): string[] {
    const fields = this.details.fields;
    if (!Array.isArray(fields)) return [];
    return fields.map((field: unknown) => {
      const { path, message } = (field ?? {}) as { path?: unknown; message?: unknown };
      return `${typeof path === 'string' ? path : '?'}: ${typeof message === 'string' ? message : ''}`;
    });
  }
}

export const API_BASE = '/api/v1';

type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A path with its query string; empty and missing values are left out. */
export function withQuery(path: string, query: Query = {}): string {
  const text = new URLSearchParams(queryEntries(query)).toString();
  return text === '' ? path : `${path}?${text}`;
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Set after sign-in (and on page load from GET /session); cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 while signed in: the session expired. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/**
 * The typed client (openapi-fetch over the types `npm run openapi` generates): paths,
 * parameters, bodies and answers are checked against the route schemas at compile time.
 * Every unsafe request carries the CSRF token. Use it through `answer()`.
 *
 * @example const stats = await answer(client.GET('/api/v1/calls/stats', { params: { query } }));
 */
export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  // Empty and missing values are left out, as the filters' "any" is the empty string.
  querySerializer: (query) => new URLSearchParams(queryEntries(query as Query)).toString(),
});
client.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken !== null)
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** A query's values as text, the empty and missing ones left out. */
function queryEntries(query: Query): [string, string][] {
  return Object.entries(query).flatMap(([key, value]) =>
    value === undefined || value === null || value === '' ? [] : [[key, String(value)]],
  );
}

interface AnswerOptions {
  /** Sign-in and the session probe handle their own 401. */
  readonly quiet401?: boolean;
}

/**
 * What a request of `client` answered: its body, or an ApiError carrying the server's code
 * and message (`{"error": {"code", "message"}}`); a network failure is an ApiError too.
 */
export async function answer<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
  options: AnswerOptions = {},
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'network',
      'The server cannot be reached. Check the connection and try again.',
    );
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
  const error = (result.error as Partial<ApiErrorBody> | undefined)?.error;
  if (error && typeof error.code === 'string') {
    const { code, message, ...details } = error;
    throw new ApiError(response.status, code, message, details);
  }
  throw new ApiError(
    response.status,
    'http_error',
    `The server answered ${response.status} ${response.statusText}.`,
  );
}

interface RequestOptions extends AnswerOptions {
  readonly body?: unknown;
  readonly query?: Query;
  /** The version a change is based on, sent as If-Match. */
  readonly ifMatch?: number;
  readonly signal?: AbortSignal;
}

/** The client without its path types, for `api` below. */
const untyped = client as unknown as {
  request(
    method: string,
    url: string,
    init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};

function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  return answer(
    untyped.request(method, API_BASE + withQuery(path, options.query), {
      ...(options.body !== undefined && { body: options.body }),
      ...(options.ifMatch !== undefined && { headers: { 'if-match': `"${options.ifMatch}"` } }),
      ...(options.signal !== undefined && { signal: options.signal }),
    }) as Promise<{ data?: T; error?: unknown; response: Response }>,
    options,
  );
}

/**
 * The same client by path under /api/v1 and an answer type the caller names: for pages not
 * yet moved to `client`, whose path types check what this cannot.
 *
 * @example const me = await api.get<Me>('/me');
 */
export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** The message to show for anything a request threw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const problems = error.fieldProblems;
    return problems.length > 0 ? `${error.message} (${problems.join('; ')})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An absolute-path URL under the API, for links, downloads and <audio src>. */
export function apiUrl(path: string, query?: Query): string {
  return API_BASE + withQuery(path, query);
}
