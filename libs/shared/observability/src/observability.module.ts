import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health';
import { Metrics } from './metrics';
import { TracingShutdown } from './tracing/tracing-shutdown';

@Global()
@Module({ providers: [Metrics, HealthRegistry, TracingShutdown], exports: [Metrics, HealthRegistry] })
export class ObservabilityModule {}
