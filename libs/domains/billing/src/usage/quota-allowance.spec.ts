import type { UsageReport } from '@agent-squad/contracts';
import { quotaAllowance } from './quota-allowance';

const report = (used: { executions: number; tokens: number }, quota = { executions: 10_000, tokens: 100_000_000 }): UsageReport => ({
  plan: 'pro',
  period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
  executions: used.executions,
  llmCalls: used.executions * 3,
  tokens: used.tokens,
  quota,
});

describe('quotaAllowance', () => {
  it('grants up to the maximum when far from both limits', () => {
    expect(quotaAllowance(report({ executions: 0, tokens: 0 }), 20, 5000)).toEqual({ executions: 20, validForMs: 5000 });
  });

  it('takes at most 1 % of the executions left', () => {
    expect(quotaAllowance(report({ executions: 9_500, tokens: 0 }), 20, 5000)).toEqual({ executions: 5, validForMs: 5000 });
  });

  it('takes at most 1 % of the tokens left, at the user\'s tokens per execution so far', () => {
    // 90M left, 1 % = 900k, at 100k tokens an execution: 9.
    expect(quotaAllowance(report({ executions: 100, tokens: 10_000_000 }), 20, 5000)).toEqual({ executions: 9, validForMs: 5000 });
  });

  it('grants none within reach of a limit, so every submission is checked', () => {
    expect(quotaAllowance(report({ executions: 9_950, tokens: 0 }), 20, 5000)).toBeUndefined();
    expect(quotaAllowance(report({ executions: 0, tokens: 0 }, { executions: 100, tokens: 1_000_000 }), 20, 5000)).toEqual({ executions: 1, validForMs: 5000 });
    expect(quotaAllowance(report({ executions: 1, tokens: 0 }, { executions: 100, tokens: 1_000_000 }), 20, 5000)).toBeUndefined();
    expect(quotaAllowance(report({ executions: 10, tokens: 99_500_000 }), 20, 5000)).toBeUndefined();
  });

  it('grants none when allowances are turned off', () => {
    expect(quotaAllowance(report({ executions: 0, tokens: 0 }), 0, 5000)).toBeUndefined();
    expect(quotaAllowance(report({ executions: 0, tokens: 0 }), 20, 0)).toBeUndefined();
  });
});
