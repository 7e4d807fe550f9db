import type { CompletionRequest } from '@agent-squad/contracts';
import type { AssembledPrompt } from '../prompts/prompt-builder';

export interface ProviderCompletion {
  content: string;
  usage: { promptTokens: number; completionTokens: number };
}

/** One model vendor (or the offline stand-in) behind the same call. */
export interface LlmProvider {
  readonly name: string;
  readonly offline: boolean;
  complete(model: string, prompt: AssembledPrompt, request: CompletionRequest): Promise<ProviderCompletion>;
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
