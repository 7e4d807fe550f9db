import { deferred, type Deferred } from './deferred';

/** `JobOutcome` of `@agent-squad/queue`, which this lib does not import: the queue lib's own tests use it. */
type JobOutcome = 'completed' | 'retry' | 'failed' | 'deferred';

interface Waiter {
  queue: string;
  outcome?: JobOutcome;
  run: Deferred<JobOutcome>;
}

/** A job observer (`JobObserver`) for tests: await a queue's next run instead of polling for its effect. */
export class JobRecorder {
  private waiters: Waiter[] = [];

  consuming(): void {}

  started(): void {}

  settled(queue: string, outcome: JobOutcome): void {
    const waiter = this.waiters.find((candidate) => candidate.queue === queue && (candidate.outcome ?? outcome) === outcome);
    if (!waiter) return;
    this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
    waiter.run.resolve(outcome);
  }

  /**
   * Resolves with the outcome of the next run of `queue` to end (with `outcome` only, if given).
   * Call it before making the run happen: runs that ended earlier are not seen.
   */
  next(queue: string, outcome?: JobOutcome): Promise<JobOutcome> {
    const run = deferred<JobOutcome>();
    this.waiters.push({ queue, outcome, run });
    return run.promise;
  }
}
