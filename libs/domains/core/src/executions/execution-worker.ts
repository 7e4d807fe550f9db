import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { JobQueue } from '@agent-squad/queue';
import { EXECUTION_JOB_ATTEMPTS, EXECUTION_QUEUE } from './execution-queue';
import { ExecutionRunner } from './execution-runner';

/** Takes execution jobs in processes with the `worker` role. */
@Injectable()
export class ExecutionWorker implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly runner: ExecutionRunner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hosts('worker')) return;
    this.queue.process(EXECUTION_QUEUE, (job) => this.runner.run(job.data.executionId, job.attempt >= EXECUTION_JOB_ATTEMPTS), {
      concurrency: this.config.env.WORKER_CONCURRENCY,
    });
  }
}
