import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EXECUTION_FINISHED, type ExecutionEvent, type ExecutionFinishedPayload, type ExecutionStatus } from '@agent-squad/contracts';
import { isUniqueViolation } from '@agent-squad/database';
import { Metrics } from '@agent-squad/observability';
import type { Counter } from 'prom-client';
import { CoreDb } from '../core-db';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ExecutionAdmission, type Placement } from './execution-admission';
import { ExecutionEventLog } from './execution-event-log';
import type { Usage } from './execution-run';

export interface Outcome {
  status: Extract<ExecutionStatus, 'completed' | 'failed' | 'cancelled'>;
  result?: string;
  error?: string;
}

/** The execution as its ender knows it: a queued one has never run; a running one is ended by its lease holder. */
export type Ending = { executionId: string; ownerId: string; squadId: string } & (
  | { from: 'queued' }
  | { from: 'running'; fence: number; usage: Usage }
);

interface EndRow {
  eventSeq: number;
  /** The waiting execution the ended one's place went to. */
  nextId: string | null;
  nextPriority: number | null;
  placeFreed: boolean;
}

const NO_USAGE: Usage = { llmCalls: 0, promptTokens: 0, completionTokens: 0 };

/**
 * Ends an execution in one statement: a compare-and-set from the state its caller saw (and, for a
 * running one, fenced by the claim number), so nothing can turn a finished execution back. With it
 * go the steps' final states, the task's status, the two closing stream events, the durable
 * `execution.finished` event billing meters (outbox), and the owner's place, handed over to the
 * owner's oldest waiting execution (then dispatched) or freed.
 */
@Injectable()
export class ExecutionFinisher {
  private readonly finished: Counter<'status'>;

  constructor(
    private readonly db: CoreDb,
    private readonly eventLog: ExecutionEventLog,
    private readonly relay: OutboxRelay,
    private readonly admission: ExecutionAdmission,
    metrics: Metrics,
  ) {
    this.finished = metrics.counter('executions_finished_total', 'Executions ended by this process, by final status', ['status']);
  }

  /** True when this call ended the execution; false when it was no longer in `from` (or the fence moved). */
  async finish(ending: Ending, outcome: Outcome): Promise<boolean> {
    const finishedAt = new Date().toISOString();
    const ended = await this.end(ending, outcome, finishedAt, true).catch((error: unknown) => {
      // The place was handed to a waiting execution that a new execution's admission placed at
      // the same moment: end without handing it over, and admit afresh.
      if (!isUniqueViolation(error)) throw error;
      return this.end(ending, outcome, finishedAt, false);
    });
    if (!ended) return false;
    const { row, status, done, placement } = ended;
    this.finished.inc({ status: outcome.status });
    const events: ExecutionEvent[] = [
      { executionId: ending.executionId, seq: row.eventSeq - 1, type: 'status', data: status },
      { executionId: ending.executionId, seq: row.eventSeq, type: 'done', data: done },
    ];
    this.eventLog.publish(events);
    this.relay.kick();
    await this.admission.settle(ending.ownerId, placement);
    return true;
  }

  /**
   * The ending statement. With `handOver`, the place the execution held passes to its owner's
   * oldest waiting execution (returned, to dispatch) instead of being freed.
   */
  private async end(ending: Ending, outcome: Outcome, finishedAt: string, handOver: boolean) {
    const usage = ending.from === 'running' ? ending.usage : NO_USAGE;
    const fence = ending.from === 'running' ? ending.fence : null;
    const payload: ExecutionFinishedPayload = {
      executionId: ending.executionId,
      ownerId: ending.ownerId,
      squadId: ending.squadId,
      status: outcome.status,
      started: ending.from === 'running',
      ...usage,
      finishedAt,
    };
    const status = { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
    const done = { status: outcome.status, result: outcome.result ?? null, error: outcome.error ?? null, usage };
    const [row] = await this.db.$queryRaw<EndRow[]>`
      WITH ex AS (
        UPDATE core.executions
        SET status = ${outcome.status}, result = ${outcome.result ?? null}, error = ${outcome.error ?? null}, "finishedAt" = ${finishedAt}::timestamptz,
            "eventSeq" = "eventSeq" + 2, "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        WHERE id = ${ending.executionId}::uuid AND status = ${ending.from} AND (${fence}::int IS NULL OR attempts = ${fence}::int)
        RETURNING id, "taskId", "ownerId", "eventSeq"
      ), steps AS (
        UPDATE core.execution_steps s
        SET status = CASE WHEN s.status = 'running' AND ${outcome.status} = 'failed' THEN 'failed' ELSE 'skipped' END,
            "finishedAt" = CASE WHEN s.status = 'running' THEN ${finishedAt}::timestamptz END
        FROM ex WHERE s."executionId" = ex.id AND s.status IN ('running', 'pending')
      ), task AS (
        UPDATE core.tasks t SET status = ${outcome.status} FROM ex WHERE t.id = ex."taskId" AND t."latestExecutionId" = ex.id
      ), outbox AS (
        INSERT INTO core.outbox_events (id, subject, payload)
        SELECT ${randomUUID()}::uuid, ${EXECUTION_FINISHED.subject}, ${JSON.stringify(payload)}::jsonb FROM ex
      ), events AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT id, "eventSeq" - 1, 'status', ${JSON.stringify(status)}::jsonb FROM ex
        UNION ALL SELECT id, "eventSeq", 'done', ${JSON.stringify(done)}::jsonb FROM ex
      ), next AS (
        SELECT w.id, w.priority FROM core.executions w JOIN ex ON w."ownerId" = ex."ownerId"
        WHERE ${handOver} AND w.status = 'queued' AND w.id <> ex.id
          AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = w.id)
        ORDER BY w."createdAt", w.id LIMIT 1
      ), handed AS (
        UPDATE core.execution_slots s SET "executionId" = next.id, "dispatchedAt" = now()
        FROM ex, next WHERE s."executionId" = ex.id
        RETURNING next.id, next.priority
      ), freed AS (
        DELETE FROM core.execution_slots s USING ex
        WHERE s."executionId" = ex.id AND NOT EXISTS (SELECT 1 FROM next)
        RETURNING s.slot
      )
      SELECT ex."eventSeq", handed.id AS "nextId", handed.priority AS "nextPriority", EXISTS (SELECT 1 FROM freed) AS "placeFreed"
      FROM ex LEFT JOIN handed ON true`;
    if (!row) return undefined;
    // Without handing over, a freed place may be owed to a waiting execution.
    const placement: Placement = row.nextId ? { kind: 'placed', executionId: row.nextId, priority: row.nextPriority! } : row.placeFreed && !handOver ? { kind: 'admit' } : { kind: 'waiting' };
    return { row, status, done, placement };
  }
}
