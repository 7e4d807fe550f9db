import type { AgentRole } from './roles';
import type { SquadStatus } from './requests';

/**
 * Resources as the public API answers them. Every domain returns these plain JSON shapes
 * (timestamps as ISO strings), so a direct in-process call and a NATS reply look the same.
 */
export type Iso8601 = string;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  plan: string;
  createdAt: Iso8601;
}

export interface AuthResult {
  user: User;
  accessToken: string;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Iso8601;
  lastUsedAt: Iso8601 | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
}

export interface Member {
  id: string;
  role: AgentRole;
  name: string;
  model: string;
  /** Present when set: tried once when `model`'s provider fails. */
  fallbackModel?: string;
  systemPrompt: string | null;
  tools: string[];
}

export interface Squad {
  id: string;
  name: string;
  description: string | null;
  status: SquadStatus;
  members: Member[];
  createdAt: Iso8601;
  updatedAt: Iso8601;
}

export const EXECUTION_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface Task {
  id: string;
  squadId: string;
  title: string;
  description: string;
  status: ExecutionStatus;
  createdAt: Iso8601;
  latestExecutionId: string | null;
}

export interface ExecutionStep {
  memberId: string;
  role: AgentRole;
  status: StepStatus;
  startedAt: Iso8601 | null;
  finishedAt: Iso8601 | null;
}

export interface Usage {
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface Execution {
  id: string;
  taskId: string;
  squadId: string;
  status: ExecutionStatus;
  steps: ExecutionStep[];
  result: string | null;
  error: string | null;
  usage: Usage;
  createdAt: Iso8601;
  startedAt: Iso8601 | null;
  finishedAt: Iso8601 | null;
}

export interface SubmittedTask {
  task: Task;
  execution: Execution;
}

export type MessageKind = 'output' | 'tool_call' | 'tool_result' | 'error';

export interface Citation {
  documentId: string;
  chunkId: string;
}

export interface Message {
  id: string;
  seq: number;
  memberId: string;
  role: AgentRole;
  kind: MessageKind;
  content: string;
  citations?: Citation[];
  createdAt: Iso8601;
}

export type ExecutionEventType = 'status' | 'message' | 'done';

export type DocumentStatus = 'processing' | 'ready' | 'failed';

export interface DocumentSummary {
  id: string;
  title: string;
  status: DocumentStatus;
  /** Chunks indexed (0 while processing). */
  chunks: number;
  createdAt: Iso8601;
}

export interface SearchHit {
  documentId: string;
  chunkId: string;
  content: string;
  score: number;
}

export interface SearchResults {
  results: SearchHit[];
}

/** One entry of an execution's event stream; `seq` is the SSE `id:` (1, 2, 3, ... per execution). */
export interface ExecutionEvent {
  executionId: string;
  seq: number;
  type: ExecutionEventType;
  data: Record<string, unknown>;
}

export interface UsageReport {
  plan: string;
  period: { start: Iso8601; end: Iso8601 };
  executions: number;
  llmCalls: number;
  tokens: number;
  quota: { executions: number; tokens: number };
}

export interface McpServerInfo {
  name: string;
  transport: string;
  tools: { name: string; description: string }[];
}

export interface IntegrationLink {
  id: string;
  kind: 'github' | 'jira';
  target: string;
}

/** The answer to an inbound webhook: stored and queued (`accepted`), or already received (`duplicate`). */
export interface WebhookReceipt {
  status: 'accepted' | 'duplicate';
}

/** A registered notification webhook; `secret` signs each delivery (`X-Agent-Squad-Signature: sha256=<hex HMAC of the body>`) and is shown only when created. */
export interface NotificationHook {
  id: string;
  url: string;
  secret?: string;
  createdAt: string;
}

/** One notification sent (or being sent) to a hook: `pending` while tries remain, then `delivered` or `failed` with the last error. */
export interface NotificationDeliveryInfo {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
