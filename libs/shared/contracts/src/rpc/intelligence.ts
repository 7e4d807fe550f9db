import type { AgentRole, Citation, CreateDocumentInput, DocumentSummary, ListQuery, Page, SearchInput, SearchResults } from '../api';
import type { Owned } from './core';
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
  /** Set for agent steps: accounting, live `delta` events and retrieval over the squad's documents. */
  executionId?: string;
  ownerId?: string;
  squadId?: string;
  memberId?: string;
  stepIndex?: number;
  /** Tools the member may call (its `tools` list). */
  tools?: string[];
  /** Tried once when the model's provider fails (down, breaker open, out of retries). */
  fallbackModel?: string | null;
  /** Default LLM_TEMPERATURE; 0 makes the call deterministic, and cacheable. */
  temperature?: number;
}

/** A tool the model called during the step, with what the tool answered. */
export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  result: string;
  isError: boolean;
}

export interface CompletionResult {
  content: string;
  provider: string;
  model: string;
  /** True when the answer came from the offline provider rather than a real model. */
  offline: boolean;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
  /** The document chunks given to the model as context. */
  citations: Citation[];
  toolCalls: ToolCallRecord[];
  /** Price of the call(s) in US dollars, from the model's list price (0 when unknown or offline). */
  costUsd: number;
}

export abstract class IntelligenceApi {
  abstract complete(request: CompletionRequest): Promise<CompletionResult>;
}
export const INTELLIGENCE_SERVICE = defineService(IntelligenceApi, 'intelligence', { complete: true });

/** A squad's documents and retrieval over them; every call checks the squad is the owner's (404 if not). */
export abstract class DocumentsApi {
  abstract add(request: Owned & { squadId: string; input: CreateDocumentInput; idempotencyKey?: string }): Promise<DocumentSummary>;
  abstract list(request: Owned & ListQuery & { squadId: string }): Promise<Page<DocumentSummary>>;
  abstract remove(request: Owned & { squadId: string; documentId: string }): Promise<null>;
  abstract search(request: Owned & { squadId: string; input: SearchInput }): Promise<SearchResults>;
}
export const DOCUMENTS_SERVICE = defineService(DocumentsApi, 'intelligence.documents', { add: true, list: true, remove: true, search: true });
