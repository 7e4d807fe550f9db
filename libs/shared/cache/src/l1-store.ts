import { LRUCache } from 'lru-cache';

interface Entry {
  value: unknown;
  bytes: number;
}

export const L1_REMOVALS = ['size', 'expired'] as const;
export type L1Removal = (typeof L1_REMOVALS)[number];

/** What TTLs are measured with (tests pass a manual one). */
export interface L1Clock {
  now(): number;
}

/**
 * This process's memory layer: an LRU bounded in bytes (lru-cache). An entry's size is its id plus
 * its value as UTF-8 JSON, the form it has in Redis; the objects themselves take a small multiple
 * of that on the V8 heap. An entry larger than the whole bound is not kept.
 */
export class L1Store {
  private readonly lru: LRUCache<string, Entry>;

  constructor(
    readonly maxBytes: number,
    onRemoved: (reason: L1Removal) => void,
    clock: L1Clock = performance,
  ) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry, id) => entry.bytes + Buffer.byteLength(id),
      // Expired entries are dropped when next read, or evicted once least recently used.
      ttlAutopurge: false,
      perf: clock,
      // Read the clock on every lookup: lru-cache's default (1 ms) arms a timer per millisecond under load.
      ttlResolution: 0,
      dispose: (_entry, _id, reason) => {
        if (reason === 'evict') onRemoved('size');
        else if (reason === 'expire') onRemoved('expired');
      },
    });
  }

  /** The entry (a wrapper, so a cached `null` is a hit), or undefined. */
  get(id: string): { value: unknown } | undefined {
    return this.lru.get(id);
  }

  set(id: string, value: unknown, bytes: number, ttlMs: number): void {
    this.lru.set(id, { value, bytes }, { ttl: ttlMs });
  }

  delete(id: string): void {
    this.lru.delete(id);
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get entries(): number {
    return this.lru.size;
  }
}
