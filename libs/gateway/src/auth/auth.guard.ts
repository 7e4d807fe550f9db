import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, AuthApi, ErrorCode } from '@agent-squad/contracts';
import { PUBLIC_ROUTE } from '@agent-squad/http';
import type { FastifyRequest } from 'fastify';
import { TokenService } from './token.service';

export interface AuthenticatedRequest extends FastifyRequest {
  userId: string;
}

const API_KEY_PREFIX = 'asq_';

/** Every route needs a bearer token (JWT or API key) unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly auth: AuthApi,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    request.userId = token.startsWith(API_KEY_PREFIX) ? (await this.auth.authenticateApiKey({ key: token })).userId : this.tokens.userIdOf(token);
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new AppError(ErrorCode.Unauthorized, 'Send "Authorization: Bearer <token or API key>"');
  return match[1]!;
}
