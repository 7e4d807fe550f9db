import type { QueueContract } from './queue-contract';

export interface Job<T> {
  id: string;
  data: T;
  /** 1 on the first try; equals the job's `attempts` on its last. */
  attempt: number;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface AddOptions {
  /**
   * While a job with this id is waiting, delayed or running, adding it again does nothing; a failed
   * job kept under it is replaced (a deliberate re-add).
   */
  jobId?: string;
  /**
   * The caller knows no job ever had this id (e.g. a new execution's first dispatch), so there is
   * no failed job to replace: the add skips looking for one (a Redis round trip per add on BullMQ).
   */
  firstUseOfId?: boolean;
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

/** A job that failed its last attempt, kept for inspection (the newest `FAILED_KEPT` per queue). */
export interface FailedJob<T> {
  id: string;
  data: T;
  /** The last attempt's error message. */
  error: string;
  attempts: number;
  failedAt: Date;
}

/** The payload of a scheduled job: none, the period is the job. */
export type Scheduled = Record<string, never>;

/**
 * Background jobs. The database, not the queue, is the source of truth: a job only names its
 * work, a lost job is re-added by a reconciler, so the API stays small. `BullMqQueue` runs it on
 * Redis for split shapes, `InlineQueue` in process for the embedded one, with the same semantics.
 */
export abstract class JobQueue {
  abstract add<T>(queue: QueueContract<T>, data: T, options?: AddOptions): Promise<void>;

  /** Starts taking this queue's jobs in this process (once per queue). */
  abstract process<T>(queue: QueueContract<T>, handler: JobHandler<T>, options?: ProcessOptions): void;

  /** Changes how many of the queue's jobs this process runs at once (it must process the queue); running jobs beyond it finish. */
  abstract setConcurrency<T>(queue: QueueContract<T>, concurrency: number): void;

  abstract counts<T>(queue: QueueContract<T>): Promise<QueueCounts>;

  /** When the job that has waited longest became due (epoch ms), or null when none waits. */
  abstract oldestWaiting<T>(queue: QueueContract<T>): Promise<number | null>;

  /** The queue's failed jobs, newest first. */
  abstract failedJobs<T>(queue: QueueContract<T>, limit: number): Promise<FailedJob<T>[]>;

  /**
   * Adds a job to `queue` once per period, at every multiple of `everyMs` since the epoch (UTC),
   * starting with the next one: exactly one run per period however many replicas schedule it.
   * Whoever calls `process` on the queue runs it, with the usual retries.
   */
  abstract schedule(queue: QueueContract<Scheduled>, everyMs: number): Promise<void>;

  /** Resolves when the queue's store answers (readiness). */
  abstract health(): Promise<void>;

  /**
   * Stops taking jobs in this process and waits for the running ones (a graceful shutdown's first
   * step); adding jobs still works until `close`.
   */
  abstract stopProcessing(): Promise<void>;

  /** Stops taking jobs and waits for the running ones to finish. */
  abstract close(): Promise<void>;
}
