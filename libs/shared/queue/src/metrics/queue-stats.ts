import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { JobQueue, type FailedJob, type QueueCounts } from '../job-queue';
import { ALL_QUEUES } from '../queues';

export interface QueueSnapshot extends QueueCounts {
  name: string;
  /** How long the longest-waiting job has been due; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export interface QueueReport extends QueueSnapshot {
  /** The newest failed jobs with their errors. */
  lastFailed: FailedJob<unknown>[];
}

export interface QueuesReport {
  /** `bullmq`: counts are the whole deployment's (Redis); `inline`: this process's, which is then the whole product. */
  driver: 'bullmq' | 'inline';
  queues: QueueReport[];
}

/** The state of every queue of the platform, for metrics and the ops endpoint. */
@Injectable()
export class QueueStats {
  private inFlight?: Promise<QueueSnapshot[]>;

  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  /** Concurrent callers (the gauges of one scrape) share one round of queries. */
  snapshot(): Promise<QueueSnapshot[]> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async report(failedLimit: number): Promise<QueuesReport> {
    const [snapshots, failed] = await Promise.all([this.snapshot(), Promise.all(ALL_QUEUES.map((queue) => this.queue.failedJobs(queue, failedLimit)))]);
    return { driver: this.config.queue.kind, queues: snapshots.map((snapshot, index) => ({ ...snapshot, lastFailed: failed[index]! })) };
  }

  private read(): Promise<QueueSnapshot[]> {
    return Promise.all(
      ALL_QUEUES.map(async (queue) => {
        const [counts, oldest] = await Promise.all([this.queue.counts(queue), this.queue.oldestWaiting(queue)]);
        // Wall time, as the drivers stamp jobs: a queue's age is real time whatever clock drives schedules.
        return { name: queue.name, ...counts, oldestWaitingSeconds: oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000) };
      }),
    );
  }
}
