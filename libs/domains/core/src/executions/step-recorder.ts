import { Injectable } from '@nestjs/common';
import type { CompletionResult, ExecutionEvent, Message } from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import type { ClaimedRun, RunStep, Usage } from './execution-run';
import { uuid7 } from '@agent-squad/database';

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

/**
 * A finished step's checkpoint, in one statement fenced by the claim number: the output message,
 * the step completed, the execution's counters, its stream event, and (unless a cancel was asked
 * for) the next step marked running. (The last step's checkpoint goes with the execution's ending:
 * see ExecutionFinisher.) A worker that lost its lease stores nothing; a unique index
 * on (execution, step) of outputs backs that up in the database.
 */
@Injectable()
export class StepRecorder {
  constructor(private readonly db: CoreDb) {}

  /** `next`: the step to mark running, or null when none follows here. Null when the lease was lost. */
  async record(run: ClaimedRun, step: RunStep, completion: CompletionResult, next: number | null): Promise<RecordedStep | null> {
    const message = outputMessage(step, completion);
    const createdAt = message.createdAt;
    const { promptTokens, completionTokens } = completion.usage;
    const [row] = await this.db.$queryRaw<Row[]>`
      WITH ex AS (
        UPDATE core.executions
        SET "messageSeq" = "messageSeq" + 1, "eventSeq" = "eventSeq" + 1, "llmCalls" = "llmCalls" + 1,
            "promptTokens" = "promptTokens" + ${promptTokens}::int, "completionTokens" = "completionTokens" + ${completionTokens}::int
        WHERE id = ${run.executionId}::uuid AND status = 'running' AND attempts = ${run.fence}::int
        RETURNING "messageSeq", "eventSeq", "cancelRequested", "llmCalls", "promptTokens", "completionTokens"
      ), output AS (
        INSERT INTO core.messages (id, "executionId", seq, "stepIndex", "memberId", role, kind, content, citations, "createdAt")
        SELECT ${message.id}::uuid, ${run.executionId}::uuid, "messageSeq", ${step.index}::int, ${step.memberId}::uuid, ${step.role}, 'output',
               ${completion.content}, ${message.citations ? JSON.stringify(message.citations) : null}::jsonb, ${createdAt}::timestamptz
        FROM ex
      ), event AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT ${run.executionId}::uuid, "eventSeq", 'message', jsonb_set(${JSON.stringify(message)}::jsonb, '{seq}', to_jsonb("messageSeq"))
        FROM ex
      ), steps AS (
        UPDATE core.execution_steps s
        SET status = CASE WHEN s.index = ${step.index}::int THEN 'completed' ELSE 'running' END,
            "finishedAt" = CASE WHEN s.index = ${step.index}::int THEN ${createdAt}::timestamptz END,
            "startedAt" = CASE WHEN s.index = ${step.index}::int THEN s."startedAt" ELSE now() END
        FROM ex
        WHERE s."executionId" = ${run.executionId}::uuid
          AND (s.index = ${step.index}::int OR (s.index = ${next}::int AND NOT ex."cancelRequested"))
      )
      SELECT * FROM ex`;
    if (!row) return null;
    return {
      event: { executionId: run.executionId, seq: row.eventSeq, type: 'message', data: { ...message, seq: row.messageSeq } },
      usage: { llmCalls: row.llmCalls, promptTokens: row.promptTokens, completionTokens: row.completionTokens },
      cancelRequested: row.cancelRequested,
    };
  }
}
