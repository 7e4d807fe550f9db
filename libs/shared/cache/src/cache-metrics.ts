import type { HotCounter, HotCounterSeries, HotHistogram, HotHistogramSeries, Metrics } from '@agent-squad/observability';
import { Gauge, type Counter } from 'prom-client';
import type { CachePolicy } from './cache-policy';
import { L1_REMOVALS, type L1Removal, type L1Store } from './l1-store';

/** One policy's series, bound to their labels once: the hit path only increments. */
export interface PolicySeries {
  l1Hit: HotCounterSeries;
  l1Miss: HotCounterSeries;
  l2Hit: HotCounterSeries;
  l2Miss: HotCounterSeries;
  loadSeconds: HotHistogramSeries;
}

export type InvalidationSource = 'local' | 'live' | 'durable';

/** Hits and misses per layer and policy, loads and their latency, L1 evictions and bytes, Redis availability (DESIGN §9). */
export class CacheMetrics {
  private readonly hits: HotCounter<'layer' | 'policy'>;
  private readonly misses: HotCounter<'layer' | 'policy'>;
  private readonly loads: HotHistogram<'policy'>;
  private readonly removals: Counter<'reason'>;
  private readonly invalidations: Counter<'source'>;
  private readonly l2Errors: Counter;
  private readonly byPolicy = new Map<string, PolicySeries>();

  constructor(private readonly metrics: Metrics) {
    this.hits = metrics.hotCounter('cache_hits_total', 'Cache hits by layer (l1 memory, l2 Redis) and policy', ['layer', 'policy']);
    this.misses = metrics.hotCounter('cache_misses_total', 'Cache misses by layer and policy (an l2 miss includes Redis being unavailable)', ['layer', 'policy']);
    this.loads = metrics.hotHistogram('cache_load_duration_seconds', 'Loads from the source of truth (L3) on a miss, by policy', ['policy'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);
    this.removals = metrics.counter('cache_l1_evictions_total', 'L1 entries removed before being invalidated: size (LRU, to stay within the byte bound) or expired', ['reason']);
    this.invalidations = metrics.counter('cache_invalidations_total', 'Invalidations applied here, by source (local write, live broadcast, durable event)', ['source']);
    this.l2Errors = metrics.counter('cache_l2_errors_total', 'Redis cache commands that failed (the cache then skips Redis until it is back)');
    // Present from the start (at 0), so the eviction rate is defined before the first eviction.
    for (const reason of L1_REMOVALS) this.removals.inc({ reason }, 0);
  }

  policy(policy: CachePolicy): PolicySeries {
    let series = this.byPolicy.get(policy.name);
    if (!series) {
      series = {
        l1Hit: this.hits.series({ layer: 'l1', policy: policy.name }),
        l1Miss: this.misses.series({ layer: 'l1', policy: policy.name }),
        l2Hit: this.hits.series({ layer: 'l2', policy: policy.name }),
        l2Miss: this.misses.series({ layer: 'l2', policy: policy.name }),
        loadSeconds: this.loads.series({ policy: policy.name }),
      };
      this.byPolicy.set(policy.name, series);
    }
    return series;
  }

  removed(reason: L1Removal): void {
    this.removals.inc({ reason });
  }

  invalidated(source: InvalidationSource, keys: number): void {
    this.invalidations.inc({ source }, keys);
  }

  l2Failed(): void {
    this.l2Errors.inc();
  }

  /** Gauges read when scraped, so the hit path never updates them. */
  watch(l1: L1Store, l2Available: () => boolean | undefined): void {
    this.gauge('cache_l1_bytes', 'Bytes held by the L1 cache of this process (ids plus values as JSON)', () => l1.bytes);
    this.gauge('cache_l1_max_bytes', 'The L1 byte bound (CACHE_L1_MAX_BYTES)', () => l1.maxBytes);
    this.gauge('cache_l1_entries', 'Entries in the L1 cache of this process', () => l1.entries);
    this.gauge('cache_l2_available', 'Whether this process uses Redis as L2 right now (1), or skips it (0); absent with no L2', () => {
      const available = l2Available();
      return available === undefined ? undefined : Number(available);
    });
  }

  private gauge(name: string, help: string, read: () => number | undefined): void {
    new Gauge({
      name,
      help,
      registers: [this.metrics.registry],
      collect() {
        this.reset();
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  }
}
