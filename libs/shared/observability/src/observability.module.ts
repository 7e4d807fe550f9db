import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health';
import { Metrics } from './metrics';

@Global()
@Module({ providers: [Metrics, HealthRegistry], exports: [Metrics, HealthRegistry] })
export class ObservabilityModule {}
