import type { UsageReport } from '../api';
import { defineService } from './service-contract';

/** Submissions the caller may accept without asking billing again, while `validForMs` lasts (see QuotaGate in core). */
export interface QuotaAllowance {
  executions: number;
  validForMs: number;
}

export abstract class BillingApi {
  abstract usage(request: { userId: string }): Promise<UsageReport>;
  /**
   * Resolves with the user's plan when they may start another execution; throws `quota_exceeded`
   * (402) when not. Far from the plan's limits it also grants an allowance of further executions.
   */
  abstract assertQuota(request: { userId: string }): Promise<{ plan: string; allowance?: QuotaAllowance }>;
}
export const BILLING_SERVICE = defineService(BillingApi, 'billing', { usage: true, assertQuota: true });
