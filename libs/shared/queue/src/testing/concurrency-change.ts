import { collector } from '@agent-squad/testing';
import type { JobQueue } from '../job-queue';
import type { QueueContract } from '../queue-contract';

/**
 * The behaviour both drivers share for `setConcurrency`: lowered to 1, jobs run one at a time;
 * raised again, they overlap. `queue` must not process `contract` yet.
 */
export async function expectConcurrencyFollowsSetting(queue: JobQueue, contract: QueueContract<{ n: number }>): Promise<void> {
  let running = 0;
  let most = 0;
  const batches = [collector<number>(4), collector<number>(4)];
  queue.process(contract, async (job) => {
    most = Math.max(most, ++running);
    // Work that takes a while, so jobs allowed to run together overlap.
    await new Promise((resolve) => setTimeout(resolve, 30));
    running--;
    batches[job.data.n < 4 ? 0 : 1]!.push(job.data.n);
  }, { concurrency: 4 });
  queue.setConcurrency(contract, 1);
  for (let n = 0; n < 4; n++) await queue.add(contract, { n });
  await batches[0]!.done;
  expect(most).toBe(1);
  most = 0;
  queue.setConcurrency(contract, 4);
  for (let n = 4; n < 8; n++) await queue.add(contract, { n });
  await batches[1]!.done;
  expect(most).toBeGreaterThan(1);
}
