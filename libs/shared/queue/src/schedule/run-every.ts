import type { JobQueue, Scheduled } from '../job-queue';
import type { QueueContract } from '../queue-contract';

/**
 * Runs `work` once per period across all replicas (`JobQueue.schedule`), with the queue's retries,
 * and never two periods at once in this process. Call it where the job's data lives.
 */
export async function runEvery(queue: JobQueue, contract: QueueContract<Scheduled>, everyMs: number, work: () => Promise<unknown>): Promise<void> {
  queue.process(contract, async () => void (await work()), { concurrency: 1 });
  await queue.schedule(contract, everyMs);
}
