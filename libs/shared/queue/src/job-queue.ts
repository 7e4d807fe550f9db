import type { QueueContract } from './queue-contract';

export interface Job<T> {
  id: string;
  data: T;
  /** 1 on the first try; equals the job's `attempts` on its last. */
  attempt: number;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface AddOptions {
  /** While a job with this id is waiting, delayed or running, adding it again does nothing. */
  jobId?: string;
  delayMs?: number;
  /** 1 runs first; a job without priority runs before every prioritized one (BullMQ's rule). */
  priority?: number;
  /** Tries before the job ends `failed`; retries back off exponentially. */
  attempts?: number;
}

export interface ProcessOptions {
  /** Jobs of this queue run at once in this process. */
  concurrency?: number;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * Background jobs. The database, not the queue, is the source of truth: a job only names its
 * work, a lost job is re-added by a reconciler, so the API stays small. `BullMqQueue` runs it on
 * Redis for split shapes, `InlineQueue` in process for the embedded one, with the same semantics.
 */
export abstract class JobQueue {
  abstract add<T>(queue: QueueContract<T>, data: T, options?: AddOptions): Promise<void>;

  /** Starts taking this queue's jobs in this process (once per queue). */
  abstract process<T>(queue: QueueContract<T>, handler: JobHandler<T>, options?: ProcessOptions): void;

  abstract counts<T>(queue: QueueContract<T>): Promise<QueueCounts>;

  /** Resolves when the queue's store answers (readiness). */
  abstract health(): Promise<void>;

  /** Stops taking jobs and waits for the running ones to finish. */
  abstract close(): Promise<void>;
}
