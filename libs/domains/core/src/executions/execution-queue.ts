import { Injectable, Logger } from '@nestjs/common';
import { defineQueue, JobQueue } from '@agent-squad/queue';

export const EXECUTION_QUEUE = defineQueue<{ executionId: string }>('executions');

/** Attempts per execution job before the execution is marked failed. */
export const EXECUTION_JOB_ATTEMPTS = 5;

/**
 * Hands executions to the workers. The job only names the execution: the row is the truth, so a
 * lost job is re-dispatched by the reconciler and a duplicate one finds nothing left to do.
 */
@Injectable()
export class ExecutionDispatcher {
  private readonly logger = new Logger(ExecutionDispatcher.name);

  constructor(private readonly queue: JobQueue) {}

  async dispatch(executionId: string): Promise<void> {
    try {
      await this.queue.add(EXECUTION_QUEUE, { executionId }, { jobId: executionId, attempts: EXECUTION_JOB_ATTEMPTS });
    } catch (error) {
      // Stored as queued already: the reconciler dispatches it once the queue answers again.
      this.logger.warn(`dispatch of execution ${executionId} deferred: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
