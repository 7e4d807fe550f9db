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

  /** One statement: the event id and the counters commit together, or neither does. */
  async meter(event: DurableEvent<ExecutionFinishedPayload>): Promise<void> {
    const usage = event.payload;
    const period = billingPeriod(new Date(usage.finishedAt)).key;
    const executions = usage.started ? 1 : 0;
    await this.db.$executeRaw`
      WITH fresh AS (
        INSERT INTO billing.processed_events (id) VALUES (${event.id}::uuid) ON CONFLICT DO NOTHING RETURNING id
      )
      INSERT INTO billing.usage_counters ("userId", period, executions, "llmCalls", "promptTokens", "completionTokens")
      SELECT ${usage.ownerId}::uuid, ${period}, ${executions}::int, ${usage.llmCalls}::int, ${usage.promptTokens}::bigint, ${usage.completionTokens}::bigint FROM fresh
      ON CONFLICT ("userId", period) DO UPDATE SET
        executions = usage_counters.executions + EXCLUDED.executions,
        "llmCalls" = usage_counters."llmCalls" + EXCLUDED."llmCalls",
        "promptTokens" = usage_counters."promptTokens" + EXCLUDED."promptTokens",
        "completionTokens" = usage_counters."completionTokens" + EXCLUDED."completionTokens"`;
  }
}
