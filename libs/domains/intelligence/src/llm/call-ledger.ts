import { Injectable } from '@nestjs/common';
import { uuid7 } from '@agent-squad/database';
import { SpanKind, traced } from '@agent-squad/observability';
import { IntelligenceDb } from '../intelligence-db';
import type { LlmProvider, ProviderCompletion } from './llm-provider';
import { LlmMetrics } from './llm-metrics';
import { callCostUsd } from './model-prices';

export interface MeasuredCompletion extends ProviderCompletion {
  costUsd: number;
}

/** Every provider call, accounted: a trace span, a `llm_calls` row (tokens, cost, latency) and the LLM metrics by provider. */
@Injectable()
export class CallLedger {
  constructor(
    private readonly db: IntelligenceDb,
    private readonly metrics: LlmMetrics,
  ) {}

  async measure(provider: LlmProvider, model: string, executionId: string | undefined, call: () => Promise<ProviderCompletion>): Promise<MeasuredCompletion> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const completion = await traced(`llm ${provider.name}`, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': provider.name, 'gen_ai.request.model': model } }, call);
      outcome = 'ok';
      const { promptTokens, completionTokens } = completion.usage;
      const costUsd = callCostUsd(provider.name, model, promptTokens, completionTokens);
      const latencyMs = Math.round(performance.now() - started);
      // Raw SQL, as on every hot path: one per agent step, and Prisma's model API costs several times the statement.
      await this.db.$executeRaw`
        INSERT INTO intelligence.llm_calls (id, "executionId", provider, model, offline, "promptTokens", "completionTokens", "costUsd", "latencyMs")
        VALUES (${uuid7()}::uuid, ${executionId ?? null}::uuid, ${provider.name}, ${model}, ${provider.offline}, ${promptTokens}::int, ${completionTokens}::int, ${costUsd}::float8, ${latencyMs}::int)`;
      this.metrics.tokens.inc({ provider: provider.name, kind: 'prompt' }, promptTokens);
      this.metrics.tokens.inc({ provider: provider.name, kind: 'completion' }, completionTokens);
      this.metrics.cost.inc({ provider: provider.name }, costUsd);
      return { ...completion, costUsd };
    } finally {
      this.metrics.calls.inc({ provider: provider.name, model, outcome });
      this.metrics.latency.observe({ provider: provider.name }, (performance.now() - started) / 1000);
    }
  }
}
