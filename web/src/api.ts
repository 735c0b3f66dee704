import type { ApiErrorBody } from './types';

/**
 * The one way the UI talks to the server: JSON in and out, the session cookie sent by the
 * browser, the CSRF token added to every unsafe request, and every refusal turned into an
 * ApiError carrying the server's code and message (`{"error": {"code", "message"}}`).
 *
 * @example const me = await api.get<Me>('/me');
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
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
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
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

interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Query;
  /** The version a change is based on, sent as If-Match. */
  readonly ifMatch?: number;
  readonly signal?: AbortSignal;
  /** Sign-in and the session probe handle their own 401. */
  readonly quiet401?: boolean;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(API_BASE + withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'network',
      'The server cannot be reached. Check the connection and try again.',
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const error = (body as Partial<ApiErrorBody> | undefined)?.error;
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
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
  return body as T;
}

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
