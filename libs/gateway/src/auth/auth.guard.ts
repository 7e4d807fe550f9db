import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, AuthApi, ErrorCode } from '@agent-squad/contracts';
import { PUBLIC_ROUTE, type LeanAuthenticator } from '@agent-squad/http';
import type { FastifyRequest } from 'fastify';
import { TokenService } from './token.service';

export interface AuthenticatedRequest extends FastifyRequest {
  userId: string;
}

const API_KEY_PREFIX = 'asq_';

/** Every route needs a bearer token (JWT or API key) unless marked @Public(); @LeanRead() routes authenticate through it too. */
@Injectable()
export class AuthGuard implements CanActivate, LeanAuthenticator {
  /** Whether each handler is public: its metadata never changes, so it is read once, not on every request. */
  private readonly publicHandlers = new WeakMap<object, boolean>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly auth: AuthApi,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic(context)) return true;
    return this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
  }

  /** Sets the request's `userId` from its bearer token, or throws 401. Not async: a JWT is checked synchronously, so most requests pay for no promise here. */
  authenticate(request: FastifyRequest): true | Promise<true> {
    const token = bearerToken(request.headers.authorization);
    if (token.startsWith(API_KEY_PREFIX)) return this.byApiKey(request as AuthenticatedRequest, token);
    (request as AuthenticatedRequest).userId = this.tokens.userIdOf(token);
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let isPublic = this.publicHandlers.get(handler);
    if (isPublic === undefined) {
      isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, context.getClass()]) ?? false;
      this.publicHandlers.set(handler, isPublic);
    }
    return isPublic;
  }

  private async byApiKey(request: AuthenticatedRequest, key: string): Promise<true> {
    request.userId = (await this.auth.authenticateApiKey({ key })).userId;
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new AppError(ErrorCode.Unauthorized, 'Send "Authorization: Bearer <token or API key>"');
  return match[1]!;
}
