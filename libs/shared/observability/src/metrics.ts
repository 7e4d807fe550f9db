import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics';

/**
 * The process's Prometheus registry and the series every process shares. Domain libs register
 * their own series on `registry` (one place to scrape: GET /metrics).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = this.hotHistogram(
    'http_request_duration_seconds',
    'HTTP request duration by method, route and status code',
    ['method', 'route', 'status'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  readonly httpRequests = this.hotCounter('http_requests_total', 'HTTP requests by method, route and status code', ['method', 'route', 'status']);

  readonly activeConnections = new Gauge({
    name: 'http_active_connections',
    help: 'Open HTTP connections (including event streams)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return (this.registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return (this.registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A counter for a hot path (see HotCounter): its label sets are bound once, then counted on. */
  hotCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): HotCounter<L> {
    return (this.registry.getSingleMetric(name) as unknown as HotCounter<L> | undefined) ?? new HotCounter(name, help, labelNames, this.registry);
  }

  /** A histogram for a hot path (see HotHistogram). */
  hotHistogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): HotHistogram<L> {
    return (this.registry.getSingleMetric(name) as unknown as HotHistogram<L> | undefined) ?? new HotHistogram(name, help, labelNames, buckets, this.registry);
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return (this.registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
