import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { IDEMPOTENCY_WINDOW_MS } from '@agent-squad/contracts';
import { Clock, JobQueue, QUEUES, runEvery } from '@agent-squad/queue';
import { CoreDb } from '../core-db';

const DAY_MS = 86_400_000;
/** Executions deleted per statement: short transactions, however large the backlog. */
const BATCH = 500;

export interface CleanupResult {
  executions: number;
  idempotencyRecords: number;
}

/**
 * Retention (`core.execution-cleanup`, every EXECUTION_CLEANUP_EVERY_MS): deletes executions that
 * finished more than RETENTION_DAYS ago — their steps, messages and stream events go with them
 * (the foreign keys cascade) — and idempotency records past their window. Queued and running
 * executions are never touched, however old. Tasks stay: a task whose executions are gone is
 * still the user's, and can be run again.
 */
@Injectable()
export class ExecutionCleanup implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExecutionCleanup.name);

  constructor(
    private readonly db: CoreDb,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hosts('core')) return;
    await runEvery(this.queue, QUEUES.executionCleanup, this.config.env.EXECUTION_CLEANUP_EVERY_MS, () => this.run());
  }

  async run(): Promise<CleanupResult> {
    const now = this.clock.now();
    const cutoff = new Date(now - this.config.env.RETENTION_DAYS * DAY_MS);
    let executions = 0;
    for (let batch = await this.expired(cutoff); batch.length > 0; batch = await this.expired(cutoff)) {
      executions += (await this.db.execution.deleteMany({ where: { id: { in: batch } } })).count;
    }
    const idempotencyRecords = (await this.db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now - IDEMPOTENCY_WINDOW_MS) } } })).count;
    if (executions + idempotencyRecords > 0) this.logger.log(`deleted ${executions} executions finished before ${cutoff.toISOString()} and ${idempotencyRecords} expired idempotency records`);
    return { executions, idempotencyRecords };
  }

  /**
   * Created and finished before the cutoff. The statuses are written out, not passed in, so that
   * every plan of the statement, generic ones too, can use the partial index of ended executions
   * (`executions_ended_by_age`, whose predicate names the same three: TERMINAL_STATUSES).
   */
  private async expired(cutoff: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM core.executions
      WHERE status IN ('completed', 'failed', 'cancelled') AND "createdAt" < ${cutoff}::timestamptz AND "finishedAt" < ${cutoff}::timestamptz
      LIMIT ${BATCH}::int`;
    return rows.map((row) => row.id);
  }
}
