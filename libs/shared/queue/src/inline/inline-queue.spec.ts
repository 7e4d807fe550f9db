import { Logger } from '@nestjs/common';
import type { Job } from '../job-queue';
import { defineQueue } from '../queue-contract';
import { collector, deferred } from '@agent-squad/testing';
import { InlineQueue } from './inline-queue';
import { expectConcurrencyFollowsSetting } from '../testing/concurrency-change';

const WORK = defineQueue<{ n: number }>('work');

describe('InlineQueue', () => {
  let queue: InlineQueue;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (queue = new InlineQueue({ concurrency: 4, retry: { attempts: 3, backoffMs: 20 } })));
  afterEach(() => queue.close());

  it('runs jobs added before and after the handler, each with its own copy of the data', async () => {
    const data = { n: 1 };
    await queue.add(WORK, data, { jobId: 'job-a' });
    data.n = 100;
    const jobs = collector<Job<{ n: number }>>(2);
    queue.process(WORK, async (job) => jobs.push(job));
    await queue.add(WORK, { n: 2 });
    const [first, second] = await jobs.done;
    expect(first).toEqual({ id: 'job-a', data: { n: 1 }, attempt: 1 });
    expect(second).toMatchObject({ data: { n: 2 }, attempt: 1 });
    expect(second.id).toEqual(expect.any(String));
  });

  it('never runs a job inside the call that adds it', async () => {
    const ran = collector<number>(1);
    queue.process(WORK, async (job) => ran.push(job.data.n));
    await queue.add(WORK, { n: 1 });
    expect(await queue.counts(WORK)).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0 });
    await ran.done;
  });

  it('keeps to the concurrency limit and reports counts', async () => {
    const release = deferred();
    const started = collector<number>(2);
    queue.process(WORK, async (job) => {
      started.push(job.data.n);
      await release.promise;
    }, { concurrency: 2 });
    for (let n = 0; n < 5; n++) await queue.add(WORK, { n });
    await queue.add(WORK, { n: 9 }, { delayMs: 60_000 });
    expect(await started.done).toEqual([0, 1]);
    expect(await queue.counts(WORK)).toEqual({ waiting: 3, active: 2, delayed: 1, failed: 0 });
    release.resolve();
  });

  it('changes how many jobs run at once while it processes', () => expectConcurrencyFollowsSetting(queue, WORK));

  it('runs jobs without priority first, then by priority, FIFO within one', async () => {
    const order = collector<number>(4);
    await queue.add(WORK, { n: 5 }, { priority: 5 });
    await queue.add(WORK, { n: 11 }, { priority: 1 });
    await queue.add(WORK, { n: 0 });
    await queue.add(WORK, { n: 12 }, { priority: 1 });
    queue.process(WORK, async (job) => order.push(job.data.n), { concurrency: 1 });
    expect(await order.done).toEqual([0, 11, 12, 5]);
  });

  it('runs a delayed job after its delay', async () => {
    const ran = collector<number>(1);
    queue.process(WORK, async () => ran.push(Date.now()));
    const added = Date.now();
    await queue.add(WORK, { n: 1 }, { delayMs: 50 });
    expect((await queue.counts(WORK)).delayed).toBe(1);
    const [at] = await ran.done;
    expect(at - added).toBeGreaterThanOrEqual(45);
  });

  it('retries a failing job with exponential backoff', async () => {
    const tries = collector<[number, number]>(3);
    queue.process(WORK, async (job) => {
      tries.push([job.attempt, Date.now()]);
      if (job.attempt < 3) throw new Error('flaky');
    });
    await queue.add(WORK, { n: 1 });
    const [[, t1], [, t2], [, t3]] = await tries.done;
    expect((await tries.done).map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(t2 - t1).toBeGreaterThanOrEqual(18);
    expect(t3 - t2).toBeGreaterThanOrEqual(38);
  });

  it('keeps a job that failed every attempt as failed, and accepts its id again', async () => {
    const doomed = collector<number>(2);
    const second = deferred<number>();
    queue.process(WORK, async (job) => {
      if (job.data.n === 2) return second.resolve(job.attempt);
      doomed.push(job.attempt);
      throw new Error('always');
    });
    await queue.add(WORK, { n: 1 }, { jobId: 'doomed', attempts: 2 });
    expect(await doomed.done).toEqual([1, 2]);
    await settled();
    expect(await queue.counts(WORK)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
    await queue.add(WORK, { n: 2 }, { jobId: 'doomed' });
    expect(await second.promise).toBe(1);
  });

  it('ignores a job id that is waiting or running, not one that has finished', async () => {
    const release = deferred();
    const runs = collector<number>(2);
    queue.process(WORK, async (job) => {
      runs.push(job.data.n);
      if (job.data.n === 1) await release.promise;
    });
    await queue.add(WORK, { n: 1 }, { jobId: 'once' });
    await queue.add(WORK, { n: 2 }, { jobId: 'once' });
    await settled();
    expect(await queue.counts(WORK)).toMatchObject({ waiting: 0, active: 1 });
    await queue.add(WORK, { n: 3 }, { jobId: 'once' });
    release.resolve();
    await settled();
    await queue.add(WORK, { n: 4 }, { jobId: 'once' });
    expect(await runs.done).toEqual([1, 4]);
  });

  it('closes gracefully: waits for running jobs, starts no new ones, refuses new work', async () => {
    const release = deferred();
    const started = deferred();
    const events: string[] = [];
    queue.process(
      WORK,
      async (job) => {
        events.push(`start ${job.data.n}`);
        started.resolve();
        await release.promise;
        events.push(`end ${job.data.n}`);
      },
      { concurrency: 1 },
    );
    await queue.add(WORK, { n: 1 });
    await queue.add(WORK, { n: 2 });
    await started.promise;
    const closed = queue.close().then(() => events.push('closed'));
    await settled();
    expect(events).toEqual(['start 1']);
    release.resolve();
    await closed;
    expect(events).toEqual(['start 1', 'end 1', 'closed']);
    await expect(queue.add(WORK, { n: 3 })).rejects.toThrow('closed');
    await expect(queue.add(defineQueue('other'), {})).rejects.toThrow('closed');
  });

  it('refuses what BullMQ would refuse, and a second handler for a queue', async () => {
    await expect(queue.add(WORK, { n: 1 }, { jobId: '42' })).rejects.toThrow('not an integer');
    await expect(queue.add(WORK, { n: 1 }, { jobId: 'a:b' })).rejects.toThrow('no ":"');
    await expect(queue.add(WORK, { n: 1 }, { priority: 1.5 })).rejects.toThrow('Invalid priority');
    await expect(queue.add(WORK, { n: 1 }, { attempts: 0 })).rejects.toThrow('Invalid attempts');
    queue.process(WORK, () => Promise.resolve());
    expect(() => queue.process(WORK, () => Promise.resolve())).toThrow('already has a handler');
    expect(() => defineQueue('bad:name')).toThrow('Invalid queue name');
  });
});

/** One turn of the event loop: the queue's bookkeeping after a handler settles is done by then. */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
