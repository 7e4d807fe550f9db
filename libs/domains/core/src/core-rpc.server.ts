import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AUTH_SERVICE, EXECUTIONS_SERVICE, SQUADS_SERVICE, TASKS_SERVICE } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry } from '@agent-squad/observability';
import { AuthService } from './auth/auth.service';
import { CoreDb } from './core-db';
import { ExecutionsService } from './executions/executions.service';
import { SquadsService } from './squads/squads.service';
import { TasksService } from './tasks/tasks.service';

/** Offers the core domain's services to other domains (in process, or over NATS) when this process has the `core` role. */
@Injectable()
export class CoreRpcServer implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly bus: Bus,
    private readonly health: HealthRegistry,
    private readonly db: CoreDb,
    private readonly auth: AuthService,
    private readonly squads: SquadsService,
    private readonly tasks: TasksService,
    private readonly executions: ExecutionsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('core-database', async () => {
      await this.db.$queryRaw`SELECT 1`;
    });
    if (!this.config.hosts('core')) return;
    await Promise.all([
      this.bus.serve(AUTH_SERVICE, this.auth),
      this.bus.serve(SQUADS_SERVICE, this.squads),
      this.bus.serve(TASKS_SERVICE, this.tasks),
      this.bus.serve(EXECUTIONS_SERVICE, this.executions),
    ]);
  }
}
