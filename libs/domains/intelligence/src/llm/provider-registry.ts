import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import { AnthropicProvider } from './anthropic-provider';
import type { LlmProvider } from './llm-provider';
import { OfflineProvider } from './offline-provider';
import { OpenAiCompatibleProvider } from './openai-provider';
import type { ResilienceSettings } from './provider-resilience';

export function resilienceSettings(config: AppConfig): ResilienceSettings {
  const env = config.env;
  return {
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
    retryBaseMs: env.LLM_RETRY_BASE_MS,
    breakerFailures: env.LLM_BREAKER_FAILURES,
    breakerHalfOpenMs: env.LLM_BREAKER_HALF_OPEN_MS,
  };
}

/**
 * The providers this process can call, by the prefix of a member's model: `offline` always,
 * `openai` with OPENAI_API_KEY (OPENAI_BASE_URL for any compatible server), `anthropic` with
 * ANTHROPIC_API_KEY, `ollama` with OLLAMA_BASE_URL. One instance each, so each has one breaker.
 */
@Injectable()
export class ProviderRegistry {
  private readonly providers = new Map<string, LlmProvider>();

  constructor(offline: OfflineProvider, config: AppConfig) {
    const env = config.env;
    const resilience = resilienceSettings(config);
    this.providers.set(offline.name, offline);
    if (env.OPENAI_API_KEY) this.providers.set('openai', new OpenAiCompatibleProvider({ name: 'openai', apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, resilience }));
    if (env.ANTHROPIC_API_KEY) this.providers.set('anthropic', new AnthropicProvider({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL, resilience }));
    // Ollama ignores the key, the SDK insists on one.
    if (env.OLLAMA_BASE_URL) this.providers.set('ollama', new OpenAiCompatibleProvider({ name: 'ollama', apiKey: 'ollama', baseURL: env.OLLAMA_BASE_URL, resilience }));
  }

  get(name: string): LlmProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new AppError(ErrorCode.BadRequest, `The model provider "${name}" is not configured on this platform (configured: ${[...this.providers.keys()].join(', ')})`);
    return provider;
  }
}
