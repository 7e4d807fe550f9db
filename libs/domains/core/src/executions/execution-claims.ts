import { Injectable } from '@nestjs/common';
import type { ExecutionEvent } from '@agent-squad/contracts';
import { GroupedWrites } from '@agent-squad/database';
import { CoreDb } from '../core-db';
import type { ClaimedRun, RunStep } from './execution-run';

export type Claim =
  /** `started`: the `running` event this claim recorded (a first start), to broadcast. */
  | { kind: 'claimed'; run: ClaimedRun; started?: ExecutionEvent }
  /** Another worker's lease is still live: try again once it has passed. */
  | { kind: 'held'; retryInMs: number }
  /** Nothing to run: finished, deleted, or still waiting for a place in its owner's limit. */
  | { kind: 'none' };

interface ClaimRow {
  status: string;
  leaseLeftMs: number | null;
  claimed: boolean;
  previousStatus: string | null;
  fence: number | null;
  eventSeq: number | null;
  ownerId: string | null;
  squadId: string | null;
  startedAt: Date | null;
  cancelRequested: boolean | null;
  llmCalls: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  title: string | null;
  description: string | null;
  steps: RunStep[] | null;
  outputs: { stepIndex: number; content: string }[] | null;
}

interface ClaimRequest {
  executionId: string;
  worker: string;
  leaseMs: number;
}

/**
 * Takes an execution for this worker in one statement: a compare-and-set from `queued` (holding a
 * place in its owner's limit) or from `running` with a lapsed lease, which bumps the claim number
 * (the fence), starts the lease, and on a first start records the `running` event and marks the
 * first step running; the same statement loads what the run needs.
 *
 * Claims asked for while one is being written go together in the next statement (GroupedWrites),
 * as step checkpoints do (StepRecorder), locking their executions in id order. A second claim of
 * the same execution in one group is answered `held`: the first one's lease (if it took one) is live.
 */
@Injectable()
export class ExecutionClaims {
  private readonly requests = new GroupedWrites<ClaimRequest, Claim>((requests) => this.claimAll(requests), { isolateFailures: true });

  constructor(private readonly db: CoreDb) {}

  claim(executionId: string, worker: string, leaseMs: number): Promise<Claim> {
    return this.requests.add({ executionId, worker, leaseMs });
  }

  private async claimAll(requests: readonly ClaimRequest[]): Promise<Claim[]> {
    const first = new Map<string, ClaimRequest>();
    for (const request of requests) if (!first.has(request.executionId)) first.set(request.executionId, request);
    const unique = [...first.values()];
    const rows = await this.db.$queryRaw<(ClaimRow & { id: string })[]>`
      WITH input AS (
        SELECT * FROM unnest(${unique.map((r) => r.executionId)}::uuid[], ${unique.map((r) => r.worker)}::text[], ${unique.map((r) => r.leaseMs)}::int[])
          AS i(id, worker, "leaseMs")
      ), current AS (
        SELECT e.id, e.status, e."leaseExpiresAt", i.worker, i."leaseMs",
               (e."leaseExpiresAt" IS NULL OR e."leaseExpiresAt" <= now()) AS "leaseFree",
               EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = e.id) AS admitted
        FROM core.executions e JOIN input i ON i.id = e.id
        ORDER BY e.id FOR UPDATE OF e
      ), claimed AS (
        UPDATE core.executions e
        SET status = 'running', attempts = e.attempts + 1, "leaseOwner" = c.worker,
            "leaseExpiresAt" = now() + make_interval(secs => c."leaseMs" / 1000.0),
            "startedAt" = COALESCE(e."startedAt", now()),
            "eventSeq" = e."eventSeq" + CASE WHEN c.status = 'queued' THEN 1 ELSE 0 END
        FROM current c
        WHERE e.id = c.id AND ((c.status = 'queued' AND c.admitted) OR (c.status = 'running' AND c."leaseFree"))
        RETURNING e.*, c.status AS "previousStatus"
      ), running_event AS (
        INSERT INTO core.execution_events ("executionId", seq, type, data)
        SELECT id, "eventSeq", 'status', '{"status":"running"}'::jsonb FROM claimed WHERE "previousStatus" = 'queued'
      ), running_task AS (
        UPDATE core.tasks t SET status = 'running' FROM claimed
        WHERE claimed."previousStatus" = 'queued' AND t.id = claimed."taskId" AND t."latestExecutionId" = claimed.id
      ), first_step AS (
        UPDATE core.execution_steps s SET status = 'running', "startedAt" = now()
        FROM claimed
        WHERE s."executionId" = claimed.id AND s.index = (
          SELECT min(p.index) FROM core.execution_steps p WHERE p."executionId" = claimed.id AND p.status <> 'completed')
      )
      SELECT c.id, c.status,
             (extract(epoch FROM c."leaseExpiresAt" - now()) * 1000)::int AS "leaseLeftMs",
             cl.id IS NOT NULL AS claimed, cl."previousStatus", cl.attempts AS fence, cl."eventSeq", cl."ownerId", cl."squadId", cl."startedAt",
             cl."cancelRequested", cl."llmCalls", cl."promptTokens", cl."completionTokens", t.title, t.description,
             (SELECT json_agg(json_build_object('index', s.index, 'memberId', s."memberId", 'role', s.role, 'agentName', s."agentName",
                      'systemPrompt', s."systemPrompt", 'model', s.model, 'fallbackModel', s."fallbackModel", 'tools', s.tools, 'status', s.status) ORDER BY s.index)
                FROM core.execution_steps s WHERE s."executionId" = cl.id) AS steps,
             (SELECT json_agg(json_build_object('stepIndex', m."stepIndex", 'content', m.content) ORDER BY m."stepIndex")
                FROM core.messages m WHERE m."executionId" = cl.id AND m.kind = 'output') AS outputs
      FROM current c
      LEFT JOIN claimed cl ON cl.id = c.id
      LEFT JOIN core.tasks t ON t.id = cl."taskId"`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    return requests.map((request) => (first.get(request.executionId) === request ? toClaim(request.executionId, byId.get(request.executionId)) : { kind: 'held', retryInMs: request.leaseMs }));
  }
}

function toClaim(executionId: string, row: ClaimRow | undefined): Claim {
  if (!row) return { kind: 'none' };
  if (!row.claimed) return row.status === 'running' ? { kind: 'held', retryInMs: Math.max(row.leaseLeftMs ?? 0, 0) } : { kind: 'none' };
  const run = toRun(executionId, row);
  if (row.previousStatus === 'running') return { kind: 'claimed', run };
  return { kind: 'claimed', run, started: { executionId, seq: row.eventSeq!, type: 'status', data: { status: 'running' } } };
}

function toRun(executionId: string, row: ClaimRow): ClaimedRun {
  const steps = row.steps ?? [];
  const stepAt = (index: number): RunStep => steps.find((step) => step.index === index)!;
  return {
    executionId,
    fence: row.fence!,
    ownerId: row.ownerId!,
    squadId: row.squadId!,
    startedAt: row.startedAt!,
    cancelRequested: row.cancelRequested!,
    task: { title: row.title!, description: row.description! },
    steps,
    outputs: (row.outputs ?? []).map((output) => ({ role: stepAt(output.stepIndex).role, name: stepAt(output.stepIndex).agentName, content: output.content })),
    usage: { llmCalls: row.llmCalls!, promptTokens: row.promptTokens!, completionTokens: row.completionTokens! },
  };
}
