import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import { createSigner, createVerifier } from 'fast-jwt';

/** Short-lived HS256 access tokens. Verification is local (no round trip) and cached per token. */
@Injectable()
export class TokenService {
  private readonly sign: (payload: { sub: string }) => string;
  private readonly verify: (token: string) => { sub?: unknown };

  constructor(config: AppConfig) {
    const ttlMs = config.env.JWT_TTL_SECONDS * 1000;
    this.sign = createSigner({ key: config.jwtSecret, algorithm: 'HS256', expiresIn: ttlMs, iss: 'agent-squad' });
    this.verify = createVerifier({ key: config.jwtSecret, algorithms: ['HS256'], allowedIss: 'agent-squad', cache: 10_000 });
  }

  issue(userId: string): string {
    return this.sign({ sub: userId });
  }

  /** The user id in a valid token; 401 for anything else (bad signature, expired, malformed). */
  userIdOf(token: string): string {
    try {
      const { sub } = this.verify(token);
      if (typeof sub === 'string') return sub;
    } catch {
      // fall through: every verification failure is the same 401 to the caller
    }
    throw new AppError(ErrorCode.Unauthorized, 'The access token is invalid or expired');
  }
}
