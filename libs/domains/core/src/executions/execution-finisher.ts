import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EXECUTION_FINISHED, type CompletionResult, type ExecutionEvent, type ExecutionFinishedPayload, type ExecutionStatus } from '@agent-squad/contracts';
import { Metrics } from '@agent-squad/observability';
import type { Counter } from 'prom-client';
import { GroupedWrites } from '@agent-squad/database';
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

/** One ending on its way to the database, as the grouped statement reads it. */
interface EndingRow {
  executionId: string;
  from: Ending['from'];
  fence: number | null;
  outcome: Outcome;
  finishedAt: string;
  last: { stepIndex: number; output: OutputMessage; promptTokens: number; completionTokens: number } | null;
  outboxId: string;
  payload: ExecutionFinishedPayload;
  status: StatusData;
  done: DoneData;
}

type StatusData = { status: Outcome['status']; error?: string };
type DoneData = { status: Outcome['status']; result: string | null; error: string | null; usage: Usage };

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
 *
 * Endings asked for while one is being written go together in the next statement (GroupedWrites),
 * as claims and step checkpoints do, locking their executions in id order: under load a worker had
 * ~25 of them waiting for a connection at once (bench, sustained phase). Several endings of one
 * owner in a group hand their places to as many of its waiting executions, oldest first.
 */
@Injectable()
export class ExecutionFinisher {
  private readonly finished: Counter<'status'>;
  private readonly endings = new GroupedWrites<EndingRow, EndRow | undefined>((rows) => this.endAll(rows), { isolateFailures: true });

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
    const row = endingRow(ending, outcome, last);
    const ended = await this.endings.add(row);
    if (!ended) return false;
    this.finished.inc({ status: outcome.status });
    const output = row.last?.output;
    const events: ExecutionEvent[] = [
      ...(output ? [{ executionId: ending.executionId, seq: ended.eventSeq - 2, type: 'message' as const, data: { ...output, seq: ended.messageSeq } }] : []),
      { executionId: ending.executionId, seq: ended.eventSeq - 1, type: 'status', data: row.status },
      { executionId: ending.executionId, seq: ended.eventSeq, type: 'done', data: row.done },
    ];
    this.eventLog.publish(events);
    this.relay.kick();
    const placement: Placement = ended.nextId ? { kind: 'placed', executionId: ended.nextId, priority: ended.nextPriority! } : ended.placeOwed ? { kind: 'admit' } : { kind: 'waiting' };
    await this.admission.settle(ending.ownerId, placement);
    return true;
  }

  /**
   * The ending statement; answers each ending's row, or undefined where the compare-and-set
   * refused it. The places the ended executions held pass to their owners' oldest waiting
   * executions (the n-th freed place of an owner to its n-th oldest), or are freed. A handover
   * inserts the place afresh and skips on conflict: an admission that placed the same execution at
   * the same moment wins, and the freed place is owed to the next one (a refused update would fail
   * the whole statement). Handovers are inserted in execution id order, so two statements handing
   * places to the same waiting executions wait on each other in one order, never in a cycle.
   */
  private async endAll(rows: readonly EndingRow[]): Promise<(EndRow | undefined)[]> {
    const column = <T>(pick: (row: EndingRow) => T) => rows.map(pick);
    const json = (value: unknown) => JSON.stringify(value);
    const ended = await this.db.$queryRaw<(EndRow & { ord: bigint })[]>`
      WITH input AS (
        SELECT * FROM unnest(
          ${column((r) => r.executionId)}::uuid[], ${column((r) => r.from)}::text[], ${column((r) => r.fence)}::int[],
          ${column((r) => r.outcome.status)}::text[], ${column((r) => r.outcome.result ?? null)}::text[], ${column((r) => r.outcome.error ?? null)}::text[],
          ${column((r) => r.finishedAt)}::timestamptz[], ${column((r) => r.last?.stepIndex ?? null)}::int[], ${column((r) => (r.last ? json(r.last.output) : null))}::jsonb[],
          ${column((r) => r.last?.promptTokens ?? 0)}::int[], ${column((r) => r.last?.completionTokens ?? 0)}::int[],
          ${column((r) => r.outboxId)}::uuid[], ${column((r) => json(r.payload))}::jsonb[], ${column((r) => json(r.status))}::jsonb[], ${column((r) => json(r.done))}::jsonb[])
          WITH ORDINALITY AS i(id, "from", fence, status, result, error, "finishedAt", "stepIndex", output, "promptTokens", "completionTokens", "outboxId", payload, "statusData", done, ord)
      ), locked AS (
        SELECT e.id FROM core.executions e JOIN input i ON e.id = i.id AND e.status = i."from" AND (i.fence IS NULL OR e.attempts = i.fence)
        ORDER BY e.id FOR UPDATE OF e
      ), ex AS (
        UPDATE core.executions e
        SET status = i.status, result = i.result, error = i.error, "finishedAt" = i."finishedAt",
            "eventSeq" = e."eventSeq" + CASE WHEN i.output IS NULL THEN 2 ELSE 3 END, "messageSeq" = e."messageSeq" + CASE WHEN i.output IS NULL THEN 0 ELSE 1 END,
            "llmCalls" = e."llmCalls" + CASE WHEN i.output IS NULL THEN 0 ELSE 1 END,
            "promptTokens" = e."promptTokens" + i."promptTokens", "completionTokens" = e."completionTokens" + i."completionTokens",
            "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        FROM locked l JOIN input i ON i.id = l.id
        WHERE e.id = l.id AND e.status = i."from" AND (i.fence IS NULL OR e.attempts = i.fence)
        RETURNING e.id, e."taskId", e."ownerId", e."eventSeq", e."messageSeq", i.ord
      ), output AS (
        INSERT INTO core.messages (id, "executionId", seq, "stepIndex", "memberId", role, kind, content, citations, "createdAt")
        SELECT (i.output->>'id')::uuid, ex.id, ex."messageSeq", i."stepIndex", (i.output->>'memberId')::uuid, i.output->>'role', 'output',
               i.output->>'content', i.output->'citations', (i.output->>'createdAt')::timestamptz
        FROM ex JOIN input i ON i.ord = ex.ord WHERE i.output IS NOT NULL
      ), steps AS (
        UPDATE core.execution_steps s
        SET status = CASE WHEN s.index = i."stepIndex" THEN 'completed' WHEN s.status = 'running' AND i.status = 'failed' THEN 'failed' ELSE 'skipped' END,
            "finishedAt" = CASE WHEN s.status = 'running' THEN i."finishedAt" END
        FROM ex JOIN input i ON i.ord = ex.ord
        WHERE s."executionId" = ex.id AND s.status IN ('running', 'pending')
      ), task AS (
        UPDATE core.tasks t SET status = i.status FROM ex JOIN input i ON i.ord = ex.ord WHERE t.id = ex."taskId" AND t."latestExecutionId" = ex.id
      ), outbox AS (
        INSERT INTO core.outbox_events (id, subject, payload)
        SELECT i."outboxId", ${EXECUTION_FINISHED.subject}, i.payload FROM ex JOIN input i ON i.ord = ex.ord
      ), events AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT ex.id, ex."eventSeq" - 2, 'message', jsonb_set(i.output, '{seq}', to_jsonb(ex."messageSeq")) FROM ex JOIN input i ON i.ord = ex.ord WHERE i.output IS NOT NULL
        UNION ALL SELECT ex.id, ex."eventSeq" - 1, 'status', i."statusData" FROM ex JOIN input i ON i.ord = ex.ord
        UNION ALL SELECT ex.id, ex."eventSeq", 'done', i.done FROM ex JOIN input i ON i.ord = ex.ord
      ), released AS (
        DELETE FROM core.execution_slots s USING ex WHERE s."executionId" = ex.id
        RETURNING s."ownerId", s.slot, s."executionId"
      ), freed AS (
        SELECT r."ownerId", r.slot, r."executionId", row_number() OVER (PARTITION BY r."ownerId" ORDER BY r.slot) AS n FROM released r
      ), next AS (
        SELECT o."ownerId", w.id, w.priority, w.n
        FROM (SELECT "ownerId", count(*) AS places FROM released GROUP BY "ownerId") o
        CROSS JOIN LATERAL (
          SELECT w.id, w.priority, row_number() OVER (ORDER BY w."createdAt", w.id) AS n FROM core.executions w
          WHERE w."ownerId" = o."ownerId" AND w.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM ex WHERE ex.id = w.id)
            AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = w.id)
          ORDER BY w."createdAt", w.id LIMIT o.places
        ) w
      ), handed AS (
        INSERT INTO core.execution_slots ("ownerId", slot, "executionId")
        SELECT f."ownerId", f.slot, next.id FROM freed f JOIN next ON next."ownerId" = f."ownerId" AND next.n = f.n
        ORDER BY next.id
        ON CONFLICT DO NOTHING
        RETURNING "executionId"
      )
      SELECT ex.ord, ex."eventSeq", ex."messageSeq", handed."executionId" AS "nextId", next.priority AS "nextPriority",
             f."executionId" IS NOT NULL AND next.id IS NOT NULL AND handed."executionId" IS NULL AS "placeOwed"
      FROM ex
      LEFT JOIN freed f ON f."executionId" = ex.id
      LEFT JOIN next ON next."ownerId" = f."ownerId" AND next.n = f.n
      LEFT JOIN handed ON handed."executionId" = next.id`;
    const byOrdinal = new Map(ended.map((row) => [Number(row.ord), row]));
    return rows.map((_, index) => byOrdinal.get(index + 1));
  }
}

/** What the ending statement stores for one ending: its closing events, usage and `execution.finished` event worked out here. */
function endingRow(ending: Ending, outcome: Outcome, last: FinalStep | undefined): EndingRow {
  const finishedAt = new Date().toISOString();
  const usage = withStep(ending.from === 'running' ? ending.usage : NO_USAGE, last);
  const payload: ExecutionFinishedPayload = {
    executionId: ending.executionId,
    ownerId: ending.ownerId,
    squadId: ending.squadId,
    status: outcome.status,
    started: ending.from === 'running',
    ...usage,
    finishedAt,
  };
  return {
    executionId: ending.executionId,
    from: ending.from,
    fence: ending.from === 'running' ? ending.fence : null,
    outcome,
    finishedAt,
    last: last ? { stepIndex: last.step.index, output: outputMessage(last.step, last.completion), ...last.completion.usage } : null,
    outboxId: randomUUID(),
    payload,
    status: { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) },
    done: { status: outcome.status, result: outcome.result ?? null, error: outcome.error ?? null, usage },
  };
}
