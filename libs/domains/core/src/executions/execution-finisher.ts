import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EXECUTION_FINISHED, type CompletionResult, type ExecutionEvent, type ExecutionFinishedPayload, type ExecutionStatus } from '@agent-squad/contracts';
import { Metrics } from '@agent-squad/observability';
import type { Counter } from 'prom-client';
import { CoreDb } from '../core-db';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ExecutionAdmission, type Placement } from './execution-admission';
import { ExecutionEventLog } from './execution-event-log';
import type { RunStep, Usage } from './execution-run';
import { outputMessage, type OutputMessage } from './step-recorder';

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

/** The run's last step, just answered: its checkpoint is written by the ending statement. */
export interface FinalStep {
  step: RunStep;
  completion: CompletionResult;
}

interface EndRow {
  eventSeq: number;
  messageSeq: number;
  /** The waiting execution the ended one's place went to. */
  nextId: string | null;
  nextPriority: number | null;
  /** The place was freed but not handed over: the waiting execution was placed elsewhere meanwhile. */
  placeOwed: boolean;
}

const NO_USAGE: Usage = { llmCalls: 0, promptTokens: 0, completionTokens: 0 };

function withStep(usage: Usage, last: FinalStep | undefined): Usage {
  if (!last) return usage;
  const { promptTokens, completionTokens } = last.completion.usage;
  return { llmCalls: usage.llmCalls + 1, promptTokens: usage.promptTokens + promptTokens, completionTokens: usage.completionTokens + completionTokens };
}

/**
 * Ends an execution in one statement: a compare-and-set from the state its caller saw (and, for a
 * running one, fenced by the claim number), so nothing can turn a finished execution back. With it
 * go the steps' final states, the task's status, the two closing stream events, the durable
 * `execution.finished` event billing meters (outbox), and the owner's place, handed over to the
 * owner's oldest waiting execution (then dispatched) or freed. A run that ends with its last step
 * answered stores that step's checkpoint in the same statement: one round trip, one new version
 * of the execution's row.
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
  async finish(ending: Ending, outcome: Outcome, last?: FinalStep): Promise<boolean> {
    const finishedAt = new Date().toISOString();
    const written = last && { ...last, output: outputMessage(last.step, last.completion) };
    const ended = await this.end(ending, outcome, finishedAt, written);
    if (!ended) return false;
    const { row, status, done, placement } = ended;
    const output = written?.output;
    this.finished.inc({ status: outcome.status });
    const events: ExecutionEvent[] = [
      ...(output ? [{ executionId: ending.executionId, seq: row.eventSeq - 2, type: 'message' as const, data: { ...output, seq: row.messageSeq } }] : []),
      { executionId: ending.executionId, seq: row.eventSeq - 1, type: 'status', data: status },
      { executionId: ending.executionId, seq: row.eventSeq, type: 'done', data: done },
    ];
    this.eventLog.publish(events);
    this.relay.kick();
    await this.admission.settle(ending.ownerId, placement);
    return true;
  }

  /**
   * The ending statement. The place the execution held passes to its owner's oldest waiting
   * execution (returned, to dispatch), or is freed. The handover inserts the place afresh and skips
   * on conflict: an admission that placed the same execution at the same moment wins, and the freed
   * place is owed to the next one (a refused update would fail the whole ending statement).
   */
  private async end(ending: Ending, outcome: Outcome, finishedAt: string, last: (FinalStep & { output: OutputMessage }) | undefined) {
    const output = last?.output;
    const usage = withStep(ending.from === 'running' ? ending.usage : NO_USAGE, last);
    const tokens = last?.completion.usage ?? { promptTokens: 0, completionTokens: 0 };
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
            "eventSeq" = "eventSeq" + ${output ? 3 : 2}::int, "messageSeq" = "messageSeq" + ${output ? 1 : 0}::int, "llmCalls" = "llmCalls" + ${output ? 1 : 0}::int,
            "promptTokens" = "promptTokens" + ${tokens.promptTokens}::int, "completionTokens" = "completionTokens" + ${tokens.completionTokens}::int,
            "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        WHERE id = ${ending.executionId}::uuid AND status = ${ending.from} AND (${fence}::int IS NULL OR attempts = ${fence}::int)
        RETURNING id, "taskId", "ownerId", "eventSeq", "messageSeq"
      ), output AS (
        INSERT INTO core.messages (id, "executionId", seq, "stepIndex", "memberId", role, kind, content, citations, "createdAt")
        SELECT ${output?.id ?? null}::uuid, id, "messageSeq", ${last?.step.index ?? null}::int, ${last?.step.memberId ?? null}::uuid, ${last?.step.role ?? null}, 'output',
               ${output?.content ?? null}, ${output?.citations ? JSON.stringify(output.citations) : null}::jsonb, ${output?.createdAt ?? null}::timestamptz
        FROM ex WHERE ${output !== undefined}
      ), steps AS (
        UPDATE core.execution_steps s
        SET status = CASE WHEN s.index = ${last?.step.index ?? null}::int THEN 'completed' WHEN s.status = 'running' AND ${outcome.status} = 'failed' THEN 'failed' ELSE 'skipped' END,
            "finishedAt" = CASE WHEN s.status = 'running' THEN ${finishedAt}::timestamptz END
        FROM ex WHERE s."executionId" = ex.id AND s.status IN ('running', 'pending')
      ), task AS (
        UPDATE core.tasks t SET status = ${outcome.status} FROM ex WHERE t.id = ex."taskId" AND t."latestExecutionId" = ex.id
      ), outbox AS (
        INSERT INTO core.outbox_events (id, subject, payload)
        SELECT ${randomUUID()}::uuid, ${EXECUTION_FINISHED.subject}, ${JSON.stringify(payload)}::jsonb FROM ex
      ), events AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT id, "eventSeq" - 2, 'message', jsonb_set(${JSON.stringify(output ?? {})}::jsonb, '{seq}', to_jsonb("messageSeq")) FROM ex WHERE ${output !== undefined}
        UNION ALL SELECT id, "eventSeq" - 1, 'status', ${JSON.stringify(status)}::jsonb FROM ex
        UNION ALL SELECT id, "eventSeq", 'done', ${JSON.stringify(done)}::jsonb FROM ex
      ), next AS (
        SELECT w.id, w.priority FROM core.executions w JOIN ex ON w."ownerId" = ex."ownerId"
        WHERE w.status = 'queued' AND w.id <> ex.id
          AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = w.id)
        ORDER BY w."createdAt", w.id LIMIT 1
      ), released AS (
        DELETE FROM core.execution_slots s USING ex WHERE s."executionId" = ex.id
        RETURNING s."ownerId", s.slot
      ), handed AS (
        INSERT INTO core.execution_slots ("ownerId", slot, "executionId")
        SELECT released."ownerId", released.slot, next.id FROM released, next
        ON CONFLICT DO NOTHING
        RETURNING "executionId"
      )
      SELECT ex."eventSeq", ex."messageSeq", next.id AS "nextId", next.priority AS "nextPriority",
             EXISTS (SELECT 1 FROM released) AND EXISTS (SELECT 1 FROM next) AND NOT EXISTS (SELECT 1 FROM handed) AS "placeOwed"
      FROM ex LEFT JOIN handed ON true LEFT JOIN next ON next.id = handed."executionId"`;
    if (!row) return undefined;
    const placement: Placement = row.nextId ? { kind: 'placed', executionId: row.nextId, priority: row.nextPriority! } : row.placeOwed ? { kind: 'admit' } : { kind: 'waiting' };
    return { row, status, done, placement };
  }
}
