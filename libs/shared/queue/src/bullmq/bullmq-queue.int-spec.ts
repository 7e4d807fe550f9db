import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Job } from '../job-queue';
import { defineQueue } from '../queue-contract';
import { collector, deferred } from '@agent-squad/testing';
import { REDIS_URL, RedisTestStack } from '../testing/redis-test-kit';
import { kill, spawnTs, waitForLine } from '../testing/spawn-ts';
import { BullMqQueue } from './bullmq-queue';
import { expectConcurrencyFollowsSetting } from '../testing/concurrency-change';

const WORK = defineQueue<{ n: number }>('work');
const LOCK_MS = 1000;

describe('BullMqQueue', () => {
  let stack: RedisTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (stack = new RedisTestStack({ lockMs: LOCK_MS, retry: { attempts: 3, backoffMs: 100 } })));
  afterEach(() => stack.dispose());

  it('runs jobs with their data, counts what waits, and runs priorities after plain jobs', async () => {
    const producer = await stack.queue();
    await producer.add(WORK, { n: 5 }, { priority: 5 });
    await producer.add(WORK, { n: 1 }, { priority: 1 });
    await producer.add(WORK, { n: 0 }, { jobId: 'plain' });
    await producer.add(WORK, { n: 9 }, { delayMs: 60_000 });
    expect(await producer.counts(WORK)).toEqual({ waiting: 3, active: 0, delayed: 1, failed: 0 });

    const jobs = collector<Job<{ n: number }>>(3);
    (await stack.queue()).process(WORK, async (job) => jobs.push(job), { concurrency: 1 });
    const done = await jobs.done;
    expect(done.map((job) => job.data.n)).toEqual([0, 1, 5]);
    expect(done[0]).toEqual({ id: 'plain', data: { n: 0 }, attempt: 1 });
  });

  it('changes how many jobs run at once while it processes', async () => {
    await expectConcurrencyFollowsSetting(await stack.queue(), WORK);
  });

  it('retries a failing job with exponential backoff', async () => {
    const queue = await stack.queue();
    const tries = collector<[number, number]>(3);
    queue.process(WORK, async (job) => {
      tries.push([job.attempt, Date.now()]);
      if (job.attempt < 3) throw new Error('flaky');
    });
    await queue.add(WORK, { n: 1 });
    const done = await tries.done;
    expect(done.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(done[1][1] - done[0][1]).toBeGreaterThanOrEqual(100);
    expect(done[2][1] - done[1][1]).toBeGreaterThanOrEqual(200);
  });

  it('keeps a job that failed every attempt as failed, and accepts its id again', async () => {
    const first = await stack.queue();
    const failures = collector<number>(2);
    first.process(WORK, async (job) => {
      failures.push(job.attempt);
      throw new Error('always');
    });
    await first.add(WORK, { n: 1 }, { jobId: 'doomed', attempts: 2 });
    expect(await failures.done).toEqual([1, 2]);
    // Closing waits until the worker has recorded the failure.
    await first.close();

    const second = await stack.queue();
    expect(await second.counts(WORK)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
    await second.add(WORK, { n: 2 }, { jobId: 'doomed' });
    const rerun = deferred<Job<{ n: number }>>();
    second.process(WORK, async (job) => rerun.resolve(job));
    expect(await rerun.promise).toEqual({ id: 'doomed', data: { n: 2 }, attempt: 1 });
  });

  it('adds under an id said to be used for the first time as under any other, and ignores it again while it waits', async () => {
    const queue = await stack.queue();
    await queue.add(WORK, { n: 1 }, { jobId: 'fresh', firstUseOfId: true });
    await queue.add(WORK, { n: 2 }, { jobId: 'fresh', firstUseOfId: true });
    expect(await queue.counts(WORK)).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0 });
    const ran = deferred<Job<{ n: number }>>();
    queue.process(WORK, async (job) => ran.resolve(job));
    expect(await ran.promise).toEqual({ id: 'fresh', data: { n: 1 }, attempt: 1 });
  });

  it('ignores a job id that is already waiting or running', async () => {
    const queue = await stack.queue();
    await queue.add(WORK, { n: 1 }, { jobId: 'once' });
    await queue.add(WORK, { n: 2 }, { jobId: 'once' });
    expect(await queue.counts(WORK)).toMatchObject({ waiting: 1 });

    const release = deferred();
    const started = deferred<number>();
    const runs: number[] = [];
    queue.process(WORK, async (job) => {
      runs.push(job.data.n);
      started.resolve(job.data.n);
      await release.promise;
    });
    expect(await started.promise).toBe(1);
    await queue.add(WORK, { n: 3 }, { jobId: 'once' });
    expect(await queue.counts(WORK)).toEqual({ waiting: 0, active: 1, delayed: 0, failed: 0 });
    release.resolve();
    await queue.close();
    expect(runs).toEqual([1]);
  });

  it('runs the job of a worker process that was killed mid-job elsewhere, within twice the lock time', async () => {
    const producer = await stack.queue();
    const child = spawnTs(join(__dirname, '../testing/dying-worker.ts'), [REDIS_URL, stack.prefix, String(LOCK_MS), WORK.name]);
    try {
      const taken = waitForLine(child, /taken (\S+)/);
      await producer.add(WORK, { n: 7 }, { jobId: 'survivor' });
      expect((await taken)[1]).toBe('survivor');
      await kill(child);
    } finally {
      await kill(child);
    }
    const killedAt = Date.now();
    const finished = deferred<Job<{ n: number }>>();
    (await stack.queue()).process(WORK, async (job) => finished.resolve(job));
    const job = await finished.promise;
    expect(job).toMatchObject({ id: 'survivor', data: { n: 7 } });
    expect(Date.now() - killedAt).toBeLessThan(2 * LOCK_MS);
  });

  it('closes gracefully: waits for the running job and takes no new one', async () => {
    const [worker, observer] = [await stack.queue(), await stack.queue()];
    const release = deferred();
    const started = deferred();
    const events: string[] = [];
    worker.process(
      WORK,
      async (job) => {
        events.push(`start ${job.data.n}`);
        started.resolve();
        await release.promise;
        events.push(`end ${job.data.n}`);
      },
      { concurrency: 1 },
    );
    await observer.add(WORK, { n: 1 });
    await started.promise;
    const closed = worker.close().then(() => events.push('closed'));
    await observer.add(WORK, { n: 2 });
    expect(await observer.counts(WORK)).toMatchObject({ active: 1 });
    expect(events).toEqual(['start 1']);
    release.resolve();
    await closed;
    expect(events).toEqual(['start 1', 'end 1', 'closed']);
    expect(await observer.counts(WORK)).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0 });
    await expect(worker.add(WORK, { n: 3 })).rejects.toThrow('closed');
  });

  it('fails to connect with a message naming the server, without its credentials', async () => {
    await expect(BullMqQueue.connect({ url: 'redis://user:secret@127.0.0.1:1', prefix: stack.prefix, lockMs: LOCK_MS, concurrency: 1 })).rejects.toThrow(
      /^Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });
});
