import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { CoreDb } from '../core-db';
import { ExecutionAdmission } from './execution-admission';
import { ExecutionDispatcher } from './execution-queue';

/** Rows each pass looks at, per kind: a backlog is worked through over several passes. */
const BATCH = 500;

/**
 * The row is the truth, the queue a hint. Every EXECUTION_RECONCILE_EVERY_MS it re-adds the job of
 * (1) running executions whose lease has lapsed (their worker died, froze or gave them up), and
 * (2) queued executions dispatched longer than EXECUTION_REDISPATCH_AFTER_MS ago (a failed dispatch,
 * a Redis that lost its data), and (3) admits waiting executions of users with free places (a
 * place freed while its promotion failed). Re-adding is safe: the job id is the execution id, so a
 * job that still exists is not duplicated, and a worker claims only what is claimable.
 */
@Injectable()
export class ExecutionReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutionReconciler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly db: CoreDb,
    private readonly dispatcher: ExecutionDispatcher,
    private readonly admission: ExecutionAdmission,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reconcile(), this.config.env.EXECUTION_RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers how many executions it re-dispatched or admitted work for. */
  async reconcile(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const orphans = [...(await this.lapsedLeases()), ...(await this.staleDispatches())];
      for (const { id, priority } of orphans) await this.dispatcher.redispatch(id, priority);
      const owners = await this.ownersWithFreePlaces();
      for (const { ownerId } of owners) await this.admission.admit(ownerId);
      return orphans.length + owners.length;
    } catch (error) {
      this.logger.warn(`reconcile pass failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    } finally {
      this.running = false;
    }
  }

  private lapsedLeases(): Promise<{ id: string; priority: number }[]> {
    return this.db.$queryRaw`
      SELECT id, priority FROM core.executions
      WHERE status = 'running' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now())
      ORDER BY "leaseExpiresAt" NULLS FIRST LIMIT ${BATCH}::int`;
  }

  /** Re-stamped as it is re-dispatched, so each is re-added once per period, not on every pass. */
  private staleDispatches(): Promise<{ id: string; priority: number }[]> {
    return this.db.$queryRaw`
      WITH stale AS (
        SELECT s."executionId" FROM core.execution_slots s JOIN core.executions e ON e.id = s."executionId"
        WHERE e.status = 'queued' AND s."dispatchedAt" < now() - make_interval(secs => ${this.config.env.EXECUTION_REDISPATCH_AFTER_MS}::int / 1000.0)
        ORDER BY s."dispatchedAt" LIMIT ${BATCH}::int FOR UPDATE OF s SKIP LOCKED
      )
      UPDATE core.execution_slots s SET "dispatchedAt" = now() FROM stale, core.executions e
      WHERE s."executionId" = stale."executionId" AND e.id = stale."executionId"
      RETURNING e.id, e.priority`;
  }

  private ownersWithFreePlaces(): Promise<{ ownerId: string }[]> {
    return this.db.$queryRaw`
      SELECT w."ownerId" FROM (
        SELECT DISTINCT e."ownerId" FROM core.executions e
        WHERE e.status = 'queued' AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = e.id)
      ) w
      WHERE (SELECT count(*) FROM core.execution_slots s WHERE s."ownerId" = w."ownerId") < ${this.config.env.USER_MAX_ACTIVE_EXECUTIONS}::int
      LIMIT ${BATCH}::int`;
  }
}
