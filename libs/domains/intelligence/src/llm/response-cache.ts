import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Cache, CacheKeys } from '@agent-squad/cache';
import { Metrics } from '@agent-squad/observability';
import type { Counter } from 'prom-client';
import type { LlmProvider, ProviderCall, ProviderCompletion } from './llm-provider';

/**
 * Answers of deterministic calls (temperature 0, no tools, a real provider), kept by the shared
 * cache under the hash of provider, model and prompt: a repeated call is answered without the
 * provider. Anything sampled is never cached. The offline provider is not cached either: it costs
 * nothing, and its simulated latency is what load tests measure.
 */
@Injectable()
export class ResponseCache {
  private readonly lookups: Counter;

  constructor(
    private readonly cache: Cache,
    metrics: Metrics,
  ) {
    this.lookups = metrics.counter('llm_response_cache_total', 'Deterministic LLM calls answered from the response cache (hit) or by the provider (miss)', ['provider', 'outcome']);
  }

  async through<C extends ProviderCompletion>(provider: LlmProvider, call: ProviderCall, load: () => Promise<C>): Promise<{ completion: C; hit: boolean }> {
    if (!cacheable(provider, call)) return { completion: await load(), hit: false };
    let loaded = false;
    const completion = await this.cache.getOrLoad(CacheKeys.llmResponse(requestHash(provider, call)), () => {
      loaded = true;
      return load();
    });
    this.lookups.inc({ provider: provider.name, outcome: loaded ? 'miss' : 'hit' });
    if (!loaded) call.onDelta?.(completion.content);
    return { completion, hit: !loaded };
  }
}

function cacheable(provider: LlmProvider, call: ProviderCall): boolean {
  return call.temperature === 0 && !provider.offline && call.tools.length === 0 && call.turns.length === 0;
}

function requestHash(provider: LlmProvider, call: ProviderCall): string {
  return createHash('sha256').update(JSON.stringify([provider.name, call.model, call.temperature, call.prompt.system, call.prompt.user])).digest('hex');
}
