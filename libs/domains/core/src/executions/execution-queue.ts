import { Injectable, Logger } from '@nestjs/common';
import { JobQueue, QUEUES } from '@agent-squad/queue';

/** Attempts per execution job before the execution is marked failed. */
export const EXECUTION_JOB_ATTEMPTS = 5;

/** Job priority by the owner's plan (1 runs first): pro before free. */
export const PLAN_PRIORITY: Readonly<Record<string, number>> = { pro: 1, free: 2 };

export function planPriority(plan: string): number {
  return PLAN_PRIORITY[plan] ?? PLAN_PRIORITY['free']!;
}

/**
 * Hands executions to the workers. The job only names the execution: the row is the truth, so a
 * lost job is re-dispatched by the reconciler and a duplicate one finds nothing left to do.
 */
@Injectable()
export class ExecutionDispatcher {
  private readonly logger = new Logger(ExecutionDispatcher.name);

  constructor(private readonly queue: JobQueue) {}

  /** The execution's first job: it just took a place, and no job ever had its id. */
  dispatchNew(executionId: string, priority: number): Promise<void> {
    return this.dispatch(executionId, priority, true);
  }

  /** Again (the reconciler): its job vanished or its worker stopped; a failed job kept under its id is replaced. */
  redispatch(executionId: string, priority: number): Promise<void> {
    return this.dispatch(executionId, priority, false);
  }

  private async dispatch(executionId: string, priority: number, firstUseOfId: boolean): Promise<void> {
    try {
      await this.queue.add(QUEUES.executions, { executionId }, { jobId: executionId, priority, attempts: EXECUTION_JOB_ATTEMPTS, firstUseOfId });
    } catch (error) {
      // Stored already: the reconciler dispatches it once the queue answers again.
      this.logger.warn(`dispatch of execution ${executionId} deferred: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
