import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { JobDeferred } from '../job-deferred';
import type { AddOptions, FailedJob, QueueCounts } from '../job-queue';
import type { ObservedHandler } from '../job-observer';
import { backoffDelay, FAILED_KEPT, type RetryPolicy } from '../job-policy';

interface PendingJob {
  id: string;
  /** Stored as JSON, as Redis would: each try gets a fresh copy, and the producer's object is not shared. */
  json: string;
  priority: number;
  seq: number;
  attempt: number;
  attempts: number;
  /** When it last joined the waiting line (epoch ms). */
  waitingSince: number;
}

type FailedEntry = Omit<FailedJob<unknown>, 'data'> & { json: string };

/**
 * Runs `fn` in the async context of this module's loading (the process's root), not in that of
 * whatever added the job: a job taken from Redis carries no request id or user scope either, and
 * the embedded database serves a request's statements before background ones (see pglite-gate.ts).
 */
const detached = AsyncResource.bind((fn: () => void): void => fn());

/** One queue of the in-process driver: waiting jobs by priority, delayed ones on timers, bounded concurrency. */
export class InlineLane {
  private readonly waiting: PendingJob[] = [];
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  /** Ids of jobs waiting, delayed or running: the dedupe set. */
  private readonly pending = new Set<string>();
  private failed: FailedEntry[] = [];
  private handler?: ObservedHandler<unknown>;
  private concurrency = 1;
  private seq = 0;
  private pumpScheduled?: NodeJS.Immediate;
  /** Takes no more jobs; waiting ones stay (until `close`). */
  private stopped = false;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  add(data: unknown, options: AddOptions): void {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
    const id = options.jobId ?? randomUUID();
    if (this.pending.has(id)) return;
    this.pending.add(id);
    // As with BullMQ, adding a failed job's id again replaces the failed job.
    this.failed = this.failed.filter((entry) => entry.id !== id);
    const job: PendingJob = {
      id,
      json: JSON.stringify(data ?? null),
      priority: options.priority ?? 0,
      seq: this.seq++,
      attempt: 1,
      attempts: options.attempts ?? this.retry.attempts,
      waitingSince: 0,
    };
    if (options.delayMs) this.delay(job, options.delayMs);
    else this.enqueue(job);
  }

  process(handler: ObservedHandler<unknown>, concurrency: number): void {
    if (this.closed) throw new Error(`Queue ${this.name} is closed`);
    if (this.handler) throw new Error(`Queue ${this.name} already has a handler in this process`);
    this.handler = handler;
    this.concurrency = concurrency;
    this.schedulePump();
  }

  setConcurrency(concurrency: number): void {
    if (!this.handler) throw new Error(`Queue ${this.name} is not processed in this process`);
    this.concurrency = concurrency;
    this.schedulePump();
  }

  counts(): QueueCounts {
    return { waiting: this.waiting.length, active: this.running.size, delayed: this.delayed.size, failed: this.failed.length };
  }

  oldestWaiting(): number | null {
    return this.waiting.reduce<number | null>((oldest, job) => (oldest === null || job.waitingSince < oldest ? job.waitingSince : oldest), null);
  }

  failedJobs(limit: number): FailedJob<unknown>[] {
    return this.failed
      .slice(-limit)
      .reverse()
      .map(({ json, ...entry }) => ({ ...entry, data: JSON.parse(json) as unknown }));
  }

  /** Takes no more jobs and waits for the running ones; waiting and delayed jobs stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Takes no more jobs and waits for running ones; waiting and delayed jobs are dropped (the reconciler re-adds them). */
  async close(): Promise<void> {
    this.stopped = true;
    this.closed = true;
    clearImmediate(this.pumpScheduled);
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    await Promise.all(this.running);
  }

  private enqueue(job: PendingJob): void {
    job.waitingSince = Date.now();
    // Lower priority first, FIFO within a priority.
    const index = this.waiting.findIndex((other) => other.priority > job.priority || (other.priority === job.priority && other.seq > job.seq));
    this.waiting.splice(index === -1 ? this.waiting.length : index, 0, job);
    this.schedulePump();
  }

  private delay(job: PendingJob, ms: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(job.id);
      this.enqueue(job);
    }, ms);
    this.delayed.set(job.id, timer);
  }

  /** Jobs start on a later turn of the event loop, never inside the producer's `add`. */
  private schedulePump(): void {
    this.pumpScheduled ??= setImmediate(() =>
      detached(() => {
        this.pumpScheduled = undefined;
        this.pump();
      }),
    );
  }

  private pump(): void {
    while (!this.stopped && this.handler && this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as PendingJob;
      const run: Promise<void> = this.run(this.handler, job).finally(() => {
        this.running.delete(run);
        detached(() => this.pump());
      });
      this.running.add(run);
    }
  }

  private async run(handler: ObservedHandler<unknown>, job: PendingJob): Promise<void> {
    try {
      await handler({ id: job.id, data: JSON.parse(job.json), attempt: job.attempt }, job.attempts);
      this.pending.delete(job.id);
    } catch (error) {
      this.fail(job, error);
    }
  }

  private fail(job: PendingJob, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof JobDeferred && !this.closed) {
      if (error.delayMs > 0) this.delay(job, error.delayMs);
      else this.enqueue(job);
      return;
    }
    if (this.closed) {
      this.logger.warn(`job ${this.name}/${job.id} failed while closing, not retried here: ${reason}`);
      this.pending.delete(job.id);
      return;
    }
    if (job.attempt < job.attempts) {
      const wait = backoffDelay(this.retry, job.attempt);
      this.logger.warn(`job ${this.name}/${job.id} failed (attempt ${job.attempt}/${job.attempts}), retry in ${wait} ms: ${reason}`);
      this.delay({ ...job, attempt: job.attempt + 1 }, wait);
      return;
    }
    this.logger.error(`job ${this.name}/${job.id} failed for good after ${job.attempt} attempt(s): ${reason}`);
    this.pending.delete(job.id);
    this.failed.push({ id: job.id, json: job.json, error: reason, attempts: job.attempt, failedAt: new Date() });
    if (this.failed.length > FAILED_KEPT) this.failed.shift();
  }
}
