import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '@agent-squad/observability';
import { Gauge } from 'prom-client';
import { QueueStats, type QueueSnapshot } from './queue-stats';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Jobs per queue and state: `state="waiting"` is the queue depth the worker autoscaler follows (deploy/k8s). */
export const QUEUE_JOBS_METRIC = 'queue_jobs';

/**
 * Queue depth and the age of the oldest waiting job per queue, read when scraped. With BullMQ they
 * are the whole deployment's (every process reports the same values: aggregate with `max`), and
 * `queue_jobs{state="waiting"}` of `executions` is what the worker autoscaler follows.
 */
@Injectable()
export class QueueDepthMetrics {
  private readonly logger = new Logger(QueueDepthMetrics.name);

  constructor(metrics: Metrics, stats: QueueStats) {
    const read = () => this.read(stats);
    new Gauge({
      name: QUEUE_JOBS_METRIC,
      help: 'Jobs per queue and state (waiting = queue depth, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const snapshot of await read()) for (const state of STATES) this.set({ queue: snapshot.name, state }, snapshot[state]);
      },
    });
    new Gauge({
      name: 'queue_oldest_waiting_age_seconds',
      help: 'How long the longest-waiting job of each queue has been due (0 when none waits)',
      labelNames: ['queue'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const snapshot of await read()) this.set({ queue: snapshot.name }, snapshot.oldestWaitingSeconds);
      },
    });
  }

  /** A queue store that does not answer leaves these series out of the scrape rather than failing it (readiness reports the outage). */
  private async read(stats: QueueStats): Promise<QueueSnapshot[]> {
    try {
      return await stats.snapshot();
    } catch (error) {
      this.logger.debug(`queue metrics not read: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
