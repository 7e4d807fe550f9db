import { randomUUID } from 'node:crypto';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import { Cache } from './cache';
import { CacheMetrics } from './cache-metrics';
import { L1Store } from './l1-store';
import { LayeredCache } from './layered-cache';
import { RedisLayer } from './redis-layer';

/**
 * Builds the process's cache and starts listening for invalidations before anything can read it.
 * A Redis that does not answer at boot does not stop the start: the cache runs on memory and the
 * database, readiness names `cache-redis`, and Redis is taken into use once it answers.
 */
export async function createCache(config: AppConfig, bus: Bus, metrics: Metrics, health: HealthRegistry): Promise<LayeredCache> {
  const cacheMetrics = new CacheMetrics(metrics);
  const l1 = new L1Store(config.env.CACHE_L1_MAX_BYTES, (reason) => cacheMetrics.removed(reason));
  const url = l2Url(config);
  const l2 = url
    ? await RedisLayer.open(
        { url, prefix: `${config.env.NAMESPACE}:cache:`, timeoutMs: config.env.CACHE_REDIS_TIMEOUT_MS, retryMs: config.env.CACHE_REDIS_RETRY_MS },
        cacheMetrics,
      )
    : undefined;
  cacheMetrics.watch(l1, () => l2?.available);
  if (l2) health.register('cache-redis', () => l2.health());
  const cache = new LayeredCache(l1, l2, bus, cacheMetrics, { l1TtlSeconds: config.env.CACHE_L1_TTL_SECONDS, origin: randomUUID() });
  await cache.start();
  return cache;
}

/** L2 only where there are replicas to share it with (split over NATS), and only with a Redis for it; the embedded shape is L1 only. */
function l2Url(config: AppConfig): string | undefined {
  if (config.bus.kind !== 'nats') return undefined;
  return config.env.CACHE_REDIS_URL ?? config.env.REDIS_URL;
}

@Injectable()
class CacheShutdown implements OnApplicationShutdown {
  constructor(@Inject(LayeredCache) private readonly cache: LayeredCache) {}

  onApplicationShutdown(): Promise<void> {
    return this.cache.close();
  }
}

/** The process's one cache, for every domain: inject `Cache`. */
@Global()
@Module({})
export class CacheModule {
  static forRoot(): DynamicModule {
    return {
      module: CacheModule,
      providers: [
        { provide: LayeredCache, inject: [AppConfig, Bus, Metrics, HealthRegistry], useFactory: createCache },
        { provide: Cache, useExisting: LayeredCache },
        CacheShutdown,
      ],
      exports: [Cache],
    };
  }
}
