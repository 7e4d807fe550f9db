import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, IntelligenceApi, type CompletionRequest, type CompletionResult } from '@agent-squad/contracts';
import { SpanKind, traced } from '@agent-squad/observability';
import { IntelligenceDb } from '../intelligence-db';
import { PromptBuilder } from '../prompts/prompt-builder';
import type { LlmProvider } from './llm-provider';
import { parseModelRef } from './llm-provider';
import { LlmMetrics } from './llm-metrics';
import { OfflineProvider } from './offline-provider';

/** Completions for agent steps: picks the provider from the member's model, accounts every call. */
@Injectable()
export class LlmService implements IntelligenceApi {
  private readonly providers: ReadonlyMap<string, LlmProvider>;

  constructor(
    offline: OfflineProvider,
    private readonly prompts: PromptBuilder,
    private readonly db: IntelligenceDb,
    private readonly metrics: LlmMetrics,
  ) {
    this.providers = new Map([[offline.name, offline]]);
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const ref = parseModelRef(request.model, 'offline');
    const provider = this.providers.get(ref.provider);
    if (!provider) throw new AppError(ErrorCode.BadRequest, `The model provider "${ref.provider}" is not configured on this platform`);
    const prompt = await this.prompts.build(request);
    const started = performance.now();
    let outcome = 'error';
    try {
      const completion = await traced(`llm ${provider.name}`, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': provider.name, 'gen_ai.request.model': ref.model } }, () =>
        provider.complete(ref.model, prompt, request),
      );
      outcome = 'ok';
      const latencyMs = Math.round(performance.now() - started);
      await this.db.llmCall.create({
        data: { executionId: request.executionId ?? null, provider: provider.name, model: ref.model, offline: provider.offline, ...completion.usage, latencyMs },
      });
      this.metrics.tokens.inc({ provider: provider.name, kind: 'prompt' }, completion.usage.promptTokens);
      this.metrics.tokens.inc({ provider: provider.name, kind: 'completion' }, completion.usage.completionTokens);
      return { content: completion.content, provider: provider.name, model: ref.model, offline: provider.offline, usage: completion.usage, latencyMs };
    } finally {
      this.metrics.calls.inc({ provider: provider.name, model: ref.model, outcome });
      this.metrics.latency.observe({ provider: provider.name }, (performance.now() - started) / 1000);
    }
  }
}
