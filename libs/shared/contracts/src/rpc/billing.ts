import type { UsageReport } from '../api';
import { defineService } from './service-contract';

export abstract class BillingApi {
  abstract usage(request: { userId: string }): Promise<UsageReport>;
  /** Resolves when the user may start another execution; throws `quota_exceeded` (402) when not. */
  abstract assertQuota(request: { userId: string }): Promise<null>;
}
export const BILLING_SERVICE = defineService(BillingApi, 'billing', { usage: true, assertQuota: true });
