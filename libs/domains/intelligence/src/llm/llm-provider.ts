import type { CompletionRequest, ToolDescription } from '@agent-squad/contracts';
import type { AssembledPrompt } from '../prompts/prompt-builder';

/** A tool call the model asked for. `id` ties the answer to it (the vendors' wire formats need it). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** The conversation after the first prompt: the model's tool calls and the tools' answers. */
export type Turn = { kind: 'assistant'; content: string; toolCalls: ToolCall[] } | { kind: 'tool'; callId: string; content: string };

export interface ProviderCall {
  model: string;
  prompt: AssembledPrompt;
  request: CompletionRequest;
  turns: Turn[];
  tools: ToolDescription[];
  temperature: number;
  /** Receives the answer's text piece by piece as the provider streams it. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface ProviderCompletion {
  content: string;
  toolCalls: ToolCall[];
  usage: { promptTokens: number; completionTokens: number };
}

/** One model vendor (or the offline stand-in) behind the same call. */
export interface LlmProvider {
  readonly name: string;
  readonly offline: boolean;
  complete(call: ProviderCall): Promise<ProviderCompletion>;
}

export interface ModelRef {
  provider: string;
  model: string;
}

/** `openai:gpt-4o-mini` → provider `openai`, model `gpt-4o-mini`; a bare name uses the default provider. */
export function parseModelRef(value: string, defaultProvider: string): ModelRef {
  const at = value.indexOf(':');
  if (at === -1) return value === 'offline' ? { provider: 'offline', model: 'offline' } : { provider: defaultProvider, model: value };
  return { provider: value.slice(0, at), model: value.slice(at + 1) };
}
