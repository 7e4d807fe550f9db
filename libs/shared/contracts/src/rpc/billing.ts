import type { UsageReport } from '../api';
import { defineService } from './service-contract';

export abstract class BillingApi {
  abstract usage(request: { userId: string }): Promise<UsageReport>;
  /** Resolves with the user's plan when they may start another execution; throws `quota_exceeded` (402) when not. */
  abstract assertQuota(request: { userId: string }): Promise<{ plan: string }>;
}
export const BILLING_SERVICE = defineService(BillingApi, 'billing', { usage: true, assertQuota: true });
