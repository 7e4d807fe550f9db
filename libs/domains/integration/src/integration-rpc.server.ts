import { Injectable, type OnModuleInit } from '@nestjs/common';
import { INTEGRATION_SERVICE } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry } from '@agent-squad/observability';
import { IntegrationDb } from './integration-db';
import { IntegrationsService } from './links/integrations.service';

@Injectable()
export class IntegrationRpcServer implements OnModuleInit {
  constructor(
    private readonly bus: Bus,
    private readonly health: HealthRegistry,
    private readonly db: IntegrationDb,
    private readonly integrations: IntegrationsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('integration-database', async () => {
      await this.db.$queryRaw`SELECT 1`;
    });
    await this.bus.serve(INTEGRATION_SERVICE, this.integrations);
  }
}
