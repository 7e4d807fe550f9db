import { randomUUID } from 'node:crypto';
import { defineDurableEvent } from '@agent-squad/contracts';
import type { CacheKey } from './cache-keys';

/** Keys changed by one committed write. The token lets a replica apply it once, however many ways it arrives. */
export interface Invalidation {
  token: string;
  keys: string[];
}

/**
 * The durable copy of an invalidation: written to the outbox in the same transaction as the change
 * and followed by every process, so a replica that missed the live broadcast (or a writer that died
 * before sending it) still drops the keys: in memory, and in Redis.
 */
export const CACHE_INVALIDATED = defineDurableEvent<Invalidation>('cache.invalidated');

/** Live broadcast of an invalidation, sent by the writer right after the commit. */
export const LIVE_INVALIDATION_SUBJECT = 'cache.invalidate';

export interface LiveInvalidation extends Invalidation {
  /** The sending cache: it applied the invalidation already. */
  origin: string;
  /** Keys the writer could not invalidate in Redis (it could not reach it): receivers that can, do. */
  l2Pending: string[];
}

export function invalidationOf(keys: readonly CacheKey[]): Invalidation {
  return { token: randomUUID(), keys: keys.map((key) => key.id) };
}

/** Tokens of the invalidations applied lately; the oldest are forgotten past `capacity`. */
export class RecentTokens {
  private readonly tokens = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time a token is seen. */
  add(token: string): boolean {
    if (this.tokens.has(token)) return false;
    this.tokens.add(token);
    if (this.tokens.size > this.capacity) this.tokens.delete(this.tokens.values().next().value!);
    return true;
  }
}
