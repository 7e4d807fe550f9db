import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type Domain } from '@agent-squad/config';
import { Metrics } from '@agent-squad/observability';
import { Gauge, type Counter, type Histogram } from 'prom-client';
import type { Pool } from 'pg';

/** What a Prisma client emits per SQL statement when created with `log: [{ emit: 'event', level: 'query' }]`. */
export interface QueryEvent {
  query: string;
  duration: number;
}

export interface QueryEvents {
  $on(event: 'query', listener: (event: QueryEvent) => void): unknown;
}

/** A statement that only reads: a plain SELECT (not `SELECT ... FOR UPDATE`) or a WITH that writes nothing. */
export function isRead(sql: string): boolean {
  const text = sql.trimStart();
  if (!/^(select|with)\b/i.test(text)) return false;
  return !/\b(insert|update|delete)\b|\bfor\s+(update|share|no key update)\b/i.test(text);
}

/**
 * Database series (DESIGN §9): query duration, reads vs writes, slow queries (also logged, without
 * their parameters), and each pg pool's connections in use, idle and waiting, read when scraped.
 * The names are the ones dashboards and alerts use (deploy/grafana).
 */
@Injectable()
export class DatabaseMetrics {
  private readonly logger = new Logger('Database');
  private readonly duration: Histogram<'domain' | 'kind'>;
  private readonly slow: Counter<'domain'>;
  private readonly pools = new Map<string, Pool>();
  private readonly slowMs: number;

  constructor(metrics: Metrics, config: AppConfig) {
    this.slowMs = config.env.DATABASE_SLOW_QUERY_MS;
    this.duration = metrics.histogram('db_query_duration_seconds', 'SQL statement duration by domain and kind (read, write): its count is the read/write ratio', ['domain', 'kind'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
    this.slow = metrics.counter('db_slow_queries_total', 'SQL statements slower than DATABASE_SLOW_QUERY_MS, by domain', ['domain']);
    const pools = this.pools;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of each database pool by state: in_use, idle, waiting (requests queued for a connection)',
      labelNames: ['pool', 'state'],
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const [name, pool] of pools) {
          this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
          this.set({ pool: name, state: 'idle' }, pool.idleCount);
          this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
        }
      },
    });
  }

  /** Times every statement `client` runs for `domain`. */
  watchQueries(domain: Domain, client: QueryEvents): void {
    this.slow.inc({ domain }, 0);
    client.$on('query', ({ query, duration }) => {
      this.duration.observe({ domain, kind: isRead(query) ? 'read' : 'write' }, duration / 1000);
      if (duration >= this.slowMs) {
        this.slow.inc({ domain });
        this.logger.warn({ domain, durationMs: duration, query: query.slice(0, 500) });
      }
    });
  }

  /** Exports the pool's usage under `label` (its database name: never the URL, which holds the password). */
  watchPool(label: string, pool: Pool): void {
    this.pools.set(label, pool);
  }
}
