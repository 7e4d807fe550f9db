import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** BullMQ scores a prioritized job `priority * 2^32 + arrival counter`: each priority is a FIFO band. */
const BAND = 2 ** 32;

/**
 * When the job that has waited longest became due (epoch ms: added, plus its delay), or null.
 * The plain wait list is FIFO, so its oldest job is at its far end; prioritized jobs are FIFO
 * within each priority, so the oldest of them is one of the bands' heads, found with one lookup
 * per priority in use rather than a scan of the queue.
 */
export async function oldestWaiting(queue: Queue, redis: Redis): Promise<number | null> {
  const candidates = await queue.getRanges(['wait'], 0, 0, true);
  for (let from = '-inf'; ; ) {
    const [id, score] = await redis.zrangebyscore(queue.keys.prioritized!, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    if (id === undefined || score === undefined) break;
    candidates.push(id);
    from = String((Math.floor(Number(score) / BAND) + 1) * BAND);
  }
  const due = await Promise.all(
    candidates.map(async (id) => {
      const [timestamp, delay] = await redis.hmget(queue.toKey(id), 'timestamp', 'delay');
      return timestamp === null ? null : Number(timestamp) + Number(delay ?? 0);
    }),
  );
  return due.reduce<number | null>((oldest, time) => (time !== null && (oldest === null || time < oldest) ? time : oldest), null);
}
