import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { API_LATENCY_SUBJECT, API_LATENCY_WINDOW_MS, type ApiLatencyReport } from '@agent-squad/contracts';
import { Bus, type LiveSubscription } from '@agent-squad/messaging';
import { JobQueue, QUEUES, YieldingConcurrency } from '@agent-squad/queue';
import { ExecutionLeases } from './execution-leases';
import { EXECUTION_JOB_ATTEMPTS } from './execution-queue';
import { ExecutionRunner } from './execution-runner';

/**
 * Takes execution jobs in processes with the `worker` role. On shutdown (before HTTP is drained)
 * it stops taking jobs and lets running steps finish for at most SHUTDOWN_GRACE_MS; a step still
 * running then is given up unfinished. Either way each execution is handed over at its last
 * finished step, and another worker resumes it. With WORKER_YIELD_LATENCY_MS set, how many
 * executions it runs at once, and how long it pauses before each while the API is still too slow,
 * follow the gateways' latency reports (YieldingConcurrency).
 */
@Injectable()
export class ExecutionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExecutionWorker.name);
  private yielding?: { concurrency: YieldingConcurrency; timer: NodeJS.Timeout; subscription: LiveSubscription };
  private running = 0;

  constructor(
    private readonly queue: JobQueue,
    private readonly runner: ExecutionRunner,
    private readonly leases: ExecutionLeases,
    private readonly config: AppConfig,
    private readonly bus: Bus,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hosts('worker')) return;
    this.queue.process(QUEUES.executions, async (job) => {
      this.running++;
      try {
        const pauseMs = this.yielding?.concurrency.pauseMs ?? 0;
        if (pauseMs > 0) await sleep(pauseMs);
        await this.runner.run(job.data.executionId, job.attempt >= EXECUTION_JOB_ATTEMPTS);
      } finally {
        this.running--;
      }
    }, { concurrency: this.config.workerConcurrency });
    if (this.config.env.WORKER_YIELD_LATENCY_MS > 0) this.yieldToApi(this.config.env.WORKER_YIELD_LATENCY_MS);
  }

  private yieldToApi(targetMs: number): void {
    const concurrency = new YieldingConcurrency(this.config.workerConcurrency, targetMs);
    const subscription = this.bus.subscribe<ApiLatencyReport>(API_LATENCY_SUBJECT, (report) => concurrency.report(report.p90Ms));
    const timer = setInterval(() => {
      const before = concurrency.limit;
      const limit = concurrency.tick(this.running);
      if (limit !== before) this.queue.setConcurrency(QUEUES.executions, limit);
    }, API_LATENCY_WINDOW_MS).unref();
    this.yielding = { concurrency, timer, subscription };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.hosts('worker')) return;
    const graceMs = this.config.env.SHUTDOWN_GRACE_MS;
    this.logger.log(`shutting down: handing over ${this.leases.size} running execution(s) within ${graceMs} ms`);
    clearInterval(this.yielding?.timer);
    this.yielding?.subscription.unsubscribe();
    this.runner.drain();
    const giveUp = setTimeout(() => this.leases.endAll('shutdown'), graceMs);
    try {
      await this.queue.stopProcessing();
    } finally {
      clearTimeout(giveUp);
    }
  }
}
