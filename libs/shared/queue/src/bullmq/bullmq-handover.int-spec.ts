import { Logger } from '@nestjs/common';
import { collector, deferred, JobRecorder } from '@agent-squad/testing';
import { JobDeferred } from '../job-deferred';
import type { Job } from '../job-queue';
import { defineQueue } from '../queue-contract';
import { RedisTestStack } from '../testing/redis-test-kit';

const WORK = defineQueue<{ n: number }>('work');

describe('BullMqQueue: deferred jobs and handing over at shutdown', () => {
  let stack: RedisTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (stack = new RedisTestStack({ retry: { attempts: 2, backoffMs: 20 } })));
  afterEach(() => stack.dispose());

  it('runs a deferred job again after its delay without using an attempt', async () => {
    const recorder = new JobRecorder();
    const queue = await stack.queue({ observer: recorder });
    const delays = [0, 300, 0];
    const runs = collector<[Job<{ n: number }>, number]>(4);
    queue.process(WORK, async (job) => {
      runs.push([job, Date.now()]);
      const delay = delays.shift();
      if (delay !== undefined) throw new JobDeferred(delay, 'not now');
    });
    const completed = recorder.next(WORK.name, 'completed');
    await queue.add(WORK, { n: 1 }, { jobId: 'patient', attempts: 2 });
    await completed;

    const done = await runs.done;
    expect(done.map(([job]) => job)).toEqual(Array.from({ length: 4 }, () => ({ id: 'patient', data: { n: 1 }, attempt: 1 })));
    expect(done[2]![1] - done[1]![1]).toBeGreaterThanOrEqual(250);
    expect(await queue.failedJobs(WORK, 10)).toEqual([]);
  });

  it('hands a job back at shutdown: another process takes it at once, on the same attempt', async () => {
    const leaving = await stack.queue();
    const started = deferred();
    const release = deferred();
    leaving.process(WORK, async () => {
      started.resolve();
      await release.promise;
      throw new JobDeferred(0, 'shutting down');
    });
    const producer = await stack.queue();
    await producer.add(WORK, { n: 7 }, { jobId: 'handed-over', attempts: 1 });
    await started.promise;

    const stopped = leaving.stopProcessing();
    release.resolve();
    await stopped;
    expect(await producer.counts(WORK)).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0 });

    const taken = deferred<Job<{ n: number }>>();
    (await stack.queue()).process(WORK, async (job) => taken.resolve(job));
    expect(await taken.promise).toEqual({ id: 'handed-over', data: { n: 7 }, attempt: 1 });
  });
});
