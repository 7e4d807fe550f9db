import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { BullMqQueue } from './bullmq/bullmq-queue';
import { InlineQueue } from './inline/inline-queue';
import { JobQueue } from './job-queue';
import { JobMetrics } from './metrics/job-metrics';
import { QueueDepthMetrics } from './metrics/queue-depth-metrics';
import { QueueStats } from './metrics/queue-stats';
import { Clock, SystemClock } from './schedule/clock';

/** Picks the driver for this shape; BullMQ connects at boot, so a missing Redis fails the start clearly. */
export async function createJobQueue(config: AppConfig, observer: JobMetrics, clock: Clock): Promise<JobQueue> {
  const { env } = config;
  switch (config.queue.kind) {
    case 'inline':
      return new InlineQueue({ concurrency: config.workerConcurrency, observer, clock });
    case 'bullmq':
      return BullMqQueue.connect({ url: config.queue.url, prefix: env.NAMESPACE, lockMs: env.JOB_LOCK_MS, concurrency: config.workerConcurrency, observer });
  }
}

/** Closes the queue after every other module's shutdown hook (global modules go last): running jobs finish first. */
@Injectable()
class QueueShutdown implements OnApplicationShutdown {
  constructor(@Inject(JobQueue) private readonly queue: JobQueue) {}

  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: JobQueue, inject: [AppConfig, JobMetrics, Clock], useFactory: createJobQueue },
        JobMetrics,
        QueueDepthMetrics,
        QueueShutdown,
        QueueStats,
      ],
      exports: [Clock, JobQueue, QueueStats],
    };
  }
}
