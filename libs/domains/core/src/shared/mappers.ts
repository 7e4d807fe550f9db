import type * as Api from '@agent-squad/contracts';
import type * as Rows from '../generated/prisma/client';

/** Database rows → the public resources (plain JSON: timestamps as ISO strings). */
const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toUser(row: Rows.User): Api.User {
  return { id: row.id, email: row.email, name: row.name, plan: row.plan, createdAt: iso(row.createdAt) };
}

export function toApiKeySummary(row: Rows.ApiKey): Api.ApiKeySummary {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: iso(row.createdAt), lastUsedAt: isoOrNull(row.lastUsedAt) };
}

export function toMember(row: Rows.Member): Api.Member {
  return {
    id: row.id,
    role: row.role as Api.AgentRole,
    name: row.name,
    model: row.model,
    ...(row.fallbackModel ? { fallbackModel: row.fallbackModel } : {}),
    systemPrompt: row.systemPrompt,
    tools: row.tools,
  };
}

export function toSquad(row: Rows.Squad & { members: Rows.Member[] }): Api.Squad {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status as Api.SquadStatus,
    members: row.members.map(toMember),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toTask(row: Rows.Task): Api.Task {
  return {
    id: row.id,
    squadId: row.squadId,
    title: row.title,
    description: row.description,
    status: row.status as Api.ExecutionStatus,
    createdAt: iso(row.createdAt),
    latestExecutionId: row.latestExecutionId,
  };
}

export function toExecution(row: Rows.Execution & { steps: Rows.ExecutionStep[] }): Api.Execution {
  return {
    id: row.id,
    taskId: row.taskId,
    squadId: row.squadId,
    status: row.status as Api.ExecutionStatus,
    steps: row.steps.map((step) => ({
      memberId: step.memberId,
      role: step.role as Api.AgentRole,
      status: step.status as Api.StepStatus,
      startedAt: isoOrNull(step.startedAt),
      finishedAt: isoOrNull(step.finishedAt),
    })),
    result: row.result,
    error: row.error,
    usage: { llmCalls: row.llmCalls, promptTokens: row.promptTokens, completionTokens: row.completionTokens },
    createdAt: iso(row.createdAt),
    startedAt: isoOrNull(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
  };
}

export function toMessage(row: Rows.Message): Api.Message {
  const message: Api.Message = {
    id: row.id,
    seq: row.seq,
    memberId: row.memberId,
    role: row.role as Api.AgentRole,
    kind: row.kind as Api.MessageKind,
    content: row.content,
    createdAt: iso(row.createdAt),
  };
  if (row.citations) message.citations = row.citations as unknown as Api.Citation[];
  return message;
}

export function toExecutionEvent(row: Rows.ExecutionEvent): Api.ExecutionEvent {
  return { executionId: row.executionId, seq: row.seq, type: row.type as Api.ExecutionEventType, data: row.data as Record<string, unknown> };
}
