import { Logger } from '@nestjs/common';
import { collector, deferred, JobRecorder } from '@agent-squad/testing';
import type { Job, Scheduled } from '../job-queue';
import { defineQueue } from '../queue-contract';
import { RedisTestStack } from '../testing/redis-test-kit';

const WORK = defineQueue<{ n: number }>('work');
const TICK = defineQueue<Scheduled>('tick');
const PERIOD_MS = 400;

describe('BullMqQueue: inspection, metrics hooks and schedules', () => {
  let stack: RedisTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (stack = new RedisTestStack({ retry: { attempts: 2, backoffMs: 20 } })));
  afterEach(() => stack.dispose());

  it('keeps failed jobs with their error and attempts, newest first', async () => {
    const recorder = new JobRecorder();
    const queue = await stack.queue({ observer: recorder });
    queue.process(WORK, async (job) => {
      throw new Error(`broken ${job.data.n}`);
    });
    for (const n of [1, 2]) {
      const failed = recorder.next(WORK.name, 'failed');
      await queue.add(WORK, { n }, { jobId: `job-${n}` });
      await failed;
    }
    await queue.close();

    const inspector = await stack.queue();
    const failed = await inspector.failedJobs(WORK, 10);
    expect(failed).toEqual([
      { id: 'job-2', data: { n: 2 }, error: 'broken 2', attempts: 2, failedAt: expect.any(Date) },
      { id: 'job-1', data: { n: 1 }, error: 'broken 1', attempts: 2, failedAt: expect.any(Date) },
    ]);
    expect(await inspector.failedJobs(WORK, 1)).toEqual([failed[0]]);
  });

  it('finds the longest-waiting job among plain and prioritized ones', async () => {
    const queue = await stack.queue();
    expect(await queue.oldestWaiting(WORK)).toBeNull();

    const before = Date.now();
    await queue.add(WORK, { n: 1 }, { priority: 9 });
    const between = Date.now();
    await queue.add(WORK, { n: 2 }, { priority: 1 });
    await queue.add(WORK, { n: 3 });
    await queue.add(WORK, { n: 4 }, { priority: 9 });
    const oldest = await queue.oldestWaiting(WORK);
    expect(oldest).toBeGreaterThanOrEqual(before);
    expect(oldest).toBeLessThanOrEqual(between);
  });

  it('reports each run to its observer', async () => {
    const events: string[] = [];
    const done = deferred();
    const queue = await stack.queue({
      observer: {
        consuming: (name, concurrency) => events.push(`consuming ${name} ${concurrency}`),
        started: (name) => events.push(`started ${name}`),
        settled: (name, outcome) => {
          events.push(`${outcome} ${name}`);
          if (outcome === 'completed') done.resolve();
        },
      },
    });
    queue.process(
      WORK,
      async (job: Job<{ n: number }>) => {
        if (job.attempt === 1) throw new Error('flaky');
      },
      { concurrency: 3 },
    );
    await queue.add(WORK, { n: 1 });
    await done.promise;
    expect(events).toEqual(['consuming work 3', 'started work', 'retry work', 'started work', 'completed work']);
  });

  it('runs a job scheduled by several replicas once per period, at the period boundaries', async () => {
    const runs = collector<{ replica: number; id: string }>(4);
    const replicas = [await stack.queue(), await stack.queue(), await stack.queue()];
    for (const [replica, queue] of replicas.entries()) {
      queue.process(TICK, async (job) => runs.push({ replica, id: job.id }));
      await queue.schedule(TICK, PERIOD_MS);
    }
    // A replica restarting re-registers the same schedule: still one job per period.
    await replicas[0]!.schedule(TICK, PERIOD_MS);

    const periods = (await runs.done).map((run) => Number(run.id.split(':').at(-1)));
    expect(periods.every((period) => period % PERIOD_MS === 0)).toBe(true);
    expect(periods.slice(1).map((period, index) => period - periods[index]!)).toEqual([PERIOD_MS, PERIOD_MS, PERIOD_MS]);
  });
});
