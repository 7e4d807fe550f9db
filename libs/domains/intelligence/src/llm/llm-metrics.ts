import { Injectable } from '@nestjs/common';
import { Metrics } from '@agent-squad/observability';

/** LLM calls, tokens and latency by provider (DESIGN §9). */
@Injectable()
export class LlmMetrics {
  readonly calls;
  readonly tokens;
  readonly latency;
  readonly cost;

  constructor(metrics: Metrics) {
    this.calls = metrics.counter('llm_calls_total', 'LLM calls by provider, model and outcome', ['provider', 'model', 'outcome']);
    this.tokens = metrics.counter('llm_tokens_total', 'LLM tokens by provider and kind (prompt, completion)', ['provider', 'kind']);
    this.cost = metrics.counter('llm_cost_usd_total', 'LLM spend in US dollars at list price, by provider', ['provider']);
    this.latency = metrics.histogram('llm_call_duration_seconds', 'LLM call latency by provider', ['provider'], [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
  }
}
