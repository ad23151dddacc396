/**
 * The one error type domain code throws. The HTTP error middleware and the socket command
 * wrapper turn it into `{ error: { code, message, details? } }` with `status`; anything that is
 * not an AppError becomes a generic 500 that leaks nothing.
 */
export interface AppErrorOptions {
  message: string;
  /** HTTP status (also used to classify socket acks); 400 when omitted. */
  status?: number;
  /** Extra machine-readable facts for the client (e.g. the conflicting id); must be safe to show. */
  details?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, { message, status = 400, details, cause }: AppErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** The wire shape shared by REST answers and socket acks. */
  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) },
    };
  }

  static validation(message: string, details?: unknown): AppError {
    return new AppError('VALIDATION_FAILED', { message, status: 400, details });
  }

  static unauthenticated(message = 'Authentication required'): AppError {
    return new AppError('UNAUTHENTICATED', { message, status: 401 });
  }

  static forbidden(message = 'You are not allowed to do this'): AppError {
    return new AppError('FORBIDDEN', { message, status: 403 });
  }

  /** `AppError.notFound('Contact')` → 404 "Contact not found". */
  static notFound(what = 'Resource'): AppError {
    return new AppError('NOT_FOUND', { message: `${what} not found`, status: 404 });
  }

  static conflict(message: string, details?: unknown): AppError {
    return new AppError('CONFLICT', { message, status: 409, details });
  }

  static rateLimited(message: string, retryAfterSeconds?: number): AppError {
    return new AppError('RATE_LIMITED', {
      message,
      status: 429,
      details: retryAfterSeconds === undefined ? undefined : { retryAfterSeconds },
    });
  }

  static payloadTooLarge(message = 'Request body is too large'): AppError {
    return new AppError('PAYLOAD_TOO_LARGE', { message, status: 413 });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
