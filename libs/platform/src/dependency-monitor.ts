import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import { Clock, everyPeriod } from '@agent-squad/queue';

/**
 * Dependency health checks, every HEALTH_CHECK_EVERY_MS in every process: the readiness checks
 * (databases, NATS, Redis) exported as `dependency_up{dependency}` and logged when one changes.
 * Unlike the queue's scheduled jobs this runs in each replica, not once per period: what it checks
 * is this process's own connections.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dependencies');
  private readonly up;
  private readonly last = new Map<string, boolean>();
  private stop?: () => void;

  constructor(
    private readonly health: HealthRegistry,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.up = metrics.gauge('dependency_up', "Whether each dependency answered this process's last check (1) or not (0)", ['dependency']);
  }

  onApplicationBootstrap(): void {
    this.stop = everyPeriod(this.clock, this.config.env.HEALTH_CHECK_EVERY_MS, () => this.check());
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  async check(): Promise<void> {
    const { checks } = await this.health.readiness();
    for (const [dependency, { ok, error }] of Object.entries(checks)) {
      this.up.set({ dependency }, ok ? 1 : 0);
      const before = this.last.get(dependency);
      this.last.set(dependency, ok);
      // A dependency seen for the first time is logged only if it is down.
      if (!ok && before !== false) this.logger.warn(`${dependency} is down: ${error}`);
      if (ok && before === false) this.logger.log(`${dependency} is back`);
    }
  }
}
