import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError, idempotencyKeySchema } from '@agent-squad/contracts';
import { withLeanArgument } from '@agent-squad/http';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './auth.guard';

const currentUser = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().userId;
});

/** The authenticated user's id (set by AuthGuard), for Nest's pipeline and for @LeanRead() alike. */
export const CurrentUser = (): ParameterDecorator => withLeanArgument(currentUser(), (request) => (request as AuthenticatedRequest).userId);

/** The optional `Idempotency-Key` header, validated. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(value);
  if (!parsed.success) throw AppError.validation([{ field: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'is not valid' }]);
  return parsed.data;
});

/** `Last-Event-ID` of a reconnecting event-stream client: the last event it has seen (0 if none). */
export const LastEventId = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['last-event-id'];
  if (value === undefined || value === '') return 0;
  const seq = Number(value);
  if (typeof value !== 'string' || !Number.isSafeInteger(seq) || seq < 0) throw AppError.validation([{ field: 'Last-Event-ID', message: 'must be an event id from this stream' }]);
  return seq;
});
