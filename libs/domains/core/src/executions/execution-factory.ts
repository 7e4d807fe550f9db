import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import type { Execution, Member, Task } from '@agent-squad/contracts';
import { uuid7 } from '@agent-squad/database';
import { CoreDb } from '../core-db';
import { type Placement } from './execution-admission';

export interface NewExecution {
  ownerId: string;
  squadId: string;
  /** A new task (submit), or an existing one run again (its status and latest execution follow). */
  task: { title: string; description: string } | Task;
  /** The squad's members in working order: each step is a snapshot of one. */
  members: readonly Member[];
  priority: number;
  /** Stores the answer under an Idempotency-Key in the same statement (a repeat of the key conflicts). */
  idempotency?: { scope: string; key: string; answer: (created: { task: Task; execution: Execution }) => unknown };
}

export interface Queued {
  created: { task: Task; execution: Execution };
  /** Whether the execution took one of its owner's places in the same statement (see ExecutionAdmission). */
  placement: Placement;
}

/**
 * Writes a queued execution in one statement: the task (new, or re-pointed at this run), one step
 * per member (a snapshot: later edits to the squad do not change a run under way), the stream's
 * first event, the idempotency record if any, and — when one of its owner's places is free and
 * none of the owner's executions waits for one — that place. It reaches the workers once it
 * holds a place (`ExecutionAdmission`).
 */
@Injectable()
export class ExecutionFactory {
  constructor(
    private readonly db: CoreDb,
    private readonly config: AppConfig,
  ) {}

  async createQueued(input: NewExecution): Promise<Queued> {
    const now = new Date();
    const executionId = uuid7(now.getTime());
    const existing = 'id' in input.task ? input.task : null;
    const task: Task = existing
      ? { ...existing, status: 'queued', latestExecutionId: executionId }
      : { id: uuid7(now.getTime()), squadId: input.squadId, ...input.task, status: 'queued', createdAt: now.toISOString(), latestExecutionId: executionId };
    const execution = queuedExecution(executionId, task, input.members, now);
    const steps = input.members.map((member, index) => ({ index, memberId: member.id, role: member.role, agentName: member.name, systemPrompt: member.systemPrompt, model: member.model, fallbackModel: member.fallbackModel ?? null, tools: member.tools }));
    const idempotency = input.idempotency ?? null;
    const answer = idempotency ? JSON.stringify(idempotency.answer({ task, execution })) : null;
    const [row] = await this.db.$queryRaw<{ placed: boolean; placeFree: boolean }[]>`
      WITH new_task AS (
        INSERT INTO core.tasks (id, "ownerId", "squadId", title, description, status, "latestExecutionId", "createdAt")
        SELECT ${task.id}::uuid, ${input.ownerId}::uuid, ${input.squadId}::uuid, ${task.title}, ${task.description}, 'queued', ${executionId}::uuid, ${now}::timestamptz
        WHERE ${existing === null}
      ), rerun_task AS (
        UPDATE core.tasks SET status = 'queued', "latestExecutionId" = ${executionId}::uuid WHERE id = ${task.id}::uuid AND ${existing !== null}
      ), execution AS (
        INSERT INTO core.executions (id, "ownerId", "taskId", "squadId", status, priority, "eventSeq", "createdAt")
        VALUES (${executionId}::uuid, ${input.ownerId}::uuid, ${task.id}::uuid, ${input.squadId}::uuid, 'queued', ${input.priority}::int, 1, ${now}::timestamptz)
      ), steps AS (
        INSERT INTO core.execution_steps ("executionId", index, "memberId", role, "agentName", "systemPrompt", model, "fallbackModel", tools)
        SELECT ${executionId}::uuid, s.index, s."memberId", s.role, s."agentName", s."systemPrompt", s.model, s."fallbackModel", s.tools
        FROM jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) AS s(index int, "memberId" uuid, role text, "agentName" text, "systemPrompt" text, model text, "fallbackModel" text, tools text[])
      ), first_event AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data, "createdAt")
        VALUES (${executionId}::uuid, 1, 'status', '{"status":"queued"}'::jsonb, ${now}::timestamptz)
      ), answer AS (
        INSERT INTO core.idempotency_records ("ownerId", scope, key, response, "createdAt")
        SELECT ${input.ownerId}::uuid, ${idempotency?.scope ?? null}, ${idempotency?.key ?? null}, ${answer}::jsonb, ${now}::timestamptz
        WHERE ${idempotency !== null}
      ), free_place AS (
        SELECT place FROM generate_series(0, ${this.config.env.USER_MAX_ACTIVE_EXECUTIONS}::int - 1) AS place
        WHERE NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."ownerId" = ${input.ownerId}::uuid AND s.slot = place)
        ORDER BY place LIMIT 1
      ), placed AS (
        -- Only if none of the owner's executions waits for a place already: they go first.
        INSERT INTO core.execution_slots ("ownerId", slot, "executionId")
        SELECT ${input.ownerId}::uuid, place, ${executionId}::uuid FROM free_place
        WHERE NOT EXISTS (
          SELECT 1 FROM core.executions e
          WHERE e."ownerId" = ${input.ownerId}::uuid AND e.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = e.id))
        ON CONFLICT DO NOTHING
        RETURNING slot
      )
      SELECT EXISTS (SELECT 1 FROM placed) AS placed, EXISTS (SELECT 1 FROM free_place) AS "placeFree"`;
    const placement: Placement = row!.placed ? { kind: 'placed', executionId, priority: input.priority } : row!.placeFree ? { kind: 'admit' } : { kind: 'waiting' };
    return { created: { task, execution }, placement };
  }
}

/** The new execution as the API shows it (what a read of it right after answers). */
function queuedExecution(id: string, task: Task, members: readonly Member[], now: Date): Execution {
  return {
    id,
    taskId: task.id,
    squadId: task.squadId,
    status: 'queued',
    steps: members.map((member) => ({ memberId: member.id, role: member.role, status: 'pending', startedAt: null, finishedAt: null })),
    result: null,
    error: null,
    usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 },
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
  };
}
