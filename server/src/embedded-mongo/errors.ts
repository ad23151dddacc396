/**
 * Errors the store answers with. Every command failure carries MongoDB's numeric `code`,
 * its `codeName` and an `errmsg`, because drivers and mongoose branch on those (for example
 * mongoose ignores NamespaceExists from `create`, and turns code 11000 into a duplicate error).
 */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  Unauthorized: 13,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  InvalidBSON: 22,
  NamespaceNotFound: 26,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotCreateIndex: 67,
  OperationFailed: 96,
  NotImplemented: 238,
  Location16755: 16755,
  Location31253: 31253,
  Location31254: 31254,
  Location40571: 40571,
  Location51024: 51024,
  DuplicateKey: 11000,
  BSONObjectTooLarge: 10334,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields MongoDB puts on this error (keyPattern/keyValue for duplicates). */
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  /** The error as a command reply or a write error entry. */
  toDocument(): Record<string, unknown> {
    return { errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export function commandError(codeName: ErrorCodeName, message: string): MongoCommandError {
  return new MongoCommandError(codeName, message);
}

/** Turns anything thrown while running a command into MongoDB's error reply shape. */
export function toErrorReply(error: unknown): Record<string, unknown> {
  if (error instanceof MongoCommandError) return { ok: 0, ...error.toDocument() };
  const message = error instanceof Error ? error.message : String(error);
  // mingo reports bad operators and expressions as plain errors: those are the client's bad input.
  return { ok: 0, errmsg: message, code: ErrorCodes.BadValue, codeName: 'BadValue' };
}
