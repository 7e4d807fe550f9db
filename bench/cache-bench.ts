import { benchCacheMix, type MixResult } from './cache-mix';
import { benchL1Hits, type L1HitResult } from './cache-l1-hits';
import { benchL2Latency, type L2Latency } from './cache-l2-latency';
import { type BenchSettings } from './settings';

export interface CacheResults {
  l1: L1HitResult;
  l2: L2Latency;
  mix: MixResult;
}

/** The cache's figures (issue 3): GET from L1 against bare Fastify, an L2 hit against a raw Redis GET, a skewed read/write mix. */
export async function benchCache(settings: BenchSettings, log: (line: string) => void): Promise<CacheResults> {
  log('cache: GET /v1/squads/:id from L1 (embedded) against bare Fastify');
  const l1 = await benchL1Hits(settings, log);
  log('cache: L2 hit against a raw Redis GET');
  const l2 = await benchL2Latency(settings.rawSamples, l1.sample);
  log(`cache: L2 hit p50 ${l2.l2.p50.toFixed(3)} ms, raw GET p50 ${l2.raw.p50.toFixed(3)} ms`);
  log('cache: Zipf read/write mix on two replicas');
  const mix = await benchCacheMix(settings, log);
  return { l1, l2, mix };
}
