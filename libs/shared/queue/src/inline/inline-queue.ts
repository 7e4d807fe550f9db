import { Logger } from '@nestjs/common';
import { JobQueue, type AddOptions, type FailedJob, type JobHandler, type ProcessOptions, type QueueCounts, type Scheduled } from '../job-queue';
import { observeHandler, SILENT_OBSERVER, type JobObserver } from '../job-observer';
import { assertAddOptions, DEFAULT_RETRY, type RetryPolicy } from '../job-policy';
import type { QueueContract } from '../queue-contract';
import { SystemClock, type Clock } from '../schedule/clock';
import { everyPeriod } from '../schedule/periodic';
import { InlineLane } from './inline-lane';

export interface InlineQueueOptions {
  /** Default jobs at once per queue. */
  concurrency: number;
  retry?: RetryPolicy;
  observer?: JobObserver;
  /** Drives `schedule`; tests pass a manual one. */
  clock?: Clock;
}

/** The job queue of the embedded shape: in this process, nothing survives a restart (the reconciler covers that). */
export class InlineQueue extends JobQueue {
  private readonly logger = new Logger(InlineQueue.name);
  private readonly lanes = new Map<string, InlineLane>();
  private readonly schedules: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: InlineQueueOptions) {
    super();
  }

  // async, so that a refusal is a rejection as with BullMQ
  override async add<T>(queue: QueueContract<T>, data: T, options: AddOptions = {}): Promise<void> {
    assertAddOptions(options);
    this.lane(queue.name).add(data, options);
  }

  override process<T>(queue: QueueContract<T>, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    const concurrency = options.concurrency ?? this.options.concurrency;
    const observed = observeHandler(this.options.observer ?? SILENT_OBSERVER, queue.name, handler as JobHandler<unknown>, concurrency);
    this.lane(queue.name).process(observed, concurrency);
  }

  override setConcurrency<T>(queue: QueueContract<T>, concurrency: number): void {
    this.lane(queue.name).setConcurrency(concurrency);
    (this.options.observer ?? SILENT_OBSERVER).consuming(queue.name, concurrency);
  }

  override async counts<T>(queue: QueueContract<T>): Promise<QueueCounts> {
    return this.lane(queue.name).counts();
  }

  override async oldestWaiting<T>(queue: QueueContract<T>): Promise<number | null> {
    return this.lane(queue.name).oldestWaiting();
  }

  override async failedJobs<T>(queue: QueueContract<T>, limit: number): Promise<FailedJob<T>[]> {
    return this.lane(queue.name).failedJobs(limit) as FailedJob<T>[];
  }

  /** One process is the whole embedded product, so a timer here is the one schedule; the job id names the period. */
  override async schedule(queue: QueueContract<Scheduled>, everyMs: number): Promise<void> {
    if (this.closed) throw new Error(`Queue ${queue.name} is closed`);
    const stop = everyPeriod(this.options.clock ?? new SystemClock(), everyMs, async (period) => {
      await this.add(queue, {}, { jobId: `${queue.name}-${period}` }).catch((error: unknown) => {
        this.logger.warn(`scheduled job ${queue.name} not added: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    this.schedules.push(stop);
  }

  /** In process: healthy while the process runs. */
  override async health(): Promise<void> {}

  override async stopProcessing(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.stop()));
  }

  override async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.schedules) stop();
    await Promise.all([...this.lanes.values()].map((lane) => lane.close()));
  }

  private lane(name: string): InlineLane {
    let lane = this.lanes.get(name);
    if (!lane) {
      if (this.closed) throw new Error(`Queue ${name} is closed`);
      lane = new InlineLane(name, this.options.retry ?? DEFAULT_RETRY, this.logger);
      this.lanes.set(name, lane);
    }
    return lane;
  }
}
