import { JobDeferred } from './job-deferred';
import type { Job, JobHandler } from './job-queue';

/**
 * How one run of a job ended: `retry` failed and will be tried again, `failed` failed its last
 * attempt, `deferred` was put back in line without using an attempt (`JobDeferred`).
 */
export type JobOutcome = 'completed' | 'retry' | 'failed' | 'deferred';

/** What a driver reports about the jobs this process runs: the source of the job metrics. */
export interface JobObserver {
  /** This process takes the queue's jobs, up to `concurrency` at once. */
  consuming(queue: string, concurrency: number): void;
  started(queue: string): void;
  settled(queue: string, outcome: JobOutcome, seconds: number): void;
}

export const SILENT_OBSERVER: JobObserver = { consuming: () => undefined, started: () => undefined, settled: () => undefined };

/** A handler as a driver runs it: `attempts` is the job's allowance, so a last failure can be told from a retry. */
export type ObservedHandler<T> = (job: Job<T>, attempts: number) => Promise<void>;

/** Wraps a queue's handler so that each run is reported to the observer; the run's own result is unchanged. */
export function observeHandler<T>(observer: JobObserver, queue: string, handler: JobHandler<T>, concurrency: number): ObservedHandler<T> {
  observer.consuming(queue, concurrency);
  return async (job, attempts) => {
    observer.started(queue);
    const started = performance.now();
    let outcome: JobOutcome = job.attempt >= attempts ? 'failed' : 'retry';
    try {
      await handler(job);
      outcome = 'completed';
    } catch (error) {
      if (error instanceof JobDeferred) outcome = 'deferred';
      throw error;
    } finally {
      observer.settled(queue, outcome, (performance.now() - started) / 1000);
    }
  };
}
