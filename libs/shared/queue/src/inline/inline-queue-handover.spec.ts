import { Logger } from '@nestjs/common';
import { collector, deferred, JobRecorder } from '@agent-squad/testing';
import { JobDeferred } from '../job-deferred';
import { defineQueue } from '../queue-contract';
import { InlineQueue } from './inline-queue';

const WORK = defineQueue<{ n: number }>('work');

describe('InlineQueue: deferred jobs and stopping', () => {
  let queue: InlineQueue;
  let recorder: JobRecorder;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    recorder = new JobRecorder();
    queue = new InlineQueue({ concurrency: 2, retry: { attempts: 2, backoffMs: 5 }, observer: recorder });
  });
  afterEach(() => queue.close());

  it('runs a deferred job again after its delay, on the same attempt, reported as deferred', async () => {
    const delays = [0, 30];
    const runs = collector<[number, number]>(3);
    queue.process(WORK, async (job) => {
      runs.push([job.attempt, Date.now()]);
      const delay = delays.shift();
      if (delay !== undefined) throw new JobDeferred(delay, 'not now');
    });
    const deferredRun = recorder.next(WORK.name, 'deferred');
    const completed = recorder.next(WORK.name, 'completed');
    await queue.add(WORK, { n: 1 });
    await deferredRun;
    await completed;
    const [first, second, third] = await runs.done;
    expect([first[0], second[0], third[0]]).toEqual([1, 1, 1]);
    expect(third[1] - second[1]).toBeGreaterThanOrEqual(28);
    expect(await queue.failedJobs(WORK, 10)).toEqual([]);
  });

  it('stops taking jobs and waits for running ones, keeping what waits; adding still works', async () => {
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
    const stopped = queue.stopProcessing().then(() => events.push('stopped'));
    await queue.add(WORK, { n: 3 });
    release.resolve();
    await stopped;
    expect(events).toEqual(['start 1', 'end 1', 'stopped']);
    expect(await queue.counts(WORK)).toEqual({ waiting: 2, active: 0, delayed: 0, failed: 0 });
  });
});
