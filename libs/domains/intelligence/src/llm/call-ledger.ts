import { Injectable } from '@nestjs/common';
import { GroupedWrites, uuid7 } from '@agent-squad/database';
import { SpanKind, traced } from '@agent-squad/observability';
import { IntelligenceDb } from '../intelligence-db';
import type { LlmProvider, ProviderCompletion } from './llm-provider';
import { LlmMetrics } from './llm-metrics';
import { callCostUsd } from './model-prices';

export interface MeasuredCompletion extends ProviderCompletion {
  costUsd: number;
}

interface LlmCallRow {
  executionId: string | null;
  provider: string;
  model: string;
  offline: boolean;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
}

/** Every provider call, accounted: a trace span, a `llm_calls` row (tokens, cost, latency) and the LLM metrics by provider. */
@Injectable()
export class CallLedger {
  /** One row per agent step: concurrent steps' rows share a statement (raw SQL, as on every hot path: Prisma's model API costs several times the statement). */
  private readonly rows = new GroupedWrites<LlmCallRow>((rows) => this.db.$executeRaw`
    INSERT INTO intelligence.llm_calls (id, "executionId", provider, model, offline, "promptTokens", "completionTokens", "costUsd", "latencyMs")
    SELECT * FROM unnest(
      ${rows.map(() => uuid7())}::uuid[], ${rows.map((row) => row.executionId)}::uuid[], ${rows.map((row) => row.provider)}::text[], ${rows.map((row) => row.model)}::text[],
      ${rows.map((row) => row.offline)}::bool[], ${rows.map((row) => row.promptTokens)}::int[], ${rows.map((row) => row.completionTokens)}::int[],
      ${rows.map((row) => row.costUsd)}::float8[], ${rows.map((row) => row.latencyMs)}::int[])`);

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
      await this.rows.add({ executionId: executionId ?? null, provider: provider.name, model, offline: provider.offline, promptTokens, completionTokens, costUsd, latencyMs });
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
