import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AUTH_SERVICE, EXECUTIONS_SERVICE, SQUADS_SERVICE, TASKS_SERVICE } from '@agent-squad/contracts';
import { routesByUser, userScoped } from '@agent-squad/database';
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
    // Each call runs as the user it names: its reads may use a replica (or the user's shard), and
    // that user reads its writes back. With neither, the scope would only cost every call its
    // AsyncLocalStorage run.
    const scoped = <T extends object>(service: T): T => (routesByUser(this.config.databases.core) ? userScoped(service) : service);
    await Promise.all([
      this.bus.serve(AUTH_SERVICE, scoped(this.auth)),
      this.bus.serve(SQUADS_SERVICE, scoped(this.squads)),
      this.bus.serve(TASKS_SERVICE, scoped(this.tasks)),
      this.bus.serve(EXECUTIONS_SERVICE, scoped(this.executions)),
    ]);
  }
}
