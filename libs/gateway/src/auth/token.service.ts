import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import { createSigner, createVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';

/** Tokens verified lately, kept until they expire. */
const VERIFIED_TOKENS = 10_000;

/**
 * Short-lived HS256 access tokens. Verification is local (no round trip) and remembered per token
 * until the token expires. The token itself is the key: fast-jwt's own cache keys by the token's
 * SHA-256, a hash on every request.
 */
@Injectable()
export class TokenService {
  private readonly sign: (payload: { sub: string }) => string;
  private readonly verify: (token: string) => { sub?: unknown; exp?: unknown };
  // Wall-clock TTLs, as the tokens' own expiry times are.
  private readonly verified = new LRUCache<string, string>({ max: VERIFIED_TOKENS, perf: Date, ttlResolution: 0 });

  constructor(config: AppConfig) {
    const ttlMs = config.env.JWT_TTL_SECONDS * 1000;
    this.sign = createSigner({ key: config.jwtSecret, algorithm: 'HS256', expiresIn: ttlMs, iss: 'agent-squad' });
    this.verify = createVerifier({ key: config.jwtSecret, algorithms: ['HS256'], allowedIss: 'agent-squad' });
  }

  issue(userId: string): string {
    return this.sign({ sub: userId });
  }

  /** The user id in a valid token; 401 for anything else (bad signature, expired, malformed). */
  userIdOf(token: string): string {
    const known = this.verified.get(token);
    if (known !== undefined) return known;
    try {
      const { sub, exp } = this.verify(token);
      if (typeof sub === 'string' && typeof exp === 'number') {
        // A TTL of 0 would mean "forever" to the LRU: a token expiring right now is just not remembered.
        const ttl = exp * 1000 - Date.now();
        if (ttl > 0) this.verified.set(token, sub, { ttl });
        return sub;
      }
    } catch {
      // fall through: every verification failure is the same 401 to the caller
    }
    throw new AppError(ErrorCode.Unauthorized, 'The access token is invalid or expired');
  }
}
