import { Logger } from '@nestjs/common';
import { deferred, JobRecorder, ManualClock } from '@agent-squad/testing';
import type { JobObserver } from '../job-observer';
import type { Scheduled } from '../job-queue';
import { defineQueue } from '../queue-contract';
import { InlineQueue } from './inline-queue';

const WORK = defineQueue<{ n: number }>('work');
const TICK = defineQueue<Scheduled>('tick');
const HOUR = 3_600_000;

describe('InlineQueue: inspection, metrics hooks and schedules', () => {
  let queue: InlineQueue;
  let clock: ManualClock;
  let recorder: JobRecorder;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 10, 30));
    recorder = new JobRecorder();
    queue = new InlineQueue({ concurrency: 2, retry: { attempts: 2, backoffMs: 5 }, observer: recorder, clock });
  });
  afterEach(() => queue.close());

  it('keeps failed jobs with their error and attempts, newest first, until their id is added again', async () => {
    queue.process(WORK, async (job) => {
      if (job.data.n > 0) throw new Error(`broken ${job.data.n}`);
    });
    for (const n of [1, 2]) {
      const failed = recorder.next(WORK.name, 'failed');
      await queue.add(WORK, { n }, { jobId: `job-${n}` });
      await failed;
    }
    // The observer hears of a run before the queue files its failure: one turn of the event loop later.
    await new Promise((resolve) => setImmediate(resolve));

    const failed = await queue.failedJobs(WORK, 10);
    expect(failed).toEqual([
      { id: 'job-2', data: { n: 2 }, error: 'broken 2', attempts: 2, failedAt: expect.any(Date) },
      { id: 'job-1', data: { n: 1 }, error: 'broken 1', attempts: 2, failedAt: expect.any(Date) },
    ]);
    expect(await queue.failedJobs(WORK, 1)).toEqual([failed[0]]);

    const rerun = recorder.next(WORK.name);
    await queue.add(WORK, { n: 0 }, { jobId: 'job-1' });
    expect(await rerun).toBe('completed');
    expect((await queue.failedJobs(WORK, 10)).map((job) => job.id)).toEqual(['job-2']);
    expect((await queue.counts(WORK)).failed).toBe(1);
  });

  it('tells when the longest-waiting job joined the line', async () => {
    expect(await queue.oldestWaiting(WORK)).toBeNull();
    const before = Date.now();
    await queue.add(WORK, { n: 1 }, { priority: 9 });
    await queue.add(WORK, { n: 2 });
    const oldest = await queue.oldestWaiting(WORK);
    expect(oldest).toBeGreaterThanOrEqual(before);
    expect(oldest).toBeLessThanOrEqual(Date.now());
  });

  it('reports each run to its observer: concurrency, start, and how it ended', async () => {
    const events: string[] = [];
    const observer: JobObserver = {
      consuming: (name, concurrency) => events.push(`consuming ${name} ${concurrency}`),
      started: (name) => events.push(`started ${name}`),
      settled: (name, outcome) => events.push(`${outcome} ${name}`),
    };
    const observed = new InlineQueue({ concurrency: 3, retry: { attempts: 2, backoffMs: 5 }, observer });
    const done = deferred();
    observed.process(WORK, async (job) => {
      if (job.attempt === 1) throw new Error('flaky');
      done.resolve();
    });
    await observed.add(WORK, { n: 1 });
    await done.promise;
    await observed.close();
    expect(events).toEqual(['consuming work 3', 'started work', 'retry work', 'started work', 'completed work']);
  });

  it('runs a scheduled job once per period, at the period boundaries, until closed', async () => {
    const runs: number[] = [];
    queue.process(TICK, async () => void runs.push(clock.now()));
    await queue.schedule(TICK, HOUR);

    await clock.advance(29 * 60_000);
    expect(runs).toEqual([]);
    for (const hour of [11, 12]) {
      const ran = recorder.next(TICK.name);
      await clock.advance(HOUR);
      expect(await ran).toBe('completed');
      expect(runs.at(-1)).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 1, hour));
    }
    expect(runs).toHaveLength(2);

    await queue.close();
    await clock.advance(5 * HOUR);
    expect(runs).toHaveLength(2);
  });
});
