import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { CacheMetrics } from './cache-metrics';
import { L2Store, type L2Read } from './l2-store';

export interface RedisLayerOptions {
  url: string;
  /** Prefix of every key, under the stack's namespace. */
  prefix: string;
  /** Bound on each command, so a frozen Redis costs a request this much once, not every time. */
  timeoutMs: number;
  /** How often to try Redis again while it is away. */
  retryMs: number;
}

/**
 * L2 as the cache uses it: Redis while it answers, skipped while it does not. Any failed command
 * (or a dropped connection) takes Redis out of use at once, so requests go to memory and the
 * database without waiting on it; a probe then retries every `retryMs`, and the probe that gets
 * through bumps the epoch before Redis is used again: whatever this process (or any other) could
 * not invalidate there meanwhile is void, whatever Redis kept through the outage.
 */
export class RedisLayer {
  private readonly logger = new Logger('Cache');
  private readonly store: L2Store;
  private readonly target: string;
  private up = false;
  private closing = false;
  private probeTimer?: NodeJS.Timeout;

  private constructor(
    private readonly redis: Redis,
    private readonly options: RedisLayerOptions,
    private readonly metrics: CacheMetrics,
  ) {
    this.store = new L2Store(redis, options.prefix);
    this.target = safeUrl(options.url);
    redis.on('error', (error: Error) => this.logger.debug(`Redis cache at ${this.target}: ${error.message}`));
    redis.on('close', () => this.lost('the connection closed'));
    redis.on('ready', () => {
      if (!this.up) this.probeIn(0);
    });
  }

  /** Connects; a Redis that is not there yet only means starting without L2 (and probing for it). */
  static async open(options: RedisLayerOptions, metrics: CacheMetrics): Promise<RedisLayer> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once rather than queue while disconnected, never retry or resend a command: a
      // cache command that cannot run now is skipped, and the epoch covers what was skipped.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1000),
      retryStrategy: () => options.retryMs,
    });
    const layer = new RedisLayer(redis, options, metrics);
    try {
      await redis.connect();
      layer.up = true;
    } catch (error) {
      layer.lost(describe(error));
    }
    return layer;
  }

  get available(): boolean {
    return this.up;
  }

  /** The entry, a miss with the stamp to store under, or undefined while Redis is out of use. */
  async read(id: string): Promise<L2Read | undefined> {
    if (!this.up) return undefined;
    try {
      return await this.store.read(id);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async write(id: string, stamp: string, json: string, ttlMs: number): Promise<void> {
    if (!this.up) return;
    await this.store.write(id, stamp, json, ttlMs).catch((error: unknown) => this.failed(error));
  }

  /** True once Redis has the invalidation; false when it could not be reached (the epoch bump on return covers it). */
  async invalidate(ids: readonly string[]): Promise<boolean> {
    if (!this.up) return false;
    try {
      await this.store.invalidate(ids);
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  /** Readiness: throws, naming Redis, while the cache cannot use it. */
  async health(): Promise<void> {
    if (!this.up) throw new Error(`Redis cache at ${this.target} is not reachable: reads are served from memory and the database`);
    await this.store.ping().catch((error: unknown) => {
      this.failed(error);
      throw new Error(`Redis cache at ${this.target} is not reachable: ${describe(error)}`, { cause: error });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.probeTimer);
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private failed(error: unknown): void {
    this.metrics.l2Failed();
    this.lost(describe(error));
  }

  private lost(reason: string): void {
    if (this.closing) return;
    if (this.up) this.logger.warn(`Redis cache at ${this.target} is out of use (${reason}): serving from memory and the database until it is back`);
    this.up = false;
    if (!this.probeTimer) this.probeIn(this.options.retryMs);
  }

  private probeIn(ms: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.probe(), ms);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    if (this.closing || this.up) return;
    try {
      const epoch = await this.store.bumpEpoch();
      this.up = true;
      this.logger.log(`Redis cache at ${this.target} is back (epoch ${epoch}: entries stored before are void); using it again`);
    } catch {
      if (!this.up && !this.probeTimer) this.probeIn(this.options.retryMs);
    }
  }
}

/** The URL without credentials, for messages and logs. */
function safeUrl(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
