import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode } from '@agent-squad/contracts';
import type { FastifyReply } from 'fastify';
import { problemFromAppError, PROBLEM_CONTENT_TYPE } from './problem';
import { toAppError } from './to-app-error';

/** Every error leaves as problem+json; faults of the system are logged, bad input is not. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendProblem(reply, exception, this.logger);
  }
}

export function sendProblem(reply: FastifyReply, exception: unknown, logger: Logger): void {
  const error = toAppError(exception);
  if (error.code === ErrorCode.Internal) logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  if (reply.sent || reply.raw.headersSent) return;
  const problem = problemFromAppError(error);
  if (error.code === ErrorCode.RateLimited || error.code === ErrorCode.Unavailable) void reply.header('retry-after', '1');
  void reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
