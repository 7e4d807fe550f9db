import type { CacheKey } from './cache-keys';
import type { Invalidation } from './invalidation';

/**
 * The cache as domains see it (DI token). Values are plain JSON (what the contracts carry) and
 * come back frozen, shared by every caller: treat them as read-only.
 */
export abstract class Cache {
  /** The cached value, else `load()`'s, stored by the key's policy; concurrent misses on one key share one load. */
  abstract getOrLoad<T>(key: CacheKey, load: () => Promise<T>): Promise<T>;

  /**
   * After the write that made `invalidation` has committed, before answering: drops its keys here
   * and in Redis, and tells every replica to drop them from memory. The same invalidation recorded
   * in the write's transaction (CACHE_INVALIDATED, in the outbox) reaches any replica that misses this.
   */
  abstract invalidate(invalidation: Invalidation): Promise<void>;
}
