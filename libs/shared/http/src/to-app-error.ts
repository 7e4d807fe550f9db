import { HttpException } from '@nestjs/common';
import { AppError, ErrorCode, isDependencyError } from '@agent-squad/contracts';
import { codeForStatus } from './problem';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.BadRequest, 'The body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [ErrorCode.BadRequest, 'The JSON body is empty'],
  FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.PayloadTooLarge, 'The body is larger than this endpoint accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [ErrorCode.UnsupportedMediaType, 'Send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [ErrorCode.BadRequest, 'The Content-Length header does not match the body'],
};

/** Any error a request can end with, as an AppError; `internal` hides details of unknown faults. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDependencyError(error)) return new AppError(ErrorCode.Unavailable, 'A dependency is busy or unavailable; retry shortly');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return new AppError(codeForStatus(status), status >= 500 ? 'The server failed to answer' : error.message);
  }
  const fastifyError = error as FastifyLikeError;
  const known = fastifyError?.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new AppError(known[0], known[1]);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new AppError(ErrorCode.BadRequest, 'The body is not valid JSON');
  const status = fastifyError?.statusCode;
  if (status && status >= 400 && status < 500) return new AppError(codeForStatus(status), fastifyError.message ?? 'Bad request');
  return new AppError(ErrorCode.Internal, 'The server failed to answer');
}
