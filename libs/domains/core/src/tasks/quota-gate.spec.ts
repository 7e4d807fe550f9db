import { AppError, BillingApi, ErrorCode, type QuotaAllowance } from '@agent-squad/contracts';
import { QuotaGate } from './quota-gate';

/** Billing as the gate sees it: answers in turn, counting the checks it was asked for. */
class ScriptedBilling extends BillingApi {
  asked = 0;
  constructor(private readonly answers: ({ plan: string; allowance?: QuotaAllowance } | AppError)[]) {
    super();
  }
  usage(): never {
    throw new Error('not used by the gate');
  }
  async assertQuota(): Promise<{ plan: string; allowance?: QuotaAllowance }> {
    const answer = this.answers[this.asked++];
    if (!answer) throw new Error('asked more often than expected');
    if (answer instanceof AppError) throw answer;
    return answer;
  }
}

const refused = () => new AppError(ErrorCode.QuotaExceeded, 'all used');

describe('QuotaGate', () => {
  afterEach(() => jest.useRealTimers());

  it('asks billing for every submission when no allowance is granted', async () => {
    const billing = new ScriptedBilling([{ plan: 'free' }, { plan: 'free' }, refused()]);
    const gate = new QuotaGate(billing);
    await expect(gate.admit('u1')).resolves.toBe('free');
    await expect(gate.admit('u1')).resolves.toBe('free');
    await expect(gate.admit('u1')).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
    expect(billing.asked).toBe(3);
  });

  it('spends an allowance before asking again, per user', async () => {
    const billing = new ScriptedBilling([{ plan: 'pro', allowance: { executions: 2, validForMs: 5000 } }, { plan: 'free' }, refused()]);
    const gate = new QuotaGate(billing);
    await expect(gate.admit('u1')).resolves.toBe('pro');
    await expect(gate.admit('u1')).resolves.toBe('pro');
    await expect(gate.admit('u1')).resolves.toBe('pro');
    expect(billing.asked).toBe(1);
    await expect(gate.admit('u2')).resolves.toBe('free');
    await expect(gate.admit('u1')).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
    expect(billing.asked).toBe(3);
  });

  it('asks again once an allowance has lapsed, and keeps no refusal', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
    const billing = new ScriptedBilling([{ plan: 'pro', allowance: { executions: 5, validForMs: 1000 } }, refused(), { plan: 'pro' }]);
    const gate = new QuotaGate(billing);
    await gate.admit('u1');
    jest.setSystemTime(new Date('2026-12-06T12:00:01.001Z'));
    await expect(gate.admit('u1')).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
    await expect(gate.admit('u1')).resolves.toBe('pro');
    expect(billing.asked).toBe(3);
  });
});
