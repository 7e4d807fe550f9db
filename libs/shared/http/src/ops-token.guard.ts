import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * Ops endpoints that show job data need `Authorization: Bearer <OPS_TOKEN>`: they are served by
 * every process, the gateways' included, so the public load balancer reaches them too. With no
 * token configured they are off.
 */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.env.OPS_TOKEN;
    if (!expected) throw new AppError(ErrorCode.Forbidden, 'Ops endpoints are off: set OPS_TOKEN to turn them on');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const given = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (given === undefined || !sameSecret(given, expected)) throw new AppError(ErrorCode.Unauthorized, 'Send "Authorization: Bearer <OPS_TOKEN>"');
    return true;
  }
}

/** Compared as digests of equal length, in constant time: the answer time tells nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
