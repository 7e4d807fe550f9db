import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { Clock, JobQueue, QUEUES, runEvery } from '@agent-squad/queue';
import { IntelligenceDb } from '../intelligence-db';

const DAY_MS = 86_400_000;
/** Complete days read again on every run: a call stored just after midnight still counts in its day. */
const REREAD_DAYS = 2;

export interface RollupResult {
  /** (day, provider, model) rows written. */
  rows: number;
  /** Raw calls deleted for being past retention. */
  prunedCalls: number;
}

/**
 * Usage aggregation (`intelligence.llm-usage-rollup`, every LLM_USAGE_ROLLUP_EVERY_MS). Every
 * agent step stores one `llm_calls` row, the fastest-growing table of the platform; this rolls the
 * complete UTC days up into `llm_usage_daily` (calls, tokens, latency per provider and model: what
 * cost and capacity reports need), then deletes raw calls older than RETENTION_DAYS, by which time
 * the executions they belong to are gone too. A day is recomputed, never incremented, so a run
 * that is retried or repeated changes nothing.
 */
@Injectable()
export class LlmUsageRollup implements OnApplicationBootstrap {
  private readonly logger = new Logger(LlmUsageRollup.name);

  constructor(
    private readonly db: IntelligenceDb,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await runEvery(this.queue, QUEUES.llmUsageRollup, this.config.env.LLM_USAGE_ROLLUP_EVERY_MS, () => this.run());
  }

  async run(): Promise<RollupResult> {
    const today = new Date(Math.floor(this.clock.now() / DAY_MS) * DAY_MS);
    const from = await this.firstDayToRead(today);
    const rows = await this.db.$executeRaw`
      INSERT INTO intelligence.llm_usage_daily (day, provider, model, calls, "promptTokens", "completionTokens", "latencyMsTotal", "latencyMsMax", "costUsd")
      SELECT ("createdAt" AT TIME ZONE 'UTC')::date, provider, model, count(*), sum("promptTokens"), sum("completionTokens"), sum("latencyMs"), max("latencyMs"), sum("costUsd")
        FROM intelligence.llm_calls
       WHERE "createdAt" >= ${from} AND "createdAt" < ${today}
       GROUP BY 1, 2, 3
      ON CONFLICT (day, provider, model) DO UPDATE SET
        calls = EXCLUDED.calls, "promptTokens" = EXCLUDED."promptTokens", "completionTokens" = EXCLUDED."completionTokens",
        "latencyMsTotal" = EXCLUDED."latencyMsTotal", "latencyMsMax" = EXCLUDED."latencyMsMax", "costUsd" = EXCLUDED."costUsd"`;
    // Every day before today is rolled up by now, so whole days past retention can go.
    const cutoff = new Date(today.getTime() - this.config.env.RETENTION_DAYS * DAY_MS);
    const prunedCalls = (await this.db.llmCall.deleteMany({ where: { createdAt: { lt: cutoff } } })).count;
    if (rows + prunedCalls > 0) this.logger.log(`rolled up ${rows} day/provider/model rows since ${from.toISOString()}; deleted ${prunedCalls} calls before ${cutoff.toISOString()}`);
    return { rows, prunedCalls };
  }

  /** The day after the last one rolled up (everything, the first time), but no later than the re-read window. */
  private async firstDayToRead(today: Date): Promise<Date> {
    const { _max } = await this.db.llmUsageDaily.aggregate({ _max: { day: true } });
    const reread = today.getTime() - REREAD_DAYS * DAY_MS;
    return new Date(_max.day ? Math.min(_max.day.getTime() + DAY_MS, reread) : 0);
  }
}
