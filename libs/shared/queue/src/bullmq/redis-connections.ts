import type { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two connections with opposite failure modes: producers fail fast while Redis is down (the
 * database row is already stored, a reconciler re-adds the job later), while workers wait and
 * retry forever, as BullMQ's blocking commands require.
 */
export class RedisConnections {
  private constructor(
    readonly producer: Redis,
    readonly worker: Redis,
  ) {}

  static async open(url: string, logger: Logger): Promise<RedisConnections> {
    const producer = await open(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }, logger);
    try {
      return new RedisConnections(producer, await open(url, { maxRetriesPerRequest: null }, logger));
    } catch (error) {
      await end(producer);
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([end(this.producer), end(this.worker)]);
  }
}

/** QUIT lets pending replies arrive; while Redis is away it would wait for a reconnect, so just drop the socket then. */
async function end(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}

async function open(url: string, options: RedisOptions, logger: Logger): Promise<Redis> {
  let connected = false;
  // No retries until the first connection succeeds: a failed boot leaves no timer behind (ioredis's
  // disconnect() after a failed connect arms a 2 s timer on the dead socket).
  const redis = new Redis(url, { ...options, lazyConnect: true, retryStrategy: (times) => (connected ? Math.min(times * 200, 2000) : null) });
  let lastError: unknown;
  redis.on('error', (error: Error) => {
    lastError = error;
    if (connected) logger.warn(`Redis at ${safeUrl(url)}: ${error.message}`);
  });
  try {
    await redis.connect();
    connected = true;
    return redis;
  } catch (error) {
    throw new Error(`Cannot connect to Redis at ${safeUrl(url)}: ${describe(lastError ?? error)}`, { cause: lastError ?? error });
  }
}

/** The URL without credentials, for messages and logs. */
export function safeUrl(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
