import { ErrorCode, type AppError, type FieldError } from '@agent-squad/contracts';

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_AND_TITLE: Record<ErrorCode, [number, string]> = {
  [ErrorCode.BadRequest]: [400, 'Bad request'],
  [ErrorCode.Validation]: [400, 'Validation failed'],
  [ErrorCode.Unauthorized]: [401, 'Unauthorized'],
  [ErrorCode.Forbidden]: [403, 'Forbidden'],
  [ErrorCode.NotFound]: [404, 'Not found'],
  [ErrorCode.Conflict]: [409, 'Conflict'],
  [ErrorCode.QuotaExceeded]: [402, 'Quota exceeded'],
  [ErrorCode.PayloadTooLarge]: [413, 'Payload too large'],
  [ErrorCode.UnsupportedMediaType]: [415, 'Unsupported media type'],
  [ErrorCode.RateLimited]: [429, 'Too many requests'],
  [ErrorCode.Unavailable]: [503, 'Service unavailable'],
  [ErrorCode.Timeout]: [504, 'Upstream timeout'],
  [ErrorCode.Internal]: [500, 'Internal error'],
};

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(STATUS_AND_TITLE)
    .filter(([code]) => code !== ErrorCode.Validation)
    .map(([code, [status]]) => [status, code as ErrorCode]),
);

export function problemFromAppError(error: AppError): Problem {
  const [status, title] = STATUS_AND_TITLE[error.code];
  const problem: Problem = { type: `/problems/${error.code}`, title, status, detail: error.message };
  if (error.errors) problem.errors = error.errors;
  return problem;
}

/** An HTTP status from a framework error (Nest, Fastify) as one of our codes. */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
}
