import type { AgentRole, PriorOutput } from '@agent-squad/contracts';

export interface Usage {
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
}

/** A member's turn as snapshotted into the execution. */
export interface RunStep {
  index: number;
  memberId: string;
  role: AgentRole;
  agentName: string;
  systemPrompt: string | null;
  model: string;
  fallbackModel: string | null;
  tools: string[];
  status: string;
}

/**
 * An execution as the worker holding its lease sees it. While the lease holds, this worker is its
 * only writer, so the counters kept here are the stored ones.
 */
export interface ClaimedRun {
  executionId: string;
  /** The claim's number: the fencing token every write of this run names. */
  fence: number;
  ownerId: string;
  squadId: string;
  startedAt: Date;
  cancelRequested: boolean;
  task: { title: string; description: string };
  steps: RunStep[];
  /** Finished steps' outputs, in step order: what the next agent builds on. */
  outputs: PriorOutput[];
  usage: Usage;
}
