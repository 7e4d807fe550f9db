import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EXECUTION_FINISHED, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { GroupedWrites } from '@agent-squad/database';
import { Bus } from '@agent-squad/messaging';
import { BillingDb } from '../billing-db';
import { billingPeriod } from './billing-period';

interface MeterRow {
  eventId: string;
  userId: string;
  period: string;
  executions: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Meters finished executions from the durable event stream. The event id is recorded in the same
 * statement as the counters, so a redelivered event is counted once. An execution cancelled
 * before it started costs nothing and is not counted.
 */
@Injectable()
export class UsageMeter implements OnApplicationBootstrap {
  /**
   * Events handled at once share a statement: their ids and the counters commit together, or none
   * do (every event of a failed group is redelivered). Raw SQL, as on every hot path.
   */
  private readonly rows = new GroupedWrites<MeterRow>((rows) => this.db.$executeRaw`
    WITH input AS (
      SELECT DISTINCT ON ("eventId") * FROM unnest(
        ${rows.map((row) => row.eventId)}::uuid[], ${rows.map((row) => row.userId)}::uuid[], ${rows.map((row) => row.period)}::text[], ${rows.map((row) => row.executions)}::int[],
        ${rows.map((row) => row.llmCalls)}::int[], ${rows.map((row) => row.promptTokens)}::bigint[], ${rows.map((row) => row.completionTokens)}::bigint[]
      ) AS i("eventId", "userId", period, executions, "llmCalls", "promptTokens", "completionTokens")
    ), fresh AS (
      INSERT INTO billing.processed_events (id) SELECT "eventId" FROM input ON CONFLICT DO NOTHING RETURNING id
    )
    INSERT INTO billing.usage_counters ("userId", period, executions, "llmCalls", "promptTokens", "completionTokens")
    SELECT i."userId", i.period, sum(i.executions)::int, sum(i."llmCalls")::int, sum(i."promptTokens")::bigint, sum(i."completionTokens")::bigint
    FROM input i JOIN fresh f ON f.id = i."eventId"
    GROUP BY i."userId", i.period
    ON CONFLICT ("userId", period) DO UPDATE SET
      executions = usage_counters.executions + EXCLUDED.executions,
      "llmCalls" = usage_counters."llmCalls" + EXCLUDED."llmCalls",
      "promptTokens" = usage_counters."promptTokens" + EXCLUDED."promptTokens",
      "completionTokens" = usage_counters."completionTokens" + EXCLUDED."completionTokens"`);

  constructor(
    private readonly db: BillingDb,
    private readonly bus: Bus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consumeDurable(EXECUTION_FINISHED, 'billing-usage', (event) => this.meter(event));
  }

  /** Resolves once the event is counted (or found counted before). */
  meter(event: DurableEvent<ExecutionFinishedPayload>): Promise<void> {
    const usage = event.payload;
    return this.rows.add({
      eventId: event.id,
      userId: usage.ownerId,
      period: billingPeriod(new Date(usage.finishedAt)).key,
      executions: usage.started ? 1 : 0,
      llmCalls: usage.llmCalls,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
    });
  }
}
