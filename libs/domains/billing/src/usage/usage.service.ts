import { Injectable } from '@nestjs/common';
import { AppConfig, type PlanName } from '@agent-squad/config';
import { AppError, BillingApi, ErrorCode, type UsageReport } from '@agent-squad/contracts';
import { BillingDb } from '../billing-db';
import { billingPeriod } from './billing-period';

/** The user's plan, this month's metered usage, and the quota check made at task submission. */
@Injectable()
export class UsageService implements BillingApi {
  constructor(
    private readonly db: BillingDb,
    private readonly config: AppConfig,
  ) {}

  async usage({ userId }: { userId: string }): Promise<UsageReport> {
    const period = billingPeriod(new Date());
    const [account, counter] = await Promise.all([
      this.db.account.findUnique({ where: { userId } }),
      this.db.usageCounter.findUnique({ where: { userId_period: { userId, period: period.key } } }),
    ]);
    const plan = (account?.plan ?? 'free') as PlanName;
    const quota = this.config.plans[plan] ?? this.config.plans.free;
    return {
      plan,
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      executions: counter?.executions ?? 0,
      llmCalls: counter?.llmCalls ?? 0,
      tokens: Number((counter?.promptTokens ?? 0n) + (counter?.completionTokens ?? 0n)),
      quota: { executions: quota.executions, tokens: quota.tokens },
    };
  }

  async assertQuota({ userId }: { userId: string }): Promise<{ plan: string }> {
    const report = await this.usage({ userId });
    if (report.executions >= report.quota.executions) {
      throw new AppError(ErrorCode.QuotaExceeded, `The ${report.plan} plan allows ${report.quota.executions} executions per month; all are used`);
    }
    if (report.tokens >= report.quota.tokens) {
      throw new AppError(ErrorCode.QuotaExceeded, `The ${report.plan} plan allows ${report.quota.tokens} tokens per month; all are used`);
    }
    return { plan: report.plan };
  }
}
