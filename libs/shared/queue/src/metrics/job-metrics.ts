import { Injectable } from '@nestjs/common';
import { Metrics } from '@agent-squad/observability';
import { Gauge } from 'prom-client';
import type { JobObserver, JobOutcome } from '../job-observer';

/** Jobs run by this process: duration, failures, and how busy its workers are (DESIGN §9). */
@Injectable()
export class JobMetrics implements JobObserver {
  private readonly duration;
  private readonly failed;
  /** Per queue this process consumes: jobs running now, and jobs it may run at once. */
  private readonly workers = new Map<string, { busy: number; concurrency: number }>();

  constructor(metrics: Metrics) {
    this.duration = metrics.histogram('queue_job_duration_seconds', 'Job run duration by queue and outcome (completed, retry, failed)', ['queue', 'outcome'], [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]);
    this.failed = metrics.counter('queue_jobs_failed_total', 'Jobs run here that failed their last attempt, by queue', ['queue']);
    this.workerGauge(metrics, 'queue_worker_busy', 'Jobs running in this process now, by queue', ({ busy }) => busy);
    this.workerGauge(metrics, 'queue_worker_concurrency', 'Jobs this process may run at once, by queue', ({ concurrency }) => concurrency);
    this.workerGauge(metrics, 'queue_worker_utilisation', "Share of this process's job slots in use (busy / concurrency), by queue", ({ busy, concurrency }) => busy / concurrency);
  }

  consuming(queue: string, concurrency: number): void {
    // Present from the start (at 0), so an alert on its rate needs no first failure.
    this.failed.inc({ queue }, 0);
    this.workers.set(queue, { busy: this.workers.get(queue)?.busy ?? 0, concurrency });
  }

  started(queue: string): void {
    const worker = this.workers.get(queue);
    if (worker) worker.busy++;
  }

  settled(queue: string, outcome: JobOutcome, seconds: number): void {
    const worker = this.workers.get(queue);
    if (worker) worker.busy--;
    this.duration.observe({ queue, outcome }, seconds);
    if (outcome === 'failed') this.failed.inc({ queue });
  }

  /** A gauge read from the worker table when scraped, so the three never disagree. */
  private workerGauge(metrics: Metrics, name: string, help: string, value: (worker: { busy: number; concurrency: number }) => number): void {
    const workers = this.workers;
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [metrics.registry],
      collect() {
        for (const [queue, worker] of workers) this.set({ queue }, value(worker));
      },
    });
  }
}
