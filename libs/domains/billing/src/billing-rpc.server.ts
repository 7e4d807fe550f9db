import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BILLING_SERVICE } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry } from '@agent-squad/observability';
import { BillingDb } from './billing-db';
import { UsageService } from './usage/usage.service';

@Injectable()
export class BillingRpcServer implements OnModuleInit {
  constructor(
    private readonly bus: Bus,
    private readonly health: HealthRegistry,
    private readonly db: BillingDb,
    private readonly usage: UsageService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('billing-database', async () => {
      await this.db.$queryRaw`SELECT 1`;
    });
    await this.bus.serve(BILLING_SERVICE, this.usage);
  }
}
