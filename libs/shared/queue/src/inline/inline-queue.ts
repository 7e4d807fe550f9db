import { Logger } from '@nestjs/common';
import { JobQueue, type AddOptions, type JobHandler, type ProcessOptions, type QueueCounts } from '../job-queue';
import { assertAddOptions, DEFAULT_RETRY, type RetryPolicy } from '../job-policy';
import type { QueueContract } from '../queue-contract';
import { InlineLane } from './inline-lane';

export interface InlineQueueOptions {
  /** Default jobs at once per queue. */
  concurrency: number;
  retry?: RetryPolicy;
}

/** The job queue of the embedded shape: in this process, nothing survives a restart (the reconciler covers that). */
export class InlineQueue extends JobQueue {
  private readonly logger = new Logger(InlineQueue.name);
  private readonly lanes = new Map<string, InlineLane>();
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
    this.lane(queue.name).process(handler as JobHandler<unknown>, options.concurrency ?? this.options.concurrency);
  }

  override async counts<T>(queue: QueueContract<T>): Promise<QueueCounts> {
    return this.lane(queue.name).counts();
  }

  /** In process: healthy while the process runs. */
  override async health(): Promise<void> {}

  override async close(): Promise<void> {
    this.closed = true;
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
