import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BillingModule } from '@agent-squad/billing';
import { CacheModule } from '@agent-squad/cache';
import { AppConfig, ConfigModule } from '@agent-squad/config';
import { CoreModule } from '@agent-squad/core';
import { DatabaseModule } from '@agent-squad/database';
import { GatewayModule } from '@agent-squad/gateway';
import { OpsController, OpsQueuesController } from '@agent-squad/http';
import { IntegrationModule } from '@agent-squad/integration';
import { IntelligenceModule } from '@agent-squad/intelligence';
import { MessagingModule } from '@agent-squad/messaging';
import { ObservabilityModule } from '@agent-squad/observability';
import { QueueModule } from '@agent-squad/queue';
import { DependencyMonitor } from './dependency-monitor';
import { InfrastructureHealth } from './infrastructure-health';

/** The root module of a process: shared infrastructure, plus the modules its roles call for. */
@Module({})
export class PlatformModule {
  static for(config: AppConfig): DynamicModule {
    const hosted: Type[] = [];
    if (config.hosts('core') || config.hosts('worker')) hosted.push(CoreModule);
    if (config.hosts('intelligence')) hosted.push(IntelligenceModule);
    if (config.hosts('integration')) hosted.push(IntegrationModule);
    if (config.hosts('billing')) hosted.push(BillingModule);
    if (config.hosts('gateway')) hosted.push(GatewayModule);
    return {
      module: PlatformModule,
      imports: [CacheModule.forRoot(), ConfigModule.forRoot(config), DatabaseModule.forRoot(), MessagingModule.forRoot(), ObservabilityModule, QueueModule.forRoot(), ...hosted],
      controllers: [OpsController, OpsQueuesController],
      providers: [DependencyMonitor, InfrastructureHealth],
    };
  }
}
