import { Injectable } from '@nestjs/common';
import OpenAI from 'openai';
import { AppConfig } from '@agent-squad/config';
import { malformed } from '../llm/provider-errors';
import { ProviderResilience } from '../llm/provider-resilience';
import { resilienceSettings } from '../llm/provider-registry';

/** Texts per embeddings request. */
const BATCH = 64;

/**
 * Vectors for hybrid retrieval from an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama,
 * vLLM, ...), when EMBEDDINGS_BASE_URL is set; with none configured `enabled` is false and
 * retrieval is full-text only.
 */
@Injectable()
export class Embeddings {
  private readonly client?: OpenAI;
  private readonly resilience: ProviderResilience;
  private readonly model: string;

  constructor(config: AppConfig) {
    const { EMBEDDINGS_BASE_URL, EMBEDDINGS_API_KEY, EMBEDDINGS_MODEL } = config.env;
    const settings = resilienceSettings(config);
    this.model = EMBEDDINGS_MODEL;
    this.resilience = new ProviderResilience('embeddings', settings);
    if (EMBEDDINGS_BASE_URL) this.client = new OpenAI({ baseURL: EMBEDDINGS_BASE_URL, apiKey: EMBEDDINGS_API_KEY ?? 'none', maxRetries: 0, timeout: settings.timeoutMs });
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let at = 0; at < texts.length; at += BATCH) vectors.push(...(await this.embedBatch(texts.slice(at, at + BATCH))));
    return vectors;
  }

  private embedBatch(input: string[]): Promise<number[][]> {
    const client = this.client;
    if (!client) throw new Error('No embedding provider is configured');
    return this.resilience.execute(async (signal) => {
      const answer = await client.embeddings.create({ model: this.model, input, encoding_format: 'float' }, { signal });
      const data = [...(answer.data ?? [])].sort((a, b) => a.index - b.index);
      if (data.length !== input.length || data.some((item) => !Array.isArray(item.embedding) || item.embedding.some((value) => !Number.isFinite(value)))) {
        throw malformed('embeddings', `expected ${input.length} vectors`);
      }
      return data.map((item) => item.embedding);
    });
  }
}

/** pgvector's text form of a vector. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}
