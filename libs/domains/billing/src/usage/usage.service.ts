import { Injectable } from '@nestjs/common';
import { AppConfig, type PlanName } from '@agent-squad/config';
import { AppError, BillingApi, ErrorCode, type QuotaAllowance, type UsageReport } from '@agent-squad/contracts';
import { BillingDb } from '../billing-db';
import { billingPeriod } from './billing-period';
import { quotaAllowance } from './quota-allowance';

interface UsageRow {
  plan: string | null;
  executions: number | null;
  llmCalls: number | null;
  tokens: bigint | null;
}

/** The user's plan, this month's metered usage, and the quota check made at task submission. */
@Injectable()
export class UsageService implements BillingApi {
  constructor(
    private readonly db: BillingDb,
    private readonly config: AppConfig,
  ) {}

  async usage({ userId }: { userId: string }): Promise<UsageReport> {
    const period = billingPeriod(new Date());
    // One statement, not two reads: it runs on every task submission (the quota check).
    const [row] = await this.db.$queryRaw<UsageRow[]>`
      SELECT a.plan, c.executions, c."llmCalls", (c."promptTokens" + c."completionTokens")::bigint AS tokens
      FROM (SELECT ${userId}::uuid AS "userId") AS u
      LEFT JOIN billing.accounts a ON a."userId" = u."userId"
      LEFT JOIN billing.usage_counters c ON c."userId" = u."userId" AND c.period = ${period.key}`;
    const plan = (row?.plan ?? 'free') as PlanName;
    const quota = this.config.plans[plan] ?? this.config.plans.free;
    return {
      plan,
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      executions: row?.executions ?? 0,
      llmCalls: row?.llmCalls ?? 0,
      tokens: Number(row?.tokens ?? 0n),
      quota: { executions: quota.executions, tokens: quota.tokens },
    };
  }

  async assertQuota({ userId }: { userId: string }): Promise<{ plan: string; allowance?: QuotaAllowance }> {
    const report = await this.usage({ userId });
    if (report.executions >= report.quota.executions) {
      throw new AppError(ErrorCode.QuotaExceeded, `The ${report.plan} plan allows ${report.quota.executions} executions per month; all are used`);
    }
    if (report.tokens >= report.quota.tokens) {
      throw new AppError(ErrorCode.QuotaExceeded, `The ${report.plan} plan allows ${report.quota.tokens} tokens per month; all are used`);
    }
    return { plan: report.plan, allowance: quotaAllowance(report, this.config.env.QUOTA_ALLOWANCE_MAX, this.config.env.QUOTA_ALLOWANCE_MS) };
  }
}
