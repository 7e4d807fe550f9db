import type { ExecutionContext } from '@nestjs/common';
import { DOMAINS, loadConfig } from '@agent-squad/config';
import { ErrorCode } from '@agent-squad/contracts';
import { OpsTokenGuard } from './ops-token.guard';

const TOKEN = 'ops-token-0123456789abcdef0123456789';
const withAuthorization = (authorization?: string) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;
const guard = (env: Record<string, string>) => new OpsTokenGuard(loadConfig({ JWT_SECRET: 'x'.repeat(32), ...env }, [...DOMAINS, 'worker']));

describe('OpsTokenGuard', () => {
  it('lets the configured bearer token through, and nothing else', () => {
    const opsGuard = guard({ OPS_TOKEN: TOKEN });
    expect(opsGuard.canActivate(withAuthorization(`Bearer ${TOKEN}`))).toBe(true);
    expect(opsGuard.canActivate(withAuthorization(`bearer ${TOKEN} `))).toBe(true);
    for (const authorization of [undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Basic b3BzOm9wcw==']) {
      expect(() => opsGuard.canActivate(withAuthorization(authorization))).toThrow(expect.objectContaining({ code: ErrorCode.Unauthorized }));
    }
  });

  it('keeps the ops endpoints off when no token is configured', () => {
    expect(() => guard({}).canActivate(withAuthorization(`Bearer ${TOKEN}`))).toThrow(expect.objectContaining({ code: ErrorCode.Forbidden }));
  });
});
