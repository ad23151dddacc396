/** Stable error codes clients may branch on. Domains add their own strings. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  /** Right password, but an admin disabled the account (403). */
  'ACCOUNT_DISABLED',
  /** A user changing their own password gave a wrong current one (400). */
  'WRONG_PASSWORD',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;
export type CommonErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer, REST and socket ack alike. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Socket.IO acknowledgement: either data or an error, never both. */
export type Ack<T> = { data: T } | ErrorBody;
export type AckCallback<T> = (result: Ack<T>) => void;
