import { Logger } from '@nestjs/common';
import { continueFrom, SpanKind } from '@agent-squad/observability';
import { DelayedError, Queue, WaitingError, Worker, type Job as BullJob } from 'bullmq';
import { JobQueue, type AddOptions, type FailedJob, type JobHandler, type ProcessOptions, type QueueCounts, type Scheduled } from '../job-queue';
import { JobDeferred } from '../job-deferred';
import { observeHandler, SILENT_OBSERVER, type JobObserver } from '../job-observer';
import { assertAddOptions, DEFAULT_RETRY, FAILED_KEPT, type RetryPolicy } from '../job-policy';
import type { QueueContract } from '../queue-contract';
import { nextPeriod } from '../schedule/periodic';
import { oldestWaiting } from './oldest-waiting';
import { withTraceCarrier, withoutTraceCarrier } from './job-trace';
import { RedisConnections } from './redis-connections';

/** How far ahead of now a schedule's first period must start: more than the upsert's own latency on a busy host. */
const START_MARGIN_MS = 1000;

export interface BullMqQueueOptions {
  url: string;
  /** Prefix of every Redis key: the namespace, so stacks and test runs can share one Redis. */
  prefix: string;
  /** How long a worker's claim on a job lasts unrenewed: a dead worker's job runs elsewhere within about twice this. */
  lockMs: number;
  /** Default jobs at once per queue and process. */
  concurrency: number;
  retry?: RetryPolicy;
  observer?: JobObserver;
}

/**
 * Stalls a job may go through (its worker died) before it is failed: high, because crashes are
 * not the job's fault, yet finite, so a job that kills every worker it lands on ends `failed`.
 */
const MAX_STALLS = 20;

/** The job queue of the split shapes, on BullMQ and Redis. */
export class BullMqQueue extends JobQueue {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private closing?: Promise<void>;

  private constructor(
    private readonly redis: RedisConnections,
    private readonly options: BullMqQueueOptions,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Connects first, so a missing Redis fails the boot with a clear message. */
  static async connect(options: BullMqQueueOptions): Promise<BullMqQueue> {
    const logger = new Logger(BullMqQueue.name);
    return new BullMqQueue(await RedisConnections.open(options.url, logger), options, logger);
  }

  override async add<T>(contract: QueueContract<T>, data: T, options: AddOptions = {}): Promise<void> {
    assertAddOptions(options);
    const queue = this.queue(contract.name);
    // A failed job is kept for inspection, but its id must not block a deliberate re-add.
    if (options.jobId && !options.firstUseOfId && (await queue.getJobState(options.jobId)) === 'failed') await queue.remove(options.jobId);
    await queue.add(contract.name, withTraceCarrier(data), {
      ...this.jobOptions(),
      jobId: options.jobId,
      delay: options.delayMs,
      priority: options.priority,
      attempts: options.attempts ?? this.jobOptions().attempts,
    });
  }

  /**
   * A BullMQ job scheduler: upserting it from every replica keeps one schedule, and BullMQ adds the
   * next period's job only when the current one starts, so each period runs once. `startDate`
   * aligns the first period; later ones follow every `everyMs` from it. BullMQ runs the first job at
   * once, unaligned, if `startDate` has passed by the time its script runs, so the start is taken
   * after the connection is ready and skips a boundary closer than START_MARGIN_MS (or half a period).
   */
  override async schedule(contract: QueueContract<Scheduled>, everyMs: number): Promise<void> {
    const queue = this.queue(contract.name);
    await queue.waitUntilReady();
    await queue.upsertJobScheduler(
      contract.name,
      { every: everyMs, startDate: nextPeriod(Date.now() + Math.min(everyMs / 2, START_MARGIN_MS), everyMs) },
      { name: contract.name, data: {}, opts: this.jobOptions() },
    );
  }

  private jobOptions() {
    const retry = this.options.retry ?? DEFAULT_RETRY;
    return {
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: FAILED_KEPT },
    };
  }

  override async health(): Promise<void> {
    await this.redis.producer.ping();
  }

  override process<T>(contract: QueueContract<T>, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.closing) throw new Error(`Queue ${contract.name} is closed`);
    const { lockMs, prefix } = this.options;
    const concurrency = options.concurrency ?? this.options.concurrency;
    const run = observeHandler(this.options.observer ?? SILENT_OBSERVER, contract.name, handler, concurrency);
    const processor = async (job: BullJob<T>, token?: string): Promise<void> => {
      const { data, carrier } = withoutTraceCarrier(job.data);
      try {
        await continueFrom(carrier, `job ${contract.name}`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': contract.name } }, () =>
          run({ id: job.id ?? '', data, attempt: job.attemptsMade + 1 }, job.opts.attempts ?? 1),
        );
      } catch (error) {
        if (error instanceof JobDeferred) return this.deferred(job, token, error);
        throw error;
      }
    };
    const worker = new Worker<T>(contract.name, processor, {
      connection: this.redis.worker,
      prefix,
      concurrency,
      lockDuration: lockMs,
      // Lock expiry plus at most one check interval: a dead worker's job is back in line within 1.5 × lockMs.
      stalledInterval: Math.max(500, Math.round(lockMs / 2)),
      maxStalledCount: MAX_STALLS,
    });
    worker.on('failed', (job, error) => {
      const where = `job ${contract.name}/${job?.id ?? '?'}`;
      if (job && job.attemptsMade < (job.opts.attempts ?? 1)) this.logger.warn(`${where} failed (attempt ${job.attemptsMade}), will retry: ${error.message}`);
      else this.logger.error(`${where} failed for good: ${error.message}`);
    });
    worker.on('error', (error) => this.logger.error(`worker for ${contract.name}: ${error.message}`));
    this.workers.set(contract.name, worker);
  }

  override setConcurrency<T>(contract: QueueContract<T>, concurrency: number): void {
    const worker = this.workers.get(contract.name);
    if (!worker) throw new Error(`Queue ${contract.name} is not processed in this process`);
    worker.concurrency = concurrency;
    (this.options.observer ?? SILENT_OBSERVER).consuming(contract.name, concurrency);
  }

  /** Puts a deferred job back in line (the `skipAttempt` moves of BullMQ), then tells the worker it moved. */
  private async deferred(job: BullJob, token: string | undefined, deferral: JobDeferred): Promise<never> {
    try {
      if (deferral.delayMs > 0) await job.moveToDelayed(Date.now() + deferral.delayMs, token);
      else await job.moveToWait(token);
    } catch (error) {
      // The lock is gone (e.g. Redis lost the job): the job's owner re-adds work it finds undone.
      this.logger.warn(`job ${job.queueName}/${job.id ?? '?'} could not be put back (${deferral.message}): ${error instanceof Error ? error.message : String(error)}`);
    }
    throw deferral.delayMs > 0 ? new DelayedError() : new WaitingError();
  }

  override async stopProcessing(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }

  override async counts<T>(contract: QueueContract<T>): Promise<QueueCounts> {
    const counts = await this.queue(contract.name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return { waiting: counts['waiting'] + counts['prioritized'], active: counts['active'], delayed: counts['delayed'], failed: counts['failed'] };
  }

  override oldestWaiting<T>(contract: QueueContract<T>): Promise<number | null> {
    return oldestWaiting(this.queue(contract.name), this.redis.producer);
  }

  override async failedJobs<T>(contract: QueueContract<T>, limit: number): Promise<FailedJob<T>[]> {
    const jobs = (await this.queue(contract.name).getFailed(0, limit - 1)) as BullJob<T>[];
    return jobs.map((job) => ({ id: job.id ?? '', data: withoutTraceCarrier(job.data).data, error: job.failedReason, attempts: job.attemptsMade, failedAt: new Date(job.finishedOn ?? job.timestamp) }));
  }

  override close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Workers first: they stop taking jobs and wait for the running ones.
    await this.stopProcessing();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.redis.close();
  }

  private queue(name: string): Queue {
    if (this.closing) throw new Error(`Queue ${name} is closed`);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis.producer, prefix: this.options.prefix });
      queue.on('error', (error) => this.logger.error(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }
}
