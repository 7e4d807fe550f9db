import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CoreDb } from '../core-db';
import { ExecutionDispatcher } from './execution-queue';

const INTERVAL_MS = 15_000;
/** A queued execution older than this without having started gets its job added again. */
const STALE_MS = 30_000;

/**
 * The row is the truth, the queue a hint: re-dispatches queued executions whose job may be gone
 * (a failed dispatch, a Redis that lost its data). Re-adding is safe: the job id is the execution
 * id, so a job that still exists is not duplicated, and a worker skips finished executions.
 */
@Injectable()
export class ExecutionReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutionReconciler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: CoreDb,
    private readonly dispatcher: ExecutionDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reconcile(), INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reconcile(now = new Date()): Promise<number> {
    try {
      const stale = await this.db.execution.findMany({
        where: { status: 'queued', createdAt: { lt: new Date(now.getTime() - STALE_MS) } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
        take: 1000,
      });
      await Promise.all(stale.map((execution) => this.dispatcher.dispatch(execution.id)));
      return stale.length;
    } catch (error) {
      this.logger.warn(`reconcile pass failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}
