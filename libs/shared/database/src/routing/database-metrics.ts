import { type Logger } from '@nestjs/common';
import { HotCounter, HotHistogram } from '@agent-squad/observability';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type Pool } from 'pg';

export type QueryKind = 'read' | 'write';

/** Times one operation on one domain's target (primary, replica-N, shard-N). */
export interface TargetMetrics {
  observe(kind: QueryKind, operation: string, ms: number): void;
}

const single = <M>(registry: Registry, name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();

/** Pools whose state each registry reports; one gauge per registry, fed by every DatabaseConnections on it. */
const poolsByRegistry = new WeakMap<Registry, Map<string, Pool>>();

/**
 * The database series of /metrics: query duration (histogram), reads and writes by target, slow
 * queries, and each pool's connections in use / idle / waiting.
 */
export class DatabaseMetrics {
  private readonly duration: HotHistogram<'domain' | 'target' | 'kind'>;
  private readonly operations: HotCounter<'domain' | 'target' | 'kind'>;
  private readonly slow: Counter<'domain' | 'target'>;
  private readonly pools: Map<string, Pool>;

  constructor(
    registry: Registry,
    private readonly slowMs: number,
    private readonly logger: Logger,
  ) {
    this.duration = single(registry, 'db_query_duration_seconds', () => new HotHistogram(
      'db_query_duration_seconds',
      'Database operation duration by domain, target (primary, replica-N, shard-N) and kind (read, write)',
      ['domain', 'target', 'kind'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registry,
    ));
    this.operations = single(registry, 'db_operations_total', () => new HotCounter(
      'db_operations_total',
      'Database reads and writes by domain and target (primary, replica-N, shard-N)',
      ['domain', 'target', 'kind'],
      registry,
    ));
    this.slow = single(registry, 'db_slow_queries_total', () => new Counter({
      name: 'db_slow_queries_total',
      help: 'Database operations slower than DATABASE_SLOW_QUERY_MS, by domain and target',
      labelNames: ['domain', 'target'] as const,
      registers: [registry],
    }));
    let pools = poolsByRegistry.get(registry);
    if (!pools) {
      const tracked = (pools = new Map());
      poolsByRegistry.set(registry, tracked);
      new Gauge({
        name: 'db_pool_connections',
        help: 'Connections of each database pool by state: in_use, idle, waiting (requests queued for a connection)',
        labelNames: ['pool', 'state'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const [name, pool] of tracked) {
            this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
            this.set({ pool: name, state: 'idle' }, pool.idleCount);
            this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
          }
        },
      });
    }
    this.pools = pools;
  }

  trackPool(name: string, pool: Pool): void {
    this.pools.set(name, pool);
  }

  untrackPool(name: string): void {
    this.pools.delete(name);
  }

  /**
   * The series of one domain's target, found once (not on every query). Exports the target's slow-query count from the start, at zero, so a
   * dashboard sees the series before the first slow query.
   */
  target(domain: string, target: string): TargetMetrics {
    const slow = this.slow.labels({ domain, target });
    slow.inc(0);
    const series = (kind: QueryKind) => ({ duration: this.duration.series({ domain, target, kind }), operations: this.operations.series({ domain, target, kind }) });
    const byKind = { read: series('read'), write: series('write') };
    return {
      observe: (kind, operation, ms) => {
        byKind[kind].duration.observe(ms / 1000);
        byKind[kind].operations.inc();
        if (ms >= this.slowMs) {
          slow.inc();
          this.logger.warn(`slow ${kind} on ${domain}/${target}: ${operation} took ${Math.round(ms)} ms`);
        }
      },
    };
  }
}
