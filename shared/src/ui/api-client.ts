import type { ErrorBody } from '../errors.js';

/**
 * Typed fetch for the consoles. The session cookie rides along (same origin); every non-2xx
 * answer becomes an `ApiError` carrying the server's `{ error: { code, message } }`, and a
 * network failure becomes an `ApiError` with code `NETWORK`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Per-field messages parsed from a VALIDATION_FAILED answer (`field: message; …`). */
  readonly fieldErrors: Record<string, string>;

  constructor({ status, code, message, details }: { status: number; code: string; message: string; details?: unknown }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.fieldErrors =
      code === 'VALIDATION_FAILED'
        ? parseFieldErrors(message, details)
        : code === 'CONFLICT' && hasField(details)
          ? { [details.field]: message }
          : {};
  }

  get isNetwork(): boolean {
    return this.code === 'NETWORK';
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

const hasField = (details: unknown): details is { field: string } =>
  typeof details === 'object' && details !== null && typeof (details as { field?: unknown }).field === 'string';

/**
 * `"login: must be at least 2 characters; extension: must be 2–8 digits"` → a map by field.
 * Structured `details` are read first when present: `{ fields: [{ field, message }] }` (our server)
 * or zod-style `[{ path, message }]`.
 * Nested paths keep their dots (`queues.0`); the first message per field wins.
 */
export function parseFieldErrors(message: string, details?: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  const add = (field: string, text: string) => {
    if (field && text && !(field in fields)) fields[field] = text;
  };
  const fieldList =
    typeof details === 'object' && details !== null && Array.isArray((details as { fields?: unknown }).fields)
      ? (details as { fields: unknown[] }).fields
      : null;
  for (const item of fieldList ?? []) {
    if (item && typeof item === 'object') {
      const { field, message: text } = item as { field?: unknown; message?: unknown };
      if (typeof field === 'string' && typeof text === 'string') add(field, text);
    }
  }
  if (Array.isArray(details)) {
    for (const issue of details) {
      if (issue && typeof issue === 'object' && 'message' in issue && 'path' in issue) {
        const { path, message: text } = issue as { path: unknown; message: unknown };
        const field = Array.isArray(path) ? path.join('.') : String(path);
        if (typeof text === 'string') add(field, text);
      }
    }
  }
  for (const part of message.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const field = part.slice(0, colon).trim();
    if (/^[\w.[\]-]+$/.test(field)) add(field, part.slice(colon + 1).trim());
  }
  return fields;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

const isErrorBody = (value: unknown): value is ErrorBody =>
  typeof value === 'object' &&
  value !== null &&
  'error' in value &&
  typeof (value as ErrorBody).error === 'object' &&
  typeof (value as ErrorBody).error?.code === 'string';

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export async function apiRequest<T>(path: string, { method = 'GET', body, query, signal }: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError({ status: 0, code: 'NETWORK', message: cause instanceof Error ? cause.message : String(cause) });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }
  if (!response.ok) {
    if (isErrorBody(payload)) {
      const { code, message, details } = payload.error;
      throw new ApiError({ status: response.status, code, message, details });
    }
    throw new ApiError({ status: response.status, code: codeForStatus(response.status), message: response.statusText || `HTTP ${response.status}` });
  }
  return payload as T;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'INTERNAL';
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};
