import { Injectable } from '@nestjs/common';
import { BillingApi } from '@agent-squad/contracts';
import { LRUCache } from 'lru-cache';

interface Held {
  plan: string;
  left: number;
  until: number;
}

/**
 * The quota check of every submission. Billing answers it (and refuses with 402); far from a plan's
 * limits its answer carries an allowance — so many further submissions within so many ms — which
 * this process spends before asking again. Under a steady stream of tasks that saves most of the
 * round trips to billing (and its usage reads), and a brief billing outage does not stop users
 * with an allowance left. A refusal is never kept: the next submission asks again.
 */
@Injectable()
export class QuotaGate {
  private readonly held = new LRUCache<string, Held>({ max: 10_000 });

  constructor(private readonly billing: BillingApi) {}

  /** The user's plan, once they may start another execution; throws `quota_exceeded` when not. */
  async admit(userId: string): Promise<string> {
    const held = this.held.get(userId);
    if (held && held.left > 0 && held.until > Date.now()) {
      held.left--;
      return held.plan;
    }
    const { plan, allowance } = await this.billing.assertQuota({ userId });
    if (allowance) this.held.set(userId, { plan, left: allowance.executions, until: Date.now() + allowance.validForMs });
    else this.held.delete(userId);
    return plan;
  }
}
