import { randomUUID } from 'node:crypto';
import { LocalBus, type Bus } from '@agent-squad/messaging';
import { Metrics } from '@agent-squad/observability';
import { CacheMetrics } from '../cache-metrics';
import { L1Store, type L1Clock } from '../l1-store';
import { LayeredCache } from '../layered-cache';
import { RedisLayer, type RedisLayerOptions } from '../redis-layer';

export interface TestCacheOptions {
  /** Shared by the caches that play replicas of one stack; a fresh LocalBus otherwise. */
  bus?: Bus;
  maxBytes?: number;
  l1TtlSeconds?: number;
  clock?: L1Clock;
  /** L2 on this Redis; none (L1 only, as in the embedded shape) by default. */
  redis?: RedisLayerOptions;
}

export interface TestCache {
  cache: LayeredCache;
  l1: L1Store;
  l2?: RedisLayer;
  /** The registry its series are on (what GET /metrics of its process shows). */
  metrics: Metrics;
}

/** A cache built as `createCache` builds one, for tests; it listens to its bus's invalidations. */
export async function testCache(options: TestCacheOptions = {}): Promise<TestCache> {
  const metrics = new Metrics();
  const cacheMetrics = new CacheMetrics(metrics);
  const l1 = new L1Store(options.maxBytes ?? 100 * 1024 * 1024, (reason) => cacheMetrics.removed(reason), options.clock);
  const l2 = options.redis ? await RedisLayer.open(options.redis, cacheMetrics) : undefined;
  cacheMetrics.watch(l1, () => l2?.available);
  const cache = new LayeredCache(l1, l2, options.bus ?? new LocalBus(), cacheMetrics, { l1TtlSeconds: options.l1TtlSeconds ?? 60, origin: randomUUID() });
  await cache.start();
  return { cache, l1, l2, metrics };
}
