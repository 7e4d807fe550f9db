import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { Metrics } from '@agent-squad/observability';
import { Gauge, type Counter } from 'prom-client';
import { CoreDb } from '../core-db';

/** Why a run must stop writing: its lease went to another worker, or this process is giving its work up. */
export type LeaseEnd = 'lost' | 'shutdown';

/** This process's hold on one execution. `signal` aborts when the hold ends early. */
export class Lease {
  private readonly controller = new AbortController();

  constructor(
    readonly executionId: string,
    readonly fence: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ended(): LeaseEnd | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as LeaseEnd) : undefined;
  }

  end(reason: LeaseEnd): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }
}

/**
 * The leases this worker process holds, renewed together by one heartbeat statement every third of
 * EXECUTION_LEASE_MS (renewal is fenced: it only extends a lease whose claim number is still this
 * worker's). A lease the heartbeat cannot renew was taken over, and its run is told to stop.
 */
@Injectable()
export class ExecutionLeases implements OnApplicationShutdown {
  /** Who holds a lease, as stored on the execution (for operators reading the table). */
  readonly worker = `${hostname()}:${process.pid}`;
  readonly leaseMs: number;
  private readonly logger = new Logger(ExecutionLeases.name);
  private readonly held = new Map<string, Lease>();
  private readonly lost: Counter;
  private timer?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly db: CoreDb,
    config: AppConfig,
    metrics: Metrics,
  ) {
    this.leaseMs = config.env.EXECUTION_LEASE_MS;
    this.lost = metrics.counter('execution_leases_lost_total', 'Leases this process held that another worker took over (its writes were refused)');
    const held = this.held;
    new Gauge({
      name: 'executions_in_flight',
      help: 'Executions this process is running now (holding their lease)',
      registers: [metrics.registry],
      collect() {
        this.set(held.size);
      },
    });
  }

  get size(): number {
    return this.held.size;
  }

  hold(executionId: string, fence: number): Lease {
    const lease = new Lease(executionId, fence);
    this.held.set(executionId, lease);
    this.timer ??= setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    return lease;
  }

  /** The run is over (or about to write its ending, which is fenced on its own): renew it no more. */
  drop(lease: Lease): void {
    if (this.held.get(lease.executionId) === lease) this.held.delete(lease.executionId);
    if (this.held.size === 0) this.stopTimer();
  }

  /** A write of this lease's run was refused: another worker holds the execution now. */
  refused(lease: Lease): void {
    if (lease.ended !== 'lost') this.lost.inc();
    lease.end('lost');
  }

  /** Gives every held execution up (shutdown deadline): their runs stop without writing more. */
  endAll(reason: LeaseEnd): void {
    for (const lease of this.held.values()) lease.end(reason);
  }

  /** Lets another worker claim the execution at once (it resumes after the last finished step). */
  async release(lease: Lease): Promise<void> {
    await this.db.$executeRaw`
      UPDATE core.executions SET "leaseExpiresAt" = now(), "leaseOwner" = NULL
      WHERE id = ${lease.executionId}::uuid AND attempts = ${lease.fence}::int AND status = 'running'`;
  }

  onApplicationShutdown(): void {
    this.stopTimer();
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    const leases = [...this.held.values()].filter((lease) => !lease.ended);
    try {
      // Locks in id order, as grouped claims and step checkpoints do (ExecutionClaims, StepRecorder):
      // statements that each update many of this worker's executions cannot wait for each other.
      const renewed = await this.db.$queryRaw<{ id: string }[]>`
        WITH held AS (
          SELECT e.id FROM core.executions e
          JOIN unnest(${leases.map((lease) => lease.executionId)}::uuid[], ${leases.map((lease) => lease.fence)}::int[]) AS h(id, fence) ON e.id = h.id AND e.attempts = h.fence
          WHERE e.status = 'running'
          ORDER BY e.id FOR UPDATE OF e
        )
        UPDATE core.executions e SET "leaseExpiresAt" = now() + make_interval(secs => ${this.leaseMs}::int / 1000.0)
        FROM held WHERE e.id = held.id
        RETURNING e.id`;
      const kept = new Set(renewed.map((row) => row.id));
      // Not renewed: taken over, or ended meanwhile (then its run is already leaving).
      for (const lease of leases) if (!kept.has(lease.executionId) && this.held.get(lease.executionId) === lease) this.refused(lease);
    } catch (error) {
      // Try again at the next beat; if the database stays away the leases lapse and others take over, fenced.
      this.logger.warn(`lease heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.renewing = false;
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
