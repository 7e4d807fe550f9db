import { Injectable } from '@nestjs/common';
import type { CompletionResult, ExecutionEvent, Message } from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import type { ClaimedRun, RunStep, Usage } from './execution-run';
import { GroupedWrites, uuid7 } from '@agent-squad/database';

export interface RecordedStep {
  event: ExecutionEvent;
  usage: Usage;
  cancelRequested: boolean;
}

interface Row extends Usage {
  messageSeq: number;
  eventSeq: number;
  cancelRequested: boolean;
}

/** A step's output as stored and streamed, but for its `seq`: the statement that stores it hands that out. */
export type OutputMessage = Omit<Message, 'seq'>;

export function outputMessage(step: RunStep, completion: CompletionResult): OutputMessage {
  const createdAt = new Date();
  return {
    id: uuid7(createdAt.getTime()),
    memberId: step.memberId,
    role: step.role,
    kind: 'output',
    content: completion.content,
    ...(completion.citations.length > 0 ? { citations: completion.citations } : {}),
    createdAt: createdAt.toISOString(),
  };
}

/** One step's checkpoint on its way to the database. */
interface Checkpoint {
  executionId: string;
  fence: number;
  stepIndex: number;
  next: number | null;
  message: OutputMessage;
  promptTokens: number;
  completionTokens: number;
}

/**
 * A finished step's checkpoint, fenced by the claim number: the output message, the step
 * completed, the execution's counters, its stream event, and (unless a cancel was asked for) the
 * next step marked running. (The last step's checkpoint goes with the execution's ending: see
 * ExecutionFinisher.) A worker that lost its lease stores nothing; a unique index on (execution,
 * step) of outputs backs that up in the database (a checkpoint it refuses fails alone, not its group).
 *
 * Checkpoints of the runs that finish a step while one is being written go together in the next
 * statement (GroupedWrites): under load a worker had ~40 of them waiting for a connection at once
 * (bench, sustained phase), each a round trip and a WAL flush of its own. The statement locks its
 * executions in id order, as the lease heartbeat does, so the two never deadlock.
 */
@Injectable()
export class StepRecorder {
  private readonly checkpoints = new GroupedWrites<Checkpoint, Row | undefined>((rows) => this.write(rows), { isolateFailures: true });

  constructor(private readonly db: CoreDb) {}

  /** `next`: the step to mark running, or null when none follows here. Null when the lease was lost. */
  async record(run: ClaimedRun, step: RunStep, completion: CompletionResult, next: number | null): Promise<RecordedStep | null> {
    const message = outputMessage(step, completion);
    const { promptTokens, completionTokens } = completion.usage;
    const row = await this.checkpoints.add({ executionId: run.executionId, fence: run.fence, stepIndex: step.index, next, message, promptTokens, completionTokens });
    if (!row) return null;
    return {
      event: { executionId: run.executionId, seq: row.eventSeq, type: 'message', data: { ...message, seq: row.messageSeq } },
      usage: { llmCalls: row.llmCalls, promptTokens: row.promptTokens, completionTokens: row.completionTokens },
      cancelRequested: row.cancelRequested,
    };
  }

  /** Answers each checkpoint's row, or undefined where the fence refused it. */
  private async write(checkpoints: readonly Checkpoint[]): Promise<(Row | undefined)[]> {
    const column = <T>(pick: (checkpoint: Checkpoint) => T) => checkpoints.map(pick);
    const rows = await this.db.$queryRaw<(Row & { executionId: string; fence: number })[]>`
      WITH input AS (
        -- The output message's fields are read from its JSON (the event's data): its text goes once.
        SELECT * FROM unnest(
          ${column((c) => c.executionId)}::uuid[], ${column((c) => c.fence)}::int[], ${column((c) => c.stepIndex)}::int[], ${column((c) => c.next)}::int[],
          ${column((c) => c.promptTokens)}::int[], ${column((c) => c.completionTokens)}::int[], ${column((c) => JSON.stringify(c.message))}::jsonb[])
          AS i(id, fence, "stepIndex", next, "promptTokens", "completionTokens", message)
      ), locked AS (
        SELECT e.id FROM core.executions e JOIN input i ON e.id = i.id AND e.attempts = i.fence
        WHERE e.status = 'running'
        ORDER BY e.id FOR UPDATE OF e
      ), ex AS (
        UPDATE core.executions e
        SET "messageSeq" = e."messageSeq" + 1, "eventSeq" = e."eventSeq" + 1, "llmCalls" = e."llmCalls" + 1,
            "promptTokens" = e."promptTokens" + i."promptTokens", "completionTokens" = e."completionTokens" + i."completionTokens"
        FROM locked l JOIN input i ON i.id = l.id
        WHERE e.id = l.id AND e.attempts = i.fence AND e.status = 'running'
        RETURNING e.id, e.attempts AS fence, e."messageSeq", e."eventSeq", e."cancelRequested", e."llmCalls", e."promptTokens", e."completionTokens"
      ), output AS (
        INSERT INTO core.messages (id, "executionId", seq, "stepIndex", "memberId", role, kind, content, citations, "createdAt")
        SELECT (i.message->>'id')::uuid, ex.id, ex."messageSeq", i."stepIndex", (i.message->>'memberId')::uuid, i.message->>'role', 'output',
               i.message->>'content', i.message->'citations', (i.message->>'createdAt')::timestamptz
        FROM ex JOIN input i ON i.id = ex.id AND i.fence = ex.fence
      ), event AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT ex.id, ex."eventSeq", 'message', jsonb_set(i.message, '{seq}', to_jsonb(ex."messageSeq"))
        FROM ex JOIN input i ON i.id = ex.id AND i.fence = ex.fence
      ), steps AS (
        UPDATE core.execution_steps s
        SET status = CASE WHEN s.index = i."stepIndex" THEN 'completed' ELSE 'running' END,
            "finishedAt" = CASE WHEN s.index = i."stepIndex" THEN (i.message->>'createdAt')::timestamptz END,
            "startedAt" = CASE WHEN s.index = i."stepIndex" THEN s."startedAt" ELSE now() END
        FROM ex JOIN input i ON i.id = ex.id AND i.fence = ex.fence
        WHERE s."executionId" = ex.id AND (s.index = i."stepIndex" OR (s.index = i.next AND NOT ex."cancelRequested"))
      )
      SELECT ex.id AS "executionId", ex.fence, ex."messageSeq", ex."eventSeq", ex."cancelRequested", ex."llmCalls", ex."promptTokens", ex."completionTokens" FROM ex`;
    // Keyed by fence too: a run that lost its lease may share a group with the run that took over.
    const byRun = new Map(rows.map((row) => [`${row.executionId}/${row.fence}`, row]));
    return checkpoints.map((checkpoint) => byRun.get(`${checkpoint.executionId}/${checkpoint.fence}`));
  }
}
