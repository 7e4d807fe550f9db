import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import type { Execution, Member, Task } from '@agent-squad/contracts';
import { GroupedWrites, uuid7 } from '@agent-squad/database';
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

/** One new execution on its way to the database, as the grouped statement reads it. */
interface Submission {
  executionId: string;
  task: Task;
  rerun: boolean;
  ownerId: string;
  priority: number;
  createdAt: string;
  steps: string;
  idempotency: { scope: string; key: string; answer: string } | null;
}

interface SubmissionRow {
  executionId: string;
  placed: boolean;
  placeFree: boolean;
}

/**
 * Writes a queued execution in one statement: the task (new, or re-pointed at this run), one step
 * per member (a snapshot: later edits to the squad do not change a run under way), the stream's
 * first event, the idempotency record if any, and — when one of its owner's places is free and
 * none of the owner's executions waits for one — that place. It reaches the workers once it
 * holds a place (`ExecutionAdmission`).
 *
 * Submissions stored while one statement runs go together in the next (GroupedWrites), as a
 * worker's claims and endings do: one round trip and one WAL flush for many users' tasks. New
 * executions of one owner in a group take its free places in submission order. A group the
 * database refuses (a squad deleted meanwhile, a repeated Idempotency-Key) is written again row by
 * row, so only the refused submission fails.
 */
@Injectable()
export class ExecutionFactory {
  private readonly submissions = new GroupedWrites<Submission, SubmissionRow>((rows) => this.write(rows), { isolateFailures: true });

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
    const idempotency = input.idempotency ? { scope: input.idempotency.scope, key: input.idempotency.key, answer: JSON.stringify(input.idempotency.answer({ task, execution })) } : null;
    const row = await this.submissions.add({ executionId, task, rerun: existing !== null, ownerId: input.ownerId, priority: input.priority, createdAt: now.toISOString(), steps: JSON.stringify(steps), idempotency });
    const placement: Placement = row.placed ? { kind: 'placed', executionId, priority: input.priority } : row.placeFree ? { kind: 'admit' } : { kind: 'waiting' };
    return { created: { task, execution }, placement };
  }

  /** The submissions' statement; answers each one's placing. */
  private async write(submissions: readonly Submission[]): Promise<SubmissionRow[]> {
    const column = <T>(pick: (submission: Submission) => T) => submissions.map(pick);
    const rows = await this.db.$queryRaw<SubmissionRow[]>`
      WITH input AS (
        SELECT * FROM unnest(
          ${column((s) => s.executionId)}::uuid[], ${column((s) => s.task.id)}::uuid[], ${column((s) => s.rerun)}::boolean[], ${column((s) => s.ownerId)}::uuid[],
          ${column((s) => s.task.squadId)}::uuid[], ${column((s) => s.task.title)}::text[], ${column((s) => s.task.description)}::text[], ${column((s) => s.priority)}::int[],
          ${column((s) => s.createdAt)}::timestamptz[], ${column((s) => s.steps)}::jsonb[],
          ${column((s) => s.idempotency?.scope ?? null)}::text[], ${column((s) => s.idempotency?.key ?? null)}::text[], ${column((s) => s.idempotency?.answer ?? null)}::jsonb[])
          WITH ORDINALITY AS i(id, "taskId", rerun, "ownerId", "squadId", title, description, priority, "createdAt", steps, scope, key, answer, ord)
      ), new_task AS (
        INSERT INTO core.tasks (id, "ownerId", "squadId", title, description, status, "latestExecutionId", "createdAt")
        SELECT "taskId", "ownerId", "squadId", title, description, 'queued', id, "createdAt" FROM input WHERE NOT rerun
      ), rerun_task AS (
        UPDATE core.tasks t SET status = 'queued', "latestExecutionId" = i.id FROM input i WHERE t.id = i."taskId" AND i.rerun
      ), execution AS (
        INSERT INTO core.executions (id, "ownerId", "taskId", "squadId", status, priority, "eventSeq", "createdAt")
        SELECT id, "ownerId", "taskId", "squadId", 'queued', priority, 1, "createdAt" FROM input
      ), steps AS (
        INSERT INTO core.execution_steps ("executionId", index, "memberId", role, "agentName", "systemPrompt", model, "fallbackModel", tools)
        SELECT i.id, s.index, s."memberId", s.role, s."agentName", s."systemPrompt", s.model, s."fallbackModel", s.tools
        FROM input i CROSS JOIN LATERAL jsonb_to_recordset(i.steps) AS s(index int, "memberId" uuid, role text, "agentName" text, "systemPrompt" text, model text, "fallbackModel" text, tools text[])
      ), first_event AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data, "createdAt")
        SELECT id, 1, 'status', '{"status":"queued"}'::jsonb, "createdAt" FROM input
      ), answer AS (
        INSERT INTO core.idempotency_records ("ownerId", scope, key, response, "createdAt")
        SELECT "ownerId", scope, key, answer, "createdAt" FROM input WHERE key IS NOT NULL
      ), ranked AS (
        SELECT id, "ownerId", row_number() OVER (PARTITION BY "ownerId" ORDER BY ord) AS n FROM input
      ), free_place AS (
        SELECT o."ownerId", place, row_number() OVER (PARTITION BY o."ownerId" ORDER BY place) AS n
        FROM (SELECT DISTINCT "ownerId" FROM input) o CROSS JOIN generate_series(0, ${this.config.env.USER_MAX_ACTIVE_EXECUTIONS}::int - 1) AS place
        WHERE NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."ownerId" = o."ownerId" AND s.slot = place)
      ), placed AS (
        -- Only for owners none of whose executions waits for a place already: they go first.
        -- In (owner, place) order, so two statements placing for the same owners never wait on each other in a cycle.
        INSERT INTO core.execution_slots ("ownerId", slot, "executionId")
        SELECT r."ownerId", f.place, r.id FROM ranked r JOIN free_place f ON f."ownerId" = r."ownerId" AND f.n = r.n
        WHERE NOT EXISTS (
          SELECT 1 FROM core.executions e
          WHERE e."ownerId" = r."ownerId" AND e.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = e.id))
        ORDER BY r."ownerId", f.place
        ON CONFLICT DO NOTHING
        RETURNING "executionId"
      )
      SELECT r.id AS "executionId",
             EXISTS (SELECT 1 FROM placed p WHERE p."executionId" = r.id) AS placed,
             EXISTS (SELECT 1 FROM free_place f WHERE f."ownerId" = r."ownerId" AND f.n = r.n) AS "placeFree"
      FROM ranked r`;
    const byExecution = new Map(rows.map((row) => [row.executionId, row]));
    return submissions.map((submission) => byExecution.get(submission.executionId)!);
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
