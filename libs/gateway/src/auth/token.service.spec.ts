import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ROLES } from '@agent-squad/config';
import { createSigner } from 'fast-jwt';
import { TokenService } from './token.service';

const SECRET = 'token-service-spec-secret-0123456789abcdef';
const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'asq-token-')), JWT_SECRET: SECRET }, ROLES);

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts the tokens it issues, again and again', () => {
    const tokens = new TokenService(config);
    const token = tokens.issue('user-1');
    expect([tokens.userIdOf(token), tokens.userIdOf(token)]).toEqual(['user-1', 'user-1']);
  });

  it('refuses a token it accepted before once that token has expired', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    const tokens = new TokenService(config);
    const token = tokens.issue('user-1');
    expect(tokens.userIdOf(token)).toBe('user-1');
    jest.advanceTimersByTime(config.env.JWT_TTL_SECONDS * 1000 + 1);
    expect(() => tokens.userIdOf(token)).toThrow('The access token is invalid or expired');
  });

  it('refuses a token signed with another secret or for another issuer', () => {
    const tokens = new TokenService(config);
    const forged = createSigner({ key: 'another-secret-of-at-least-32-characters!', algorithm: 'HS256', iss: 'agent-squad', expiresIn: 60_000 })({ sub: 'user-1' });
    const foreign = createSigner({ key: SECRET, algorithm: 'HS256', iss: 'someone-else', expiresIn: 60_000 })({ sub: 'user-1' });
    expect(() => tokens.userIdOf(forged)).toThrow('The access token is invalid or expired');
    expect(() => tokens.userIdOf(foreign)).toThrow('The access token is invalid or expired');
  });
});
