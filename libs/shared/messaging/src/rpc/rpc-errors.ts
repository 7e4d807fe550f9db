import type { Logger } from '@nestjs/common';
import { AppError, ErrorCode, isDependencyError } from '@agent-squad/contracts';

/** An error that is not an AppError is a bug or an outage: callers get a generic `internal`, the log gets the real one. */
export function toAppError(error: unknown, where: string, logger: Logger): AppError {
  if (error instanceof AppError) return error;
  if (isDependencyError(error)) {
    logger.warn(`${where} failed on a dependency: ${describe(error)}`);
    return new AppError(ErrorCode.Unavailable, 'A dependency is busy or unavailable; retry shortly');
  }
  logger.error(`${where} failed: ${describe(error)}`, error instanceof Error ? error.stack : undefined);
  return new AppError(ErrorCode.Internal, 'Internal error');
}

export function unavailable(service: string, reason: string): AppError {
  return new AppError(ErrorCode.Unavailable, `Service ${service} is unavailable: ${reason}`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
