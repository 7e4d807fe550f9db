import type { AgentRole } from '../api';
import { defineService } from './service-contract';

export interface PriorOutput {
  role: AgentRole;
  name: string;
  content: string;
}

export interface CompletionRequest {
  /** `provider:model`, or a bare model name for the platform default provider. */
  model: string;
  role: AgentRole;
  agentName: string;
  systemPrompt: string | null;
  task: { title: string; description: string };
  priorOutputs: PriorOutput[];
  /** For tracing and accounting only. */
  executionId?: string;
}

export interface CompletionResult {
  content: string;
  provider: string;
  model: string;
  /** True when the answer came from the offline provider rather than a real model. */
  offline: boolean;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
}

export abstract class IntelligenceApi {
  abstract complete(request: CompletionRequest): Promise<CompletionResult>;
}
export const INTELLIGENCE_SERVICE = defineService(IntelligenceApi, 'intelligence', { complete: true });
