/**
 * The one error type that crosses domain and process boundaries. Domains throw it; the messaging
 * layer carries it over NATS unchanged; the HTTP layer maps its code to a problem+json answer.
 */
export const ErrorCode = {
  BadRequest: 'bad_request',
  Validation: 'validation_failed',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  QuotaExceeded: 'quota_exceeded',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  RateLimited: 'rate_limited',
  Unavailable: 'unavailable',
  Timeout: 'timeout',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  /** Dotted path of the offending field, e.g. `members.0.role`; `body` for the body itself. */
  field: string;
  message: string;
}

export interface AppErrorJson {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NotFound, `${what} not found`);
  }

  static conflict(message: string): AppError {
    return new AppError(ErrorCode.Conflict, message);
  }

  static validation(errors: FieldError[]): AppError {
    return new AppError(ErrorCode.Validation, 'The request is not valid', errors);
  }

  toJSON(): AppErrorJson {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }

  static fromJSON(json: AppErrorJson): AppError {
    return new AppError(json.code, json.message, json.errors);
  }
}
