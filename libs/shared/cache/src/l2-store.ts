import type { Redis } from 'ioredis';
import { LONGEST_SHARED_TTL_SECONDS } from './cache-policy';

export type L2Read = { hit: true; value: unknown; bytes: number } | { hit: false; stamp: string };

/** A key's version outlives every entry stamped before the version changed (see cache-policy). */
const VERSION_TTL_MS = 2 * LONGEST_SHARED_TTL_SECONDS * 1000;

/** Stores the entry only if neither the epoch nor the key's version moved since the read that missed. */
const SET_IF_CURRENT = `
local stamp = (redis.call('GET', KEYS[1]) or '0') .. ':' .. (redis.call('GET', KEYS[2]) or '0') .. ':'
if stamp ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[3], stamp .. ARGV[2], 'PX', ARGV[3])
return 1`;

type WithSetIfCurrent = Redis & { cacheSetIfCurrent(epochKey: string, versionKey: string, entryKey: string, stamp: string, json: string, ttlMs: number): Promise<number> };

/**
 * Redis commands of the L2 layer. Each entry is stored as `<epoch>:<version>:<json>` and is valid
 * only while both still hold: invalidating a key increments its version, and a process that lost
 * Redis increments the epoch before using it again, which voids every entry written before — so
 * an invalidation Redis never received cannot resurface when Redis comes back. A load that missed
 * stores its value only if nothing changed since the miss (`SET_IF_CURRENT`), so a load that raced
 * a write cannot store the old value after the write's invalidation.
 */
export class L2Store {
  private readonly redis: WithSetIfCurrent;
  private readonly epochKey: string;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('cacheSetIfCurrent', { numberOfKeys: 3, lua: SET_IF_CURRENT });
    this.redis = redis as WithSetIfCurrent;
    this.epochKey = `${prefix}epoch`;
  }

  async read(id: string): Promise<L2Read> {
    const [epoch, version, entry] = await this.redis.mget(this.epochKey, this.versionKey(id), this.entryKey(id));
    const stamp = `${epoch ?? '0'}:${version ?? '0'}:`;
    if (entry?.startsWith(stamp)) {
      const json = entry.slice(stamp.length);
      return { hit: true, value: JSON.parse(json), bytes: Buffer.byteLength(json) };
    }
    return { hit: false, stamp };
  }

  /** Stores a loaded value unless the key was invalidated (or the epoch moved) since the read that returned `stamp`. */
  async write(id: string, stamp: string, json: string, ttlMs: number): Promise<void> {
    await this.redis.cacheSetIfCurrent(this.epochKey, this.versionKey(id), this.entryKey(id), stamp, json, ttlMs);
  }

  async invalidate(ids: readonly string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.incr(this.versionKey(id)).pexpire(this.versionKey(id), VERSION_TTL_MS);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Voids every entry stored so far. */
  bumpEpoch(): Promise<number> {
    return this.redis.incr(this.epochKey);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  private versionKey(id: string): string {
    return `${this.prefix}v:${id}`;
  }

  private entryKey(id: string): string {
    return `${this.prefix}e:${id}`;
  }
}
