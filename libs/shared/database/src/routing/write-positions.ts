import { type Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** How long a user's last write position is kept: far longer than any replica may lag and stay in use. */
export const WRITE_POSITION_TTL_MS = 60_000;

/**
 * Each user's last write position (WAL LSN) per domain, for read-your-writes. In memory it serves
 * one process; with Redis (REDIS_URL) every replica of a service shares it, so a user whose write
 * one core replica answered reads it back from any other. Keys expire after WRITE_POSITION_TTL_MS.
 */
export interface WritePositions {
  record(domain: string, userId: string, lsn: bigint): Promise<void>;
  /** The user's last write position, 0 when none is known; undefined when it cannot be known (Redis away: read the primary). */
  get(domain: string, userId: string): Promise<bigint | undefined>;
  close(): Promise<void>;
}

export class MemoryWritePositions implements WritePositions {
  private readonly positions = new LRUCache<string, bigint>({ max: 100_000, ttl: WRITE_POSITION_TTL_MS });

  async record(domain: string, userId: string, lsn: bigint): Promise<void> {
    const key = `${domain}:${userId}`;
    const known = this.positions.get(key) ?? 0n;
    if (lsn > known) this.positions.set(key, lsn);
  }

  async get(domain: string, userId: string): Promise<bigint | undefined> {
    return this.positions.get(`${domain}:${userId}`) ?? 0n;
  }

  async close(): Promise<void> {
    this.positions.clear();
  }
}

// Keeps the greater position: two writes of one user may be recorded out of order.
const RECORD_MAX = `
local known = redis.call('GET', KEYS[1])
if known and tonumber(known) >= tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

export class RedisWritePositions implements WritePositions {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async record(domain: string, userId: string, lsn: bigint): Promise<void> {
    await this.redis.eval(RECORD_MAX, 1, this.key(domain, userId), lsn.toString(), WRITE_POSITION_TTL_MS);
  }

  async get(domain: string, userId: string): Promise<bigint | undefined> {
    try {
      const value = await this.redis.get(this.key(domain, userId));
      return value === null ? 0n : BigInt(value);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private key(domain: string, userId: string): string {
    return `${this.namespace}:db-written:${domain}:${userId}`;
  }
}
