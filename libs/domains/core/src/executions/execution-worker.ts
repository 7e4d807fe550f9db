import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { JobQueue, QUEUES } from '@agent-squad/queue';
import { ExecutionLeases } from './execution-leases';
import { EXECUTION_JOB_ATTEMPTS } from './execution-queue';
import { ExecutionRunner } from './execution-runner';

/**
 * Takes execution jobs in processes with the `worker` role. On shutdown (before HTTP is drained)
 * it stops taking jobs and lets running steps finish for at most SHUTDOWN_GRACE_MS; a step still
 * running then is given up unfinished. Either way each execution is handed over at its last
 * finished step, and another worker resumes it.
 */
@Injectable()
export class ExecutionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExecutionWorker.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly runner: ExecutionRunner,
    private readonly leases: ExecutionLeases,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hosts('worker')) return;
    this.queue.process(QUEUES.executions, (job) => this.runner.run(job.data.executionId, job.attempt >= EXECUTION_JOB_ATTEMPTS), {
      concurrency: this.config.workerConcurrency,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.hosts('worker')) return;
    const graceMs = this.config.env.SHUTDOWN_GRACE_MS;
    this.logger.log(`shutting down: handing over ${this.leases.size} running execution(s) within ${graceMs} ms`);
    this.runner.drain();
    const giveUp = setTimeout(() => this.leases.endAll('shutdown'), graceMs);
    try {
      await this.queue.stopProcessing();
    } finally {
      clearTimeout(giveUp);
    }
  }
}
