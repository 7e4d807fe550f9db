import { Injectable } from '@nestjs/common';
import { Cache, CACHE_INVALIDATED, invalidationOf, type CacheKey } from '@agent-squad/cache';
import { CoreDb, type Prisma } from '../core-db';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';

/**
 * Writes to cached data. The change and the durable record of its invalidation (outbox) commit
 * together; then, before the caller answers, the keys are dropped here, in Redis and — by live
 * broadcast — on every replica. The outbox event follows a moment later and reaches any replica
 * the broadcast missed, or does everything if this process dies between the commit and the broadcast.
 */
@Injectable()
export class CachedWrites {
  constructor(
    private readonly db: CoreDb,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly cache: Cache,
  ) {}

  async commit<T>(keys: readonly CacheKey[], write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const invalidation = invalidationOf(keys);
    const result = await this.db.$transaction(async (tx) => {
      const written = await write(tx);
      await this.outbox.record(tx, CACHE_INVALIDATED, invalidation);
      return written;
    });
    await this.cache.invalidate(invalidation);
    this.relay.kick();
    return result;
  }
}
