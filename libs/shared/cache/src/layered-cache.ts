import type { Bus, LiveSubscription } from '@agent-squad/messaging';
import { Cache } from './cache';
import { isShared, type CacheKey } from './cache-keys';
import { deepFreeze } from './frozen-values';
import type { CacheMetrics, InvalidationSource } from './cache-metrics';
import type { CachePolicy } from './cache-policy';
import { CACHE_INVALIDATED, LIVE_INVALIDATION_SUBJECT, RecentTokens, type Invalidation, type LiveInvalidation } from './invalidation';
import type { L1Store } from './l1-store';
import type { RedisLayer } from './redis-layer';

/** A load in progress; an invalidation meanwhile marks it stale, so its (possibly older) value is returned but not kept. */
interface Flight {
  promise: Promise<unknown>;
  stale: boolean;
}

export interface LayeredCacheOptions {
  /** Bound on the memory copy of an `l1+l2` item (≤ 60 s). */
  l1TtlSeconds: number;
  /** This cache's id in live invalidations, so it skips its own. */
  origin: string;
}

/**
 * L1 (this process's memory) → L2 (Redis, for `l1+l2` policies when configured) → L3 (the loader).
 * Invalidations arrive live (NATS broadcast, right after the write) and durably (the outbox event,
 * a moment later); each is applied once per process, by token.
 */
export class LayeredCache extends Cache {
  private readonly flights = new Map<string, Flight>();
  private readonly applied = new RecentTokens();
  private subscription?: LiveSubscription;

  constructor(
    private readonly l1: L1Store,
    private readonly l2: RedisLayer | undefined,
    private readonly bus: Bus,
    private readonly metrics: CacheMetrics,
    private readonly options: LayeredCacheOptions,
  ) {
    super();
  }

  /** Listens for invalidations from other processes; resolves once nothing sent from now on can be missed. */
  async start(): Promise<void> {
    this.subscription = this.bus.subscribe<LiveInvalidation>(LIVE_INVALIDATION_SUBJECT, (message) => this.receivedLive(message));
    await this.subscription.ready();
    await this.bus.followDurable(CACHE_INVALIDATED, (event) => this.receivedDurable(event.payload));
  }

  async close(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.l2?.close();
  }

  override getOrLoad<T>(key: CacheKey, load: () => Promise<T>): Promise<T> {
    const series = this.metrics.policy(key.policy);
    const cached = this.l1.get(key.id);
    if (cached) {
      series.l1Hit.inc();
      return Promise.resolve(cached.value as T);
    }
    series.l1Miss.inc();
    const flight = this.flights.get(key.id) ?? this.fly(key, load);
    return flight.promise as Promise<T>;
  }

  override async invalidate(invalidation: Invalidation): Promise<void> {
    this.applied.add(invalidation.token);
    this.dropLocal(invalidation.keys, 'local');
    const shared = invalidation.keys.filter(isShared);
    const l2Done = shared.length === 0 || !this.l2 || (await this.l2.invalidate(shared));
    const message: LiveInvalidation = { ...invalidation, origin: this.options.origin, l2Pending: l2Done ? [] : shared };
    // Delivered before the write answers: a replica then drops the key before it can see a request
    // sent after that answer (DESIGN §4: the next read anywhere shows the change).
    await this.bus.publishDelivered(LIVE_INVALIDATION_SUBJECT, message);
  }

  private fly(key: CacheKey, load: () => Promise<unknown>): Flight {
    const flight: Flight = { promise: Promise.resolve(), stale: false };
    flight.promise = this.fill(key, load, flight).finally(() => {
      if (this.flights.get(key.id) === flight) this.flights.delete(key.id);
    });
    this.flights.set(key.id, flight);
    return flight;
  }

  private async fill(key: CacheKey, load: () => Promise<unknown>, flight: Flight): Promise<unknown> {
    const series = this.metrics.policy(key.policy);
    const l2 = key.policy.layers === 'l1+l2' ? this.l2 : undefined;
    const read = await l2?.read(key.id);
    if (read?.hit) {
      series.l2Hit.inc();
      if (!flight.stale) this.keep(key, read.value, read.bytes);
      return read.value;
    }
    if (l2) series.l2Miss.inc();

    const started = performance.now();
    const value = await load();
    series.loadSeconds.observe((performance.now() - started) / 1000);
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError(`Cache ${key.id}: the loaded value is not JSON`);
    if (!flight.stale) {
      this.keep(key, value, Buffer.byteLength(json));
      // Awaited, so once a read has returned every replica finds the value in Redis.
      if (l2 && read) await l2.write(key.id, read.stamp, json, key.policy.ttlSeconds * 1000);
    }
    return value;
  }

  private keep(key: CacheKey, value: unknown, bytes: number): void {
    deepFreeze(value);
    this.l1.set(key.id, value, bytes, this.l1TtlMs(key.policy));
  }

  private l1TtlMs(policy: CachePolicy): number {
    return (policy.layers === 'l1+l2' ? Math.min(policy.ttlSeconds, this.options.l1TtlSeconds) : policy.ttlSeconds) * 1000;
  }

  private dropLocal(ids: readonly string[], source: InvalidationSource): void {
    for (const id of ids) {
      this.l1.delete(id);
      const flight = this.flights.get(id);
      if (flight) {
        flight.stale = true;
        this.flights.delete(id);
      }
    }
    this.metrics.invalidated(source, ids.length);
  }

  private async receivedLive(message: LiveInvalidation): Promise<void> {
    if (message.origin === this.options.origin || !this.applied.add(message.token)) return;
    this.dropLocal(message.keys, 'live');
    if (message.l2Pending.length > 0) await this.l2?.invalidate(message.l2Pending);
  }

  /** The backstop: only invalidations no live message brought, so Redis is invalidated too (the writer may have died before it could). */
  private async receivedDurable(invalidation: Invalidation): Promise<void> {
    if (!this.applied.add(invalidation.token)) return;
    this.dropLocal(invalidation.keys, 'durable');
    const shared = invalidation.keys.filter(isShared);
    if (shared.length > 0) await this.l2?.invalidate(shared);
  }
}
