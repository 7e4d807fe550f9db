import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { BullMqQueue } from './bullmq/bullmq-queue';
import { InlineQueue } from './inline/inline-queue';
import { JobQueue } from './job-queue';

/** Picks the driver for this shape; BullMQ connects at boot, so a missing Redis fails the start clearly. */
export async function createJobQueue(config: AppConfig): Promise<JobQueue> {
  const { env } = config;
  switch (config.queue.kind) {
    case 'inline':
      return new InlineQueue({ concurrency: env.WORKER_CONCURRENCY });
    case 'bullmq':
      return BullMqQueue.connect({ url: config.queue.url, prefix: env.NAMESPACE, lockMs: env.JOB_LOCK_MS, concurrency: env.WORKER_CONCURRENCY });
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
      providers: [{ provide: JobQueue, inject: [AppConfig], useFactory: createJobQueue }, QueueShutdown],
      exports: [JobQueue],
    };
  }
}
