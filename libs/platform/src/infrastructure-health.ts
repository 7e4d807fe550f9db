import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry } from '@agent-squad/observability';
import { JobQueue } from '@agent-squad/queue';

/** Readiness includes the bus and the job queue when they are real services (NATS, Redis). */
@Injectable()
export class InfrastructureHealth implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthRegistry,
    private readonly bus: Bus,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    if (this.config.bus.kind === 'nats') this.health.register('nats', () => this.bus.health());
    if (this.config.queue.kind === 'bullmq') this.health.register('redis', () => this.queue.health());
  }
}
