import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { BullMqQueue, type BullMqQueueOptions } from '../bullmq/bullmq-queue';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Queues of one test on a prefix of their own; `dispose` closes them and deletes every key under it. */
export class RedisTestStack {
  readonly prefix = randomPrefix();
  private readonly queues: BullMqQueue[] = [];

  constructor(private readonly defaults: Partial<BullMqQueueOptions> = {}) {}

  async queue(options: Partial<BullMqQueueOptions> = {}): Promise<BullMqQueue> {
    const queue = await BullMqQueue.connect({ url: REDIS_URL, prefix: this.prefix, lockMs: 1000, concurrency: 4, ...this.defaults, ...options });
    this.queues.push(queue);
    return queue;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
    await deleteKeys(this.prefix);
  }
}

export function randomPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under a test's prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
