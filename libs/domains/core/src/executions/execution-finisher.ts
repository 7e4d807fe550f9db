import { Injectable } from '@nestjs/common';
import { EXECUTION_FINISHED, type ExecutionStatus } from '@agent-squad/contracts';
import { Metrics } from '@agent-squad/observability';
import type { Counter } from 'prom-client';
import { CoreDb } from '../core-db';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ExecutionEventLog } from './execution-event-log';

export interface Outcome {
  status: Extract<ExecutionStatus, 'completed' | 'failed' | 'cancelled'>;
  result?: string;
  error?: string;
}

/**
 * Ends an execution. The change is a compare-and-set from the state the caller saw, so nothing can
 * turn a finished execution back, and it commits together with its stream events and the durable
 * `execution.finished` event that billing meters.
 */
@Injectable()
export class ExecutionFinisher {
  private readonly finished: Counter<'status'>;

  constructor(
    private readonly db: CoreDb,
    private readonly eventLog: ExecutionEventLog,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    metrics: Metrics,
  ) {
    this.finished = metrics.counter('executions_finished_total', 'Executions ended by this process, by final status', ['status']);
  }

  /** True when this call ended the execution; false when it was no longer in `from`. */
  async finish(executionId: string, from: 'queued' | 'running', outcome: Outcome): Promise<boolean> {
    const finishedAt = new Date();
    const events = await this.db.$transaction(async (tx) => {
      const { count } = await tx.execution.updateMany({
        where: { id: executionId, status: from },
        data: { status: outcome.status, result: outcome.result ?? null, error: outcome.error ?? null, finishedAt },
      });
      if (count === 0) return null;
      const unfinishedStatus = outcome.status === 'failed' ? 'failed' : 'skipped';
      await tx.executionStep.updateMany({ where: { executionId, status: 'running' }, data: { status: unfinishedStatus, finishedAt } });
      await tx.executionStep.updateMany({ where: { executionId, status: 'pending' }, data: { status: 'skipped' } });
      const execution = await tx.execution.findUniqueOrThrow({ where: { id: executionId } });
      await tx.task.updateMany({ where: { id: execution.taskId, latestExecutionId: executionId }, data: { status: outcome.status } });
      const usage = { llmCalls: execution.llmCalls, promptTokens: execution.promptTokens, completionTokens: execution.completionTokens };
      await this.outbox.record(tx, EXECUTION_FINISHED, {
        executionId,
        ownerId: execution.ownerId,
        squadId: execution.squadId,
        status: outcome.status,
        started: execution.startedAt !== null,
        ...usage,
        finishedAt: finishedAt.toISOString(),
      });
      return this.eventLog.append(tx, executionId, [
        { type: 'status', data: { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) } },
        { type: 'done', data: { status: outcome.status, result: execution.result, error: execution.error, usage } },
      ]);
    });
    if (!events) return false;
    this.finished.inc({ status: outcome.status });
    this.eventLog.publish(events);
    this.relay.kick();
    return true;
  }
}
