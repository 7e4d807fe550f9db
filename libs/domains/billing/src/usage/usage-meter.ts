import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EXECUTION_FINISHED, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { BillingDb } from '../billing-db';
import { billingPeriod } from './billing-period';

/**
 * Meters finished executions from the durable event stream. The event id is recorded in the same
 * transaction as the counters, so a redelivered event is counted once. An execution cancelled
 * before it started costs nothing and is not counted.
 */
@Injectable()
export class UsageMeter implements OnApplicationBootstrap {
  constructor(
    private readonly db: BillingDb,
    private readonly bus: Bus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consumeDurable(EXECUTION_FINISHED, 'billing-usage', (event) => this.meter(event));
  }

  async meter(event: DurableEvent<ExecutionFinishedPayload>): Promise<void> {
    const usage = event.payload;
    const period = billingPeriod(new Date(usage.finishedAt)).key;
    const increments = {
      executions: usage.started ? 1 : 0,
      llmCalls: usage.llmCalls,
      promptTokens: BigInt(usage.promptTokens),
      completionTokens: BigInt(usage.completionTokens),
    };
    await this.db.$transaction(async (tx) => {
      const fresh = await tx.processedEvent.createMany({ data: [{ id: event.id }], skipDuplicates: true });
      if (fresh.count === 0) return;
      await tx.usageCounter.upsert({
        where: { userId_period: { userId: usage.ownerId, period } },
        create: { userId: usage.ownerId, period, ...increments },
        update: {
          executions: { increment: increments.executions },
          llmCalls: { increment: increments.llmCalls },
          promptTokens: { increment: increments.promptTokens },
          completionTokens: { increment: increments.completionTokens },
        },
      });
    });
  }
}
